"""The JSON-LD of a programme: schema.org's shape, and no way out of its script block."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from groepsaanbod.opendata.filters import OpenQueryRefused, check_offer_query
from groepsaanbod.opendata.linked_data import (
    PublicMeeting,
    PublicProgramme,
    PublicSeries,
    PublicVenue,
    event_series,
    offer_graph,
    script_text,
)

HOSTILE = "</script><script>alert(1)</script><!-- & >"
VENUE = PublicVenue("Buurthuis De Linde", "Lindelaan 1", "3311 AB", "Dordrecht")


def meeting(n: int, status: str = "planned", moved: bool = False) -> PublicMeeting:
    start = datetime(2027, 3, 2 + 7 * n, 19, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
    return PublicMeeting(n, start, start + timedelta(hours=2), "Europe/Amsterdam", status, moved, None)


def programme(name: str = "Triple P", sign_up: bool = True) -> PublicProgramme:
    series = PublicSeries(7, "tr", "Dordrecht", "forming", True, VENUE, (meeting(1), meeting(2, "cancelled")), False)
    page = "https://example.org/nl/programmes/triple-p"
    return PublicProgramme(
        slug="triple-p",
        name=name,
        description="Opvoeden zonder stress.",
        audience="Ouders van kinderen van 0 tot 12",
        organisation="CJG Dordrecht",
        languages=("nl", "tr"),
        venues=(VENUE,),
        text_language="nl",
        page_url=page,
        sign_up_url=f"{page}/register" if sign_up else None,
        series=(series,),
    )


def test_event_series_has_what_schema_org_asks():
    doc = event_series(programme())
    assert doc["@context"] == "https://schema.org"
    assert doc["@type"] == "EventSeries"
    assert doc["isAccessibleForFree"] is True
    assert doc["inLanguage"] == ["nl", "tr"]
    assert doc["audience"] == {"@type": "PeopleAudience", "audienceType": "Ouders van kinderen van 0 tot 12"}
    assert doc["organizer"] == {"@type": "Organization", "name": "CJG Dordrecht"}
    assert doc["location"][0]["address"]["@type"] == "PostalAddress"
    assert doc["location"][0]["address"]["postalCode"] == "3311 AB"
    assert doc["offers"]["price"] == "0"
    assert doc["offers"]["url"].endswith("/register")
    first, cancelled = doc["subEvent"]
    assert first["@type"] == "Event"
    assert first["startDate"] == "2027-03-09T19:30:00+01:00"
    assert first["endDate"] == "2027-03-09T21:30:00+01:00"
    assert first["inLanguage"] == "tr"
    assert first["location"]["name"] == "Buurthuis De Linde"  # the group's venue
    assert first["eventStatus"] == "https://schema.org/EventScheduled"
    assert cancelled["eventStatus"] == "https://schema.org/EventCancelled"


def test_moved_meeting_is_rescheduled_and_no_offer_without_sign_up():
    moved = PublicSeries(1, "nl", "", "running", False, None, (meeting(1, moved=True),), False)
    doc = event_series(PublicProgramme(**{**programme(sign_up=False).__dict__, "series": (moved,)}))
    assert doc["subEvent"][0]["eventStatus"] == "https://schema.org/EventRescheduled"
    assert "location" not in doc["subEvent"][0]
    assert "offers" not in doc


def test_graph_holds_many_with_one_context():
    graph = offer_graph([programme(), programme("Baby in huis")])
    assert graph["@context"] == "https://schema.org"
    assert [p["name"] for p in graph["@graph"]] == ["Triple P", "Baby in huis"]
    assert all("@context" not in p for p in graph["@graph"])


def test_a_hostile_name_cannot_end_the_script_block():
    text = script_text(event_series(programme(HOSTILE)))
    assert "</" not in text
    assert "<" not in text
    assert ">" not in text
    assert "&" not in text
    assert not re.search(r"(?i)</script|<!--", text)
    assert json.loads(text)["name"] == HOSTILE  # the JSON still says exactly the name


def test_line_separators_are_escaped_too():
    assert "\u2028" not in script_text({"name": "a\u2028b\u2029"})


TODAY = date(2026, 11, 30)


def test_query_defaults_and_ranges():
    query = check_offer_query(TODAY)
    assert (query.first_day, query.last_day, query.text_language) == (TODAY, date(2028, 11, 30), "nl")
    asked = check_offer_query(TODAY, place=" Dordrecht ", language="tr", lang="en")
    assert (asked.place, asked.language, asked.text_language) == ("Dordrecht", "tr", "en")


@pytest.mark.parametrize(
    ("asked", "fields"),
    [
        ({"language": "xx"}, ["language"]),
        ({"lang": "klingon"}, ["lang"]),
        ({"place": "x" * 121}, ["place"]),
        ({"place": "Dord\nrecht"}, ["place"]),
        ({"first_day": date(2020, 1, 1)}, ["from"]),
        ({"last_day": date(9999, 12, 31)}, ["to"]),
        ({"first_day": date(2027, 2, 1), "last_day": date(2027, 1, 1)}, ["to"]),
    ],
)
def test_query_out_of_range_is_refused_naming_the_key(asked, fields):
    with pytest.raises(OpenQueryRefused) as refused:
        check_offer_query(TODAY, **asked)
    assert [p.field for p in refused.value.problems] == fields
    assert refused.value.status_code == 400
