"""Names people typed (of a person, a programme, a group, a room, an organisation) are shown
isolated from the text around them (`<bdi>`), so that a right-to-left name, or one holding
direction characters, cannot reorder what a member of staff reads beside it. And whatever a
stored text holds, no page or message shows an explicit direction control."""

from __future__ import annotations

import re

from groepsaanbod import PACKAGE_DIR
from groepsaanbod.rendering import render_template

TEMPLATES = PACKAGE_DIR / "templates"
#: An output expression that shows a name.
NAME = re.compile(
    r"{{[^}]*(full_name|\.name\b|\bperson\b|programme_name|\bgroup\b|inviter|\bname\b(?!\s*\()|\bo\.name)[^}]*}}"
)
#: Where isolation is already given: an attribute value, an <option> (its own line of text), an
#: element with a `dir` attribute (HTML isolates those), the page title.
SAFE_CONTEXT = re.compile(r'(=\s*"[^"]*$)|(<option[^>]*>[^<]*$)|(<[a-z0-9]+\s[^>]*\bdir="[^"]*"[^>]*>[^<]*$)')


def _unclosed(prefix: str, tag: str) -> bool:
    return prefix.count(f"<{tag}") > prefix.count(f"</{tag}>")


def test_every_name_on_a_page_is_isolated():
    wrong = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if "messages" in path.parts:
            continue  # e-mails: names stand in plain sentences, also in the text part
        text = path.read_text()
        for match in NAME.finditer(text):
            expression = match.group(0)
            if any(word in expression for word in ("gettext(", "_(", "language_name", "role_name", "people_table(")):
                continue  # translated text, or a macro that isolates the names itself
            before = text[: match.start()]
            line_start = before.rsplit("\n", 1)[-1]
            in_title = _unclosed(before, "title") or before.rfind("{% block title %}") > before.rfind("{% endblock")
            if _unclosed(before, "bdi") or SAFE_CONTEXT.search(line_start) or in_title:
                continue
            wrong.append(f"{path.relative_to(TEMPLATES)}: {expression}")
    assert not wrong, "names shown without <bdi>:\n" + "\n".join(wrong)


def test_direction_controls_in_stored_text_never_reach_a_page_or_message():
    shown = render_template(
        "messages/cohort_confirmed.subject.txt", "nl", programme="Triple P \u202eevil\u2066", name="Eva"
    )
    assert "\u202e" not in shown
    assert "\u2066" not in shown
    assert "Triple P evil" in shown
