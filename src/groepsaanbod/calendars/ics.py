"""iCalendar (RFC 5545) for feeds and downloads. Pure: no database, no clock.

Events carry their wall-clock start with the Europe/Amsterdam time zone (a
VTIMEZONE is included), a stable UID, SEQUENCE and LAST-MODIFIED that change
with the session, and STATUS:CANCELLED for cancelled sessions, which stay in
the feed for a while instead of vanishing. Texts are already in the
subscriber's language and carry no health details.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard
from icalendar.prop import vDuration, vText

from groepsaanbod.bounds import shifted

PRODID = "-//groepsaanbod//feeds//NL"


def amsterdam_timezone() -> Timezone:
    """Europe/Amsterdam as the compact yearly rule calendar apps expect (EU rules since 1996).

    icalendar's generated VTIMEZONE lists every change as RDATEs, which some parsers
    read wrongly; the RRULE form is what Google and Outlook publish themselves.
    """
    zone = Timezone()
    zone.add("tzid", "Europe/Amsterdam")
    summer = TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("tzoffsetfrom", timedelta(hours=1))
    summer.add("tzoffsetto", timedelta(hours=2))
    summer.add("dtstart", datetime(1996, 3, 31, 2, 0))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    winter = TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("tzoffsetfrom", timedelta(hours=2))
    winter.add("tzoffsetto", timedelta(hours=1))
    winter.add("dtstart", datetime(1996, 10, 27, 3, 0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    zone.add_component(summer)
    zone.add_component(winter)
    return zone


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    local_start: datetime  # naive wall-clock time in `timezone`
    timezone: str
    duration_minutes: int
    summary: str
    description: str
    location: str
    cancelled: bool
    sequence: int
    last_modified: datetime  # aware UTC


def build_calendar(events: list[FeedEvent], name: str, refresh: timedelta = timedelta(hours=1)) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # Typed as text, so it is escaped like SUMMARY: a name stored before names were one line stays one property.
    calendar.add("x-wr-calname", vText(name))
    # How often to check again: RFC 7986 (Apple, Thunderbird) and the Outlook/Google variant.
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    # An X- property has no known type: without vDuration icalendar writes "1:00:00", not PT1H.
    calendar.add("x-published-ttl", vDuration(refresh))
    zones = {item.timezone for item in events}
    if "Europe/Amsterdam" in zones:
        calendar.add_component(amsterdam_timezone())
    for zone in sorted(zones - {"Europe/Amsterdam"}):
        calendar.add_component(Timezone.from_tzinfo(ZoneInfo(zone)))
    # Each event is rendered once and kept (most of a feed is unchanged from one fetch to
    # the next), then placed before the calendar's END line: the same bytes icalendar writes.
    head, end = calendar.to_ical().rsplit(b"END:VCALENDAR", 1)
    return b"".join((head, *(event_ical(item) for item in events), b"END:VCALENDAR", end))


@lru_cache(maxsize=8192)
def event_ical(item: FeedEvent) -> bytes:
    start = item.local_start.replace(tzinfo=ZoneInfo(item.timezone))
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", item.last_modified)
    event.add("last-modified", item.last_modified)
    event.add("sequence", item.sequence)
    event.add("dtstart", start)
    event.add("dtend", shifted(start, timedelta(minutes=item.duration_minutes)))
    event.add("summary", item.summary)
    if item.description:
        event.add("description", item.description)
    if item.location:
        event.add("location", item.location)
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    ical: bytes = event.to_ical()
    return ical
