"""The public offer as plain data, and as schema.org JSON-LD. Pure.

One function, `event_series`, makes the JSON-LD of a programme for the open API and for the
`<script type="application/ld+json">` of its public page alike. What goes in is already public:
programme texts, the organisation's name, venues' addresses, meeting times. Never a person.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

SCHEMA = "https://schema.org"
#: The service has no prices: every programme in it is free for the people who take part.
FREE_OF_CHARGE = True
EVENT_STATUS = {
    "cancelled": f"{SCHEMA}/EventCancelled",
    "moved": f"{SCHEMA}/EventRescheduled",
}
SCHEDULED = f"{SCHEMA}/EventScheduled"


@dataclass(frozen=True)
class PublicVenue:
    name: str
    street: str
    postcode: str
    city: str


@dataclass(frozen=True)
class PublicMeeting:
    id: int
    #: With the venue's time zone offset.
    start: datetime
    end: datetime
    time_zone: str
    #: planned | held | cancelled
    status: str
    moved: bool
    venue: PublicVenue | None


@dataclass(frozen=True)
class PublicSeries:
    """A group (or drop-in series) of the programme that is open for sign-up or running."""

    id: int
    language: str
    place: str
    #: forming | confirmed | running
    status: str
    open_for_sign_up: bool
    venue: PublicVenue | None
    meetings: tuple[PublicMeeting, ...]
    #: More meetings fall in the period than the answer holds.
    more_meetings: bool


@dataclass(frozen=True)
class PublicProgramme:
    slug: str
    name: str
    description: str
    audience: str
    organisation: str
    languages: tuple[str, ...]
    venues: tuple[PublicVenue, ...]
    #: The language the texts are in (the asked one where translated, else Dutch or English).
    text_language: str
    page_url: str
    #: None where people do not sign up themselves (a school class).
    sign_up_url: str | None
    series: tuple[PublicSeries, ...]


def _place(venue: PublicVenue) -> dict[str, Any]:
    return {
        "@type": "Place",
        "name": venue.name,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": venue.street,
            "postalCode": venue.postcode,
            "addressLocality": venue.city,
            "addressCountry": "NL",
        },
    }


def _status(meeting: PublicMeeting) -> str:
    if meeting.status == "cancelled":
        return EVENT_STATUS["cancelled"]
    return EVENT_STATUS["moved"] if meeting.moved else SCHEDULED


def _event(programme: PublicProgramme, series: PublicSeries, meeting: PublicMeeting) -> dict[str, Any]:
    event: dict[str, Any] = {
        "@type": "Event",
        "@id": f"{programme.page_url}#meeting-{meeting.id}",
        "name": programme.name,
        "startDate": meeting.start.isoformat(),
        "endDate": meeting.end.isoformat(),
        "eventStatus": _status(meeting),
        "eventAttendanceMode": f"{SCHEMA}/OfflineEventAttendanceMode",
        "inLanguage": series.language,
        "isAccessibleForFree": FREE_OF_CHARGE,
        "url": programme.page_url,
    }
    venue = meeting.venue or series.venue
    if venue is not None:
        event["location"] = _place(venue)
    return event


def event_series(programme: PublicProgramme, *, context: bool = True) -> dict[str, Any]:
    """schema.org EventSeries of one programme, its groups' meetings as subEvent Events."""
    document: dict[str, Any] = {"@context": SCHEMA} if context else {}
    document |= {
        "@type": "EventSeries",
        "@id": programme.page_url,
        "name": programme.name,
        "description": programme.description,
        "url": programme.page_url,
        "inLanguage": list(programme.languages),
        "isAccessibleForFree": FREE_OF_CHARGE,
        "audience": {"@type": "PeopleAudience", "audienceType": programme.audience},
        "organizer": {"@type": "Organization", "name": programme.organisation},
        "eventAttendanceMode": f"{SCHEMA}/OfflineEventAttendanceMode",
        "location": [_place(v) for v in programme.venues],
        "subEvent": [_event(programme, s, m) for s in programme.series for m in s.meetings],
    }
    if programme.sign_up_url:
        document["offers"] = {
            "@type": "Offer",
            "price": "0",
            "priceCurrency": "EUR",
            "url": programme.sign_up_url,
            "availability": f"{SCHEMA}/InStock",
        }
    return document


def offer_graph(programmes: list[PublicProgramme]) -> dict[str, Any]:
    """Many programmes in one JSON-LD document."""
    return {"@context": SCHEMA, "@graph": [event_series(p, context=False) for p in programmes]}


#: In a `<script>` block the HTML parser ends at `</script>` and treats `<!--` specially, whatever
#: the JSON says; `&` and `>` go too, and the JavaScript line ends, so the text is safe anywhere.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def script_text(document: dict[str, Any]) -> str:
    """JSON for a `<script type="application/ld+json">` block: no programme text can end it."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_SAFE)
