"""The README's settings table names every setting, so the docs do not drift from the code."""

import dataclasses
import re
from pathlib import Path

from groepsaanbod.settings import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_every_setting_is_documented():
    for field in dataclasses.fields(Settings):
        assert f"`GROEPSAANBOD_{field.name.upper()}`" in README, field.name


def test_the_two_commands_are_there():
    assert "python3 dev.py serve" in README
    assert "python3 dev.py test" in README
    ci = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text()
    assert "python3 dev.py test" in ci


def _layout_entries() -> dict[str, str]:
    """The layout block's entries: each line indented two spaces starts one, deeper lines continue it."""
    block = README.split("## How the code is laid out", 1)[1].split("```", 2)[1]
    entries: dict[str, str] = {}
    current = ""
    for line in block.splitlines():
        if line.startswith("  ") and not line.startswith("   "):
            current = line.split()[0]
            entries[current] = line
        elif current:
            entries[current] += " " + line
    return entries


def test_the_layout_names_every_area_and_its_files():
    """The README's layout matches the tree: every area, and every module in it, by name."""
    package = Path(__file__).resolve().parents[2] / "src" / "groepsaanbod"
    entries = _layout_entries()
    for area in sorted(p.parent for p in package.glob("*/__init__.py")):
        entry = entries.get(f"{area.name}/")
        assert entry is not None, f"{area.name}/ is not in the README's layout"
        words = set(re.findall(r"[a-z_]+", entry))
        modules = [p for p in area.rglob("*.py") if p.name != "__init__.py"]
        for module in modules:
            assert module.stem in words, f"{module.relative_to(package)} is not named under {area.name}/"
        for sub in area.glob("*/__init__.py"):
            assert f"{sub.parent.name}/" in entry, f"{sub.parent.relative_to(package)}/ is not named"
    for module in package.glob("*.py"):
        if module.name != "__init__.py":
            assert module.name in "".join(entries.values()), f"{module.name} is not in the README's layout"
