"""What the open API gives: the public offer, with lowerCamelCase names (as its query keys)."""

from __future__ import annotations

from datetime import datetime

import msgspec

from groepsaanbod.opendata.linked_data import PublicMeeting, PublicProgramme, PublicSeries, PublicVenue


class OpenVenue(msgspec.Struct, rename="camel"):
    name: str
    street: str
    postcode: str
    city: str


class OpenMeeting(msgspec.Struct, rename="camel"):
    id: int
    #: ISO 8601 with the venue's offset, e.g. 2027-03-02T19:30:00+01:00.
    start: datetime
    end: datetime
    #: IANA time zone of the venue, e.g. Europe/Amsterdam.
    time_zone: str
    #: planned | held | cancelled
    status: str
    #: Moved from its usual day (a holiday or closed day).
    moved: bool
    venue: OpenVenue | None


class OpenGroup(msgspec.Struct, rename="camel"):
    id: int
    language: str
    place: str
    #: forming | confirmed | running
    status: str
    open_for_sign_up: bool
    venue: OpenVenue | None
    meetings: list[OpenMeeting]
    #: More meetings fall in the period than listed here (see README: the maximum per group).
    more_meetings: bool


class OpenProgramme(msgspec.Struct, rename="camel"):
    slug: str
    name: str
    description: str
    audience: str
    organisation: str
    languages: list[str]
    venues: list[OpenVenue]
    text_language: str
    free_of_charge: bool
    page_url: str
    sign_up_url: str | None
    linked_data_url: str
    groups: list[OpenGroup]


class OpenOffer(msgspec.Struct, rename="camel"):
    programmes: list[OpenProgramme]
    #: More programmes matched than `maxProgrammes`: ask per place or language.
    more_programmes: bool
    max_programmes: int


def _venue(venue: PublicVenue | None) -> OpenVenue | None:
    return OpenVenue(venue.name, venue.street, venue.postcode, venue.city) if venue else None


def _meeting(m: PublicMeeting) -> OpenMeeting:
    return OpenMeeting(m.id, m.start, m.end, m.time_zone, m.status, m.moved, _venue(m.venue))


def _group(s: PublicSeries) -> OpenGroup:
    return OpenGroup(
        s.id,
        s.language,
        s.place,
        s.status,
        s.open_for_sign_up,
        _venue(s.venue),
        [_meeting(m) for m in s.meetings],
        s.more_meetings,
    )


def open_programme_out(p: PublicProgramme, linked_data_url: str, *, free: bool) -> OpenProgramme:
    return OpenProgramme(
        slug=p.slug,
        name=p.name,
        description=p.description,
        audience=p.audience,
        organisation=p.organisation,
        languages=list(p.languages),
        venues=[OpenVenue(v.name, v.street, v.postcode, v.city) for v in p.venues],
        text_language=p.text_language,
        free_of_charge=free,
        page_url=p.page_url,
        sign_up_url=p.sign_up_url,
        linked_data_url=linked_data_url,
        groups=[_group(s) for s in p.series],
    )
