"""The built-in templates, shipped as TOML files in programmes/builtin/."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from groepsaanbod.programmes.templates import TemplateData, check_template


class BrokenBuiltinTemplate(Exception):
    pass


@cache
def builtin_templates() -> dict[str, TemplateData]:
    found: dict[str, TemplateData] = {}
    folder = resources.files("groepsaanbod.programmes") / "builtin"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        check = check_template(tomllib.loads(entry.read_text(encoding="utf-8")))
        if not check.ok:
            details = "; ".join(f"{p.field}: {p.message.msgid % p.message.params}" for p in check.problems)
            raise BrokenBuiltinTemplate(f"{entry.name}: {details}")
        assert check.template is not None
        found[check.template.key] = check.template
    return found
