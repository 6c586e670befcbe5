"""groepsaanbod: registration and scheduling for group-based prevention programmes."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """A folder shipped inside the wheel, or at the repository root in a checkout."""
    inside = PACKAGE_DIR / name
    if inside.exists():
        return inside
    return PACKAGE_DIR.parent.parent / name
