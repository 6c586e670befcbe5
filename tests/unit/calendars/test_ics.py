"""iCalendar feeds: what build_calendar writes, read back with icalendar as a calendar app would."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from groepsaanbod.calendars.ics import PRODID, FeedEvent, amsterdam_timezone, build_calendar, event_ical

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
EVENT = FeedEvent(
    uid="session-7@groepsaanbod",
    local_start=datetime(2027, 1, 12, 19, 30),
    timezone="Europe/Amsterdam",
    duration_minutes=120,
    summary="Bijeenkomst 1 – Groep Utrecht",
    description="CenteringPregnancy – Groep Utrecht",
    location="Buurthuis De Bron, Hoofdstraat 1, 3511 AB Utrecht",
    cancelled=False,
    sequence=0,
    last_modified=datetime(2027, 1, 2, 8, 15, tzinfo=UTC),
)


def read(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def only_event(body: bytes):
    events = read(body).walk("VEVENT")
    assert len(events) == 1
    return events[0]


# --- the calendar --------------------------------------------------------------------------------------------


def test_the_calendar_names_itself_and_how_often_to_refresh():
    calendar = read(build_calendar([EVENT], "groepsaanbod – Groep Utrecht"))
    assert calendar["version"] == "2.0"
    assert calendar["prodid"] == PRODID
    assert calendar["calscale"] == "GREGORIAN"
    assert calendar["x-wr-calname"] == "groepsaanbod – Groep Utrecht"
    assert calendar.decoded("refresh-interval") == timedelta(hours=1)
    assert calendar["refresh-interval"].params["VALUE"] == "DURATION"
    assert calendar.decoded("x-published-ttl") == "PT1H"  # a duration, not Python's "1:00:00"


def test_the_refresh_interval_can_be_chosen():
    body = build_calendar([], "groepsaanbod", refresh=timedelta(minutes=15))
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT15M\r\n" in body
    assert b"\r\nX-PUBLISHED-TTL:PT15M\r\n" in body


def test_an_empty_calendar_is_a_whole_calendar_without_events_or_time_zones():
    body = build_calendar([], "groepsaanbod")
    assert body.startswith(b"BEGIN:VCALENDAR\r\n")
    assert body.endswith(b"\r\nEND:VCALENDAR\r\n")
    calendar = read(body)
    assert calendar.walk("VEVENT") == []
    assert calendar.walk("VTIMEZONE") == []
    assert calendar["x-wr-calname"] == "groepsaanbod"


def test_every_line_ends_in_crlf_and_is_at_most_75_octets_of_whole_characters():
    long_arabic = replace(EVENT, description="مجموعة الحمل في أوتريخت، " * 20, summary="Ś" * 100)
    body = build_calendar([long_arabic, EVENT], "groepsaanbod")
    assert body.count(b"\n") == body.count(b"\r\n")
    lines = body.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # folding never splits a character
    assert only_event(build_calendar([long_arabic], "x"))["description"] == long_arabic.description


def test_events_keep_their_order_and_the_calendar_ends_after_them():
    first, second = replace(EVENT, uid="session-2@groepsaanbod"), replace(EVENT, uid="session-1@groepsaanbod")
    body = build_calendar([first, second], "groepsaanbod")
    assert [str(e["uid"]) for e in read(body).walk("VEVENT")] == ["session-2@groepsaanbod", "session-1@groepsaanbod"]
    assert body.index(b"END:VTIMEZONE") < body.index(b"BEGIN:VEVENT")
    assert body.count(b"END:VCALENDAR") == 1
    assert body.rindex(b"END:VEVENT") < body.index(b"END:VCALENDAR")


def test_the_same_events_give_the_same_bytes():
    # The feed's ETag is made from these bytes: an unchanged feed must not look changed.
    events = [EVENT, replace(EVENT, uid="session-8@groepsaanbod", cancelled=True)]
    assert build_calendar(events, "groepsaanbod") == build_calendar(list(events), "groepsaanbod")
    # Events are rendered once and kept: what is kept is what a fresh rendering gives,
    # and any change to the event (here only its title) gives new bytes, never the kept ones.
    assert event_ical(EVENT) == event_ical.__wrapped__(EVENT)
    retitled = event_ical(replace(EVENT, summary="Bijeenkomst 2 – Groep Utrecht"))
    assert b"SUMMARY:Bijeenkomst 2" in retitled
    assert b"SUMMARY:Bijeenkomst 1" in event_ical(EVENT)


# --- an event ------------------------------------------------------------------------------------------------


def test_an_event_carries_its_texts_status_and_versions():
    event = only_event(build_calendar([EVENT], "groepsaanbod"))
    assert event["uid"] == "session-7@groepsaanbod"
    assert event["summary"] == "Bijeenkomst 1 – Groep Utrecht"
    assert event["description"] == "CenteringPregnancy – Groep Utrecht"
    assert event["location"] == "Buurthuis De Bron, Hoofdstraat 1, 3511 AB Utrecht"
    assert event["status"] == "CONFIRMED"
    assert event.decoded("sequence") == 0
    assert event.decoded("last-modified") == datetime(2027, 1, 2, 8, 15, tzinfo=UTC)
    assert event.decoded("dtstamp") == datetime(2027, 1, 2, 8, 15, tzinfo=UTC)


def test_an_event_is_one_vevent_block():
    lines = event_ical(EVENT).split(b"\r\n")
    assert lines[0] == b"BEGIN:VEVENT"
    assert lines[-2:] == [b"END:VEVENT", b""]
    assert b"UID:session-7@groepsaanbod" in lines


def test_empty_description_and_location_are_left_out():
    event = only_event(build_calendar([replace(EVENT, description="", location="")], "groepsaanbod"))
    assert "description" not in event
    assert "location" not in event
    assert event["summary"] == "Bijeenkomst 1 – Groep Utrecht"


def test_a_cancelled_meeting_stays_in_the_feed_marked_cancelled():
    cancelled = replace(EVENT, cancelled=True, sequence=1, summary="Cancelled: Bijeenkomst 1 – Groep Utrecht")
    event = only_event(build_calendar([cancelled], "groepsaanbod"))
    assert event["status"] == "CANCELLED"
    assert event["uid"] == "session-7@groepsaanbod"
    assert event.decoded("sequence") == 1
    assert event["summary"] == "Cancelled: Bijeenkomst 1 – Groep Utrecht"
    assert event.decoded("dtstart") == datetime(2027, 1, 12, 19, 30, tzinfo=AMSTERDAM)


def test_a_changed_meeting_keeps_its_uid_and_says_it_changed():
    # Calendar apps replace an event with the same UID and a higher SEQUENCE, instead of adding a second one.
    moved = replace(
        EVENT,
        local_start=datetime(2027, 1, 19, 19, 30),
        sequence=1,
        last_modified=datetime(2027, 1, 5, 9, 0, tzinfo=UTC),
    )
    before = only_event(build_calendar([EVENT], "groepsaanbod"))
    after = only_event(build_calendar([moved], "groepsaanbod"))
    assert after["uid"] == before["uid"] == "session-7@groepsaanbod"
    assert (before.decoded("sequence"), after.decoded("sequence")) == (0, 1)
    assert after.decoded("last-modified") == datetime(2027, 1, 5, 9, 0, tzinfo=UTC)
    assert after.decoded("dtstart") == datetime(2027, 1, 19, 19, 30, tzinfo=AMSTERDAM)


# --- times and time zones ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("local_start", "utc_start"),
    [
        (datetime(2027, 1, 12, 19, 30), datetime(2027, 1, 12, 18, 30, tzinfo=UTC)),  # winter: +01:00
        (datetime(2027, 6, 8, 19, 30), datetime(2027, 6, 8, 17, 30, tzinfo=UTC)),  # summer: +02:00
        (datetime(2027, 3, 28, 10, 0), datetime(2027, 3, 28, 8, 0, tzinfo=UTC)),  # the day summer time starts
        (datetime(2027, 10, 31, 10, 0), datetime(2027, 10, 31, 9, 0, tzinfo=UTC)),  # the day it ends
    ],
)
def test_the_start_is_wall_clock_time_in_amsterdam(local_start, utc_start):
    body = build_calendar([replace(EVENT, local_start=local_start)], "groepsaanbod")
    stamp = local_start.strftime("%Y%m%dT%H%M%S").encode()
    assert b"\r\nDTSTART;TZID=Europe/Amsterdam:" + stamp + b"\r\n" in body
    event = only_event(body)
    assert event.decoded("dtstart") == local_start.replace(tzinfo=AMSTERDAM)
    assert event.decoded("dtstart").astimezone(UTC) == utc_start
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=120)


@pytest.mark.parametrize("minutes", [1, 45, 90, 24 * 60])
def test_the_end_is_the_start_plus_the_duration(minutes):
    event = only_event(build_calendar([replace(EVENT, duration_minutes=minutes)], "groepsaanbod"))
    assert event.decoded("dtend") == datetime(2027, 1, 12, 19, 30, tzinfo=AMSTERDAM) + timedelta(minutes=minutes)


def test_a_meeting_at_the_end_of_the_calendar_ends_at_its_last_moment_instead_of_failing():
    # Rows stored before the bounds existed may hold a meeting on 31 December 9999.
    event = only_event(build_calendar([replace(EVENT, local_start=datetime(9999, 12, 31, 23, 0))], "groepsaanbod"))
    assert event.decoded("dtstart") == datetime(9999, 12, 31, 23, 0, tzinfo=AMSTERDAM)
    assert event.decoded("dtend") == datetime(9999, 12, 31, 23, 59, 59, tzinfo=AMSTERDAM)


def test_amsterdam_is_sent_once_as_a_yearly_rule():
    body = build_calendar([EVENT, replace(EVENT, uid="session-8@groepsaanbod")], "groepsaanbod")
    zones = read(body).walk("VTIMEZONE")
    assert [str(z["tzid"]) for z in zones] == ["Europe/Amsterdam"]
    # Each change at 01:00 UTC, written in the local time before it (RFC 5545: DTSTART is in TZOFFSETFROM).
    rules = {
        str(c["tzname"]): (c.decoded("dtstart"), c.decoded("tzoffsetfrom"), c.decoded("tzoffsetto"))
        for c in zones[0].subcomponents
    }
    assert rules == {
        "CEST": (datetime(1996, 3, 31, 2, 0), timedelta(hours=1), timedelta(hours=2)),
        "CET": (datetime(1996, 10, 27, 3, 0), timedelta(hours=2), timedelta(hours=1)),
    }
    assert b"RDATE" not in body  # the listed-changes form some parsers misread
    assert body.count(b"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3") == 1
    assert body.count(b"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10") == 1


@pytest.mark.parametrize(
    "moment",
    [
        datetime(1996, 3, 31, 1, 59),
        datetime(1996, 3, 31, 3, 0),
        datetime(2026, 3, 29, 1, 59),  # the last Sunday of March, just before 02:00
        datetime(2026, 3, 29, 3, 0),  # just after: summer time
        datetime(2026, 3, 29, 3, 30),
        datetime(2026, 10, 25, 1, 59),  # the last Sunday of October
        datetime(2026, 10, 25, 3, 0),  # after 03:00 summer time: winter time
        datetime(2026, 10, 25, 2, 30),  # the hour that happens twice: first in summer time,
        datetime(2026, 10, 25, 2, 30, fold=1),  # then in winter time
        datetime(2027, 3, 27, 12, 0),
        datetime(2027, 3, 28, 12, 0),
        datetime(2027, 10, 30, 12, 0),
        datetime(2027, 10, 31, 12, 0),
        datetime(2032, 3, 28, 3, 0),  # a year whose last Sunday of March is the 28th
        datetime(2037, 7, 1, 12, 0),
    ],
)
def test_the_amsterdam_rule_gives_the_same_offsets_as_the_time_zone_database(moment):
    written = read(build_calendar([EVENT], "groepsaanbod")).walk("VTIMEZONE")[0].to_tz(lookup_tzid=False)
    assert moment.replace(tzinfo=written).utcoffset() == moment.replace(tzinfo=AMSTERDAM).utcoffset()


def test_the_amsterdam_rule_matches_every_day_of_a_year():
    written = amsterdam_timezone().to_tz(lookup_tzid=False)
    day = date(2028, 1, 1)  # a leap year
    while day.year == 2028:
        for hour in (0, 4, 12):
            moment = datetime(day.year, day.month, day.day, hour)
            assert moment.replace(tzinfo=written).utcoffset() == moment.replace(tzinfo=AMSTERDAM).utcoffset(), moment
        day += timedelta(days=1)


def test_other_time_zones_are_sent_too_each_once_and_sorted():
    events = [
        replace(EVENT, uid="a@groepsaanbod", timezone="Europe/London"),
        replace(EVENT, uid="b@groepsaanbod", timezone="America/Paramaribo"),
        replace(EVENT, uid="c@groepsaanbod", timezone="Europe/London"),
        EVENT,
    ]
    calendar = read(build_calendar(events, "groepsaanbod"))
    assert [str(z["tzid"]) for z in calendar.walk("VTIMEZONE")] == [
        "Europe/Amsterdam",
        "America/Paramaribo",
        "Europe/London",
    ]
    starts = {str(e["uid"]): e.decoded("dtstart") for e in calendar.walk("VEVENT")}
    assert starts["a@groepsaanbod"] == datetime(2027, 1, 12, 19, 30, tzinfo=ZoneInfo("Europe/London"))
    assert starts["b@groepsaanbod"].astimezone(UTC) == datetime(2027, 1, 12, 22, 30, tzinfo=UTC)  # -03:00


def test_a_calendar_without_amsterdam_events_leaves_its_rule_out():
    body = build_calendar([replace(EVENT, timezone="Europe/London")], "groepsaanbod")
    assert [str(z["tzid"]) for z in read(body).walk("VTIMEZONE")] == ["Europe/London"]
    assert b"TZNAME:CEST" not in body


# --- hostile text --------------------------------------------------------------------------------------------


HOSTILE = [
    "Groep; A, B\\C",
    "Ouder\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil@example.org\r\nSUMMARY:gekaapt",
    "Ouder\nATTENDEE:mailto:attacker@example.org",
    "Ouder\rX-INJECTED:1",
    "<script>alert(1)</script> & \"quotes\" 'x'",
    "مرحبا \u200f bij de groep",
    ":;,\\n\\;",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_escaped_and_reads_back_as_itself(text):
    hostile = replace(EVENT, summary=text, description=text, location=text)
    body = build_calendar([hostile], "groepsaanbod")
    calendar = read(body)
    assert len(calendar.walk("VEVENT")) == 1
    event = calendar.walk("VEVENT")[0]
    # Line breaks read back as a line feed (RFC 5545 has only "\n" for them); nothing else changes.
    kept = text.replace("\r\n", "\n").replace("\r", "\n")
    assert event["summary"] == kept
    assert event["description"] == kept
    assert event["location"] == kept
    assert event["uid"] == "session-7@groepsaanbod"
    names = [line.split(b":", 1)[0].split(b";", 1)[0] for line in body.split(b"\r\n") if line[:1] not in (b" ", b"")]
    assert b"ATTENDEE" not in names
    assert b"X-INJECTED" not in names
    assert names.count(b"UID") == 1
    assert [line for line in body.split(b"\r\n") if line.startswith((b"BEGIN:", b"END:"))] == [
        b"BEGIN:VCALENDAR",
        b"BEGIN:VTIMEZONE",
        b"BEGIN:DAYLIGHT",
        b"END:DAYLIGHT",
        b"BEGIN:STANDARD",
        b"END:STANDARD",
        b"END:VTIMEZONE",
        b"BEGIN:VEVENT",
        b"END:VEVENT",
        b"END:VCALENDAR",
    ]


def test_special_characters_are_escaped_as_rfc_5545_says():
    body = event_ical(replace(EVENT, summary="a;b,c\\d\ne", description="", location=""))
    assert b"\r\nSUMMARY:a\\;b\\,c\\\\d\\ne\r\n" in body


def test_a_calendar_name_with_a_line_break_stays_one_property():
    body = build_calendar([], "groepsaanbod – Groep A\r\nX-INJECTED:1")
    assert "\r\nX-WR-CALNAME:groepsaanbod – Groep A\\nX-INJECTED:1\r\n".encode() in body
    assert b"\r\nX-INJECTED" not in body
