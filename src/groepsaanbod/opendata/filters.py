"""What an open-data caller may ask for, checked where it enters. Pure.

Every value has a range: a place is one line of at most 120 characters, a language one of
the seven codes, the period within two years of today either way (the meetings' own window),
its start on or before its end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from groepsaanbod import bounds
from groepsaanbod.i18n.languages import BY_CODE, LANGUAGE_CODES
from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.refusals import Problem, Refused

#: The most programmes one answer holds (the whole offer of a region fits; more is refused by size,
#: not paged: ask per place or language).
MAX_PROGRAMMES = 200
#: The most meetings one group shows in an answer (a weekly drop-in over two years is 105).
MAX_MEETINGS = 120
UNKNOWN_LANGUAGE = N_("Choose one of these languages: %(allowed)s.")


class OpenQueryRefused(Refused):
    """A query value out of its range: 400, it is the question that is wrong."""

    status_code = 400


@dataclass(frozen=True)
class OfferQuery:
    #: The language texts are given in.
    text_language: str
    first_day: date
    last_day: date
    place: str | None = None
    #: Only programmes offered in, and groups speaking, this language.
    language: str | None = None


def _language(field: str, value: str | None) -> tuple[str | None, Problem | None]:
    if value is None or value == "":
        return None, None
    if value in BY_CODE:
        return value, None
    return None, Problem(field, Message(UNKNOWN_LANGUAGE, {"allowed": ", ".join(LANGUAGE_CODES)}))


def check_offer_query(
    today: date,
    *,
    place: str | None = None,
    language: str | None = None,
    lang: str | None = None,
    first_day: date | None = None,
    last_day: date | None = None,
) -> OfferQuery:
    """The query as asked, or `OpenQueryRefused` naming every value out of range. Without a period:
    from today to two years ahead."""
    window = bounds.meeting_window(today)
    first = first_day or today
    last = last_day or window[1]
    chosen_place = (place or "").strip() or None
    chosen_language, language_problem = _language("language", language)
    text_language, lang_problem = _language("lang", lang)
    problems = [
        p
        for p in (
            bounds.check_line("place", chosen_place, bounds.PLACE) if chosen_place else None,
            language_problem,
            lang_problem,
            bounds.check_date("from", first, window),
            bounds.check_date("to", last, window),
        )
        if p is not None
    ]
    if not problems and first > last:
        problems.append(Problem("to", Message(bounds.PERIOD_ORDER)))
    if problems:
        raise OpenQueryRefused(problems)
    return OfferQuery(
        text_language=text_language or "nl",
        first_day=first,
        last_day=last,
        place=chosen_place,
        language=chosen_language,
    )
