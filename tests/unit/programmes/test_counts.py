"""Placeholders in programme texts are filled from the template's counts, in the text's language;
anything else in braces is left as the writer wrote it."""

from __future__ import annotations

from groepsaanbod.i18n.text import Shown
from groepsaanbod.programmes.counts import counts_of, fill, filled

COUNTS = counts_of(["individual", *["group"] * 10], 8, 14)


def test_counts_by_kind():
    assert (COUNTS.meetings, COUNTS.group_meetings, COUNTS.individual_meetings, COUNTS.phone_calls) == (11, 10, 1, 0)


def test_placeholders_are_filled_with_the_plural_of_the_language():
    assert fill("{meetings}, {group_meetings}, {min_group_size}-{max_group_size}", "en", COUNTS) == (
        "11 meetings, 10 group meetings, 8-14"
    )
    assert fill("{individual_meetings}", "en", COUNTS) == "1 meeting alone with the counsellor"
    assert fill("{group_meetings}", "nl", COUNTS) == "10 groepsbijeenkomsten"
    assert fill("{meetings}", "pl", counts_of(["group"] * 3, 1, 2)) == "3 spotkania"
    assert fill("{meetings}", "pl", COUNTS) == "11 spotkań"


def test_other_braces_stay_as_written():
    assert fill("{not_a_count} {meetings", "en", COUNTS) == "{not_a_count} {meetings"


def test_a_fallback_is_filled_in_its_own_language():
    dutch = Shown("Er zijn {group_meetings}.", "nl")
    shown = filled(dutch, "ar", COUNTS)
    assert shown == "Er zijn 10 groepsbijeenkomsten."
    assert shown.language == "nl"
