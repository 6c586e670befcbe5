"""The layering of DESIGN.md section 3, enforced by import-linter (contracts in pyproject.toml)."""

import importlib
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_hold():
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_passes_ruff():
    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run(
        [str(ruff), "check", "src", "tests", "scripts", "dev.py", "migrations", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _ladder_areas() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    ladder = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    return {name.strip().removeprefix("groepsaanbod.") for rung in ladder["layers"] for name in re.split(r"[|:]", rung)}


def test_every_area_stands_on_the_ladder():
    """A new area must be given its rung (pyproject.toml), or nothing would hold its imports."""
    package = ROOT / "src" / "groepsaanbod"
    areas = {p.parent.name for p in package.glob("*/__init__.py")}
    assert areas - _ladder_areas() == set()


def _code_only(folder: str, names: list[str]) -> list[str]:
    """What the copy leaves out: caches, and the pages' templates and static files (only those at the
    top: programmes/templates is code)."""
    skipped = {"__pycache__", "static", "templates"} if Path(folder).name == "groepsaanbod" else {"__pycache__"}
    return [name for name in names if name in skipped]


@pytest.mark.parametrize(
    ("area", "upward"),
    [
        ("organisations", "from groepsaanbod.scheduling import models"),
        ("registration", "from groepsaanbod.scheduling.models import Session"),
        ("programmes", "from groepsaanbod.cohorts.models import Cohort"),
        ("access", "from groepsaanbod.accounts import guards"),
        ("i18n", "from groepsaanbod.access.roles import ROLES"),
    ],
)
def test_an_import_against_the_ladder_fails(tmp_path, area, upward):
    """The contract is no decoration: one upward import in a copy of the code breaks it."""
    shutil.copytree(ROOT / "src", tmp_path / "src", ignore=_code_only)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "src" / "groepsaanbod" / area / "ladder_probe.py").write_text(upward + "\n")
    lint = Path(sys.executable).parent / "lint-imports"
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "src")}
    result = subprocess.run([str(lint), "--no-cache"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "The ladder of areas: each imports only those below it BROKEN" in result.stdout
    assert f"groepsaanbod.{area}.ladder_probe" in result.stdout


def test_every_area_with_routes_is_served():
    """Pages and controllers are served through their area's routes.py (app.py finds those)."""
    from groepsaanbod.app import AREA_ROUTES

    served = {route for routes in AREA_ROUTES for route in (*routes.API, *routes.PAGES)}
    package = ROOT / "src" / "groepsaanbod"
    for module_file in [*package.glob("*/pages.py"), *package.glob("*/pages/*.py"), *package.glob("*/controllers.py")]:
        if module_file.name == "__init__.py":
            continue
        module_name = ".".join(module_file.relative_to(package.parent).with_suffix("").parts)
        module = importlib.import_module(module_name)
        assert set(getattr(module, "ROUTES", [])) <= served, module_name
