"""Numbers in a programme's texts come from its template, never from the writer's memory: a text
says `{group_meetings}` and the page shows "10 group meetings" (in the text's own language,
with that language's plural) from the published template. Unknown braces are left as written."""

from __future__ import annotations

import re
from dataclasses import dataclass

from groepsaanbod.i18n.formatting import number
from groepsaanbod.i18n.text import Nn_, Shown
from groepsaanbod.i18n.translations import ngettext

COUNT_FIELD = re.compile(r"\{(meetings|group_meetings|individual_meetings|phone_calls|min_group_size|max_group_size)\}")

#: A counted phrase per count field, chosen with the count (plural forms differ per language).
PHRASES = {
    "meetings": Nn_("%(num)s meeting", "%(num)s meetings"),
    "group_meetings": Nn_("%(num)s group meeting", "%(num)s group meetings"),
    "individual_meetings": Nn_(
        "%(num)s meeting alone with the counsellor", "%(num)s meetings alone with the counsellor"
    ),
    "phone_calls": Nn_("%(num)s phone call", "%(num)s phone calls"),
}


@dataclass(frozen=True)
class Counts:
    meetings: int
    group_meetings: int
    individual_meetings: int
    phone_calls: int
    min_group_size: int
    max_group_size: int


def counts_of(kinds: list[str], min_group_size: int, max_group_size: int) -> Counts:
    """The template's counts: its meetings by kind (group, individual, phone) and its group sizes."""
    return Counts(
        meetings=len(kinds),
        group_meetings=kinds.count("group"),
        individual_meetings=kinds.count("individual"),
        phone_calls=kinds.count("phone"),
        min_group_size=min_group_size,
        max_group_size=max_group_size,
    )


def fill(text: str, language: str, counts: Counts) -> str:
    """`text` (written in `language`) with its {count} fields filled from `counts`."""

    def one(found: re.Match[str]) -> str:
        key = found.group(1)
        n = getattr(counts, key)
        if key in PHRASES:
            return ngettext(language, *PHRASES[key], n, num=number(n, language))
        return number(n, language)

    return COUNT_FIELD.sub(one, text)


def filled(text: Shown, page_language: str, counts: Counts) -> Shown:
    """A shown text filled in the language it is written in (a Dutch fallback gets Dutch words)."""
    return Shown(fill(text, text.language or page_language, counts), text.language)
