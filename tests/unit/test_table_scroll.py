"""Every table in the templates sits in the scroll box of macros.html, so a wide table scrolls
inside its own named, focusable region at 360 px and never the whole page (a new table cannot
forget it: this test names the template and line)."""

from __future__ import annotations

import re
from pathlib import Path

from groepsaanbod.rendering import jinja_environment, language_context

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "groepsaanbod" / "templates"
OPEN = re.compile(r"{%-?\s*call\b[^%]*\btable_scroll\(")
CLOSE = re.compile(r"{%-?\s*endcall\s*-?%}")
CALL = re.compile(r"{%-?\s*call\b")
TABLE = re.compile(r"<table\b")


def tables_outside_the_box(source: str) -> list[int]:
    """Line numbers of `<table` not inside a `{% call table_scroll(...) %}` block."""
    stack: list[bool] = []  # one entry per open call block: is it the scroll box?
    outside: list[int] = []
    tokens = re.compile(f"{CALL.pattern}|{CLOSE.pattern}|{TABLE.pattern}")
    for match in tokens.finditer(source):
        text = match.group(0)
        if CLOSE.fullmatch(text):
            if stack:
                stack.pop()
        elif CALL.match(text):
            stack.append(bool(OPEN.match(source, match.start())))
        elif not any(stack):
            outside.append(source.count("\n", 0, match.start()) + 1)
    return outside


def test_every_table_in_the_templates_is_in_the_scroll_box():
    templates = sorted(TEMPLATES.rglob("*.html"))
    found = [t for t in templates if TABLE.search(t.read_text())]
    assert len(found) >= 6, "the walk found the templates with tables"
    problems = [
        f"{path.relative_to(TEMPLATES)}:{line}" for path in found for line in tables_outside_the_box(path.read_text())
    ]
    assert not problems, "wrap these tables in {% call m.table_scroll(...) %}: " + ", ".join(problems)


def test_the_check_sees_a_bare_table_and_one_in_another_call():
    assert tables_outside_the_box("<p>\n<table></table>") == [2]
    assert tables_outside_the_box("{% call m.other() %}<table></table>{% endcall %}") == [1]
    assert tables_outside_the_box("{% call m.table_scroll(label='x') %}\n<table></table>\n{% endcall %}") == []
    assert tables_outside_the_box("{% call m.table_scroll(label='x') %}{% endcall %}<table>") == [1]


def test_the_box_is_a_named_focusable_region():
    env = jinja_environment()
    template = env.from_string(
        '{% import "macros.html" as m with context %}'
        '{% call m.table_scroll(label="People") %}<table></table>{% endcall %}'
        '{% call m.table_scroll(labelledby="h", extra="report-scroll") %}<table></table>{% endcall %}'
    )
    html = template.render(**language_context("nl"))
    boxes = re.findall(r"<div [^>]*>", html)
    assert boxes == [
        '<div class="table-scroll" role="region" tabindex="0" aria-label="People">',
        '<div class="table-scroll report-scroll" role="region" tabindex="0" aria-labelledby="h">',
    ]
