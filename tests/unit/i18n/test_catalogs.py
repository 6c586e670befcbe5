"""The seven catalogs are complete, not fuzzy, keep their placeholders, match the
code, and carry plural rules that agree with CLDR."""

from __future__ import annotations

import gettext
import re
import tomllib
from pathlib import Path

import babel
import pytest
from babel import Locale
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from groepsaanbod.i18n.languages import LANGUAGE_CODES
from groepsaanbod.i18n.plurals import PLURAL_FORMS

ROOT = Path(__file__).resolve().parents[3]
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdifr]|%[sdifr]|\{[A-Za-z_][A-Za-z0-9_]*\}")


def load(language: str):
    with (ROOT / "locale" / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=language)


def source_messages() -> set[str]:
    method_map = [
        ("src/**.py", "python"),
        ("src/groepsaanbod/templates/**.html", "jinja2"),
        ("src/groepsaanbod/templates/**.txt", "jinja2"),
    ]
    options = {
        "src/groepsaanbod/templates/**.html": {"extensions": "jinja2.ext.do"},
        "src/groepsaanbod/templates/**.txt": {"extensions": "jinja2.ext.do"},
    }
    keywords = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2), "Nn_": (1, 2)}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options, keywords=keywords
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return {m for m in found if m}


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_every_message_is_translated_not_fuzzy_and_keeps_placeholders(language):
    problems = []
    for message in load(language):
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if message.fuzzy:
            problems.append(f"fuzzy: {key!r}")
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.append(f"not translated: {key!r}")
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = {p for i in ids for p in PLACEHOLDER.findall(i)} - {"%(num)s"}
        for string in strings:
            got = set(PLACEHOLDER.findall(string)) - {"%(num)s"}
            if got != wanted:
                problems.append(f"placeholders {sorted(got)} != {sorted(wanted)}: {key!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_catalog_holds_exactly_the_messages_of_the_code(language):
    in_catalog = {m.id[0] if isinstance(m.id, tuple) else m.id for m in load(language) if m.id}
    in_code = source_messages()
    assert not in_code - in_catalog, f"run scripts/catalogs.py: missing {sorted(in_code - in_catalog)}"
    assert not in_catalog - in_code, f"run scripts/catalogs.py: obsolete {sorted(in_catalog - in_code)}"


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_plural_forms_header_agrees_with_cldr(language):
    catalog = load(language)
    header = f"nplurals={catalog.num_plurals}; plural={catalog.plural_expr};"
    assert header.replace(" ", "") == PLURAL_FORMS[language].replace(" ", "")
    choose = gettext.c2py(catalog.plural_expr)
    rule = Locale.parse(language).plural_form
    index_of: dict[str, int] = {}
    category_of: dict[int, str] = {}
    for n in [*range(0, 1201), 1_000_000, 2_000_000, 1_000_001]:
        category, index = rule(n), choose(n)
        assert index_of.setdefault(category, index) == index, (language, n, category, index)
        assert category_of.setdefault(index, category) == category, (language, n, category, index)
    assert sorted(category_of) == list(range(catalog.num_plurals)), (language, category_of)


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_plural_messages_have_every_form(language):
    catalog = load(language)
    for message in catalog:
        if message.id and isinstance(message.id, tuple):
            assert len(message.string) == catalog.num_plurals, message.id


def test_babel_is_pinned_to_the_version_the_headers_were_checked_with():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    pins = [d for d in project["project"]["dependencies"] if d.startswith("babel")]
    assert pins == [f"babel=={babel.__version__}"]
