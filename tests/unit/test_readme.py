"""The README's settings table names every setting, so the docs do not drift from the code."""

import dataclasses
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
