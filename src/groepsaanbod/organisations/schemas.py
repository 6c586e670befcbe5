from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from groepsaanbod import bounds
from groepsaanbod.organisations.models import Organisation, Venue
from groepsaanbod.refusals import Refused


@dataclass
class VenueIn:
    organisation_id: int
    name: str
    street: str
    postcode: str
    city: str
    capacity: int
    accessibility: dict[str, str] = field(default_factory=dict)


@dataclass
class VenueChange:
    """Leave a field out to keep it."""

    name: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    capacity: int | None = None
    accessibility: dict[str, str] | None = None


@dataclass
class VenueOut:
    id: int
    organisation_id: int
    name: str
    street: str
    postcode: str
    city: str
    capacity: int
    accessibility: dict[str, str]


@dataclass
class OrganisationOut:
    id: int
    slug: str
    name: str
    kind: str
    city: str


def venue_out(venue: Venue) -> VenueOut:
    return VenueOut(
        venue.id,
        venue.organisation_id,
        venue.name,
        venue.street,
        venue.postcode,
        venue.city,
        venue.capacity,
        dict(venue.accessibility),
    )


def organisation_out(org: Organisation) -> OrganisationOut:
    return OrganisationOut(org.id, org.slug, org.name, org.kind, org.city)


@dataclass
class HoursIn:
    #: 0 = Monday
    weekday: int
    #: "HH:MM", wall-clock
    starts: str
    ends: str


@dataclass
class OpeningHoursIn:
    hours: list[HoursIn]


def hours_of(hours: list[HoursIn], field: str = "hours") -> list[tuple[int, time, time]]:
    """Weekly hours as (weekday, from, to); a time that cannot be read is refused with its place."""
    parsed = []
    for i, h in enumerate(hours):
        starts, ends = bounds.time_of_day(h.starts), bounds.time_of_day(h.ends)
        if starts is None or ends is None:
            which = "starts" if starts is None else "ends"
            raise Refused.single(f"{field}[{i}].{which}", bounds.TIME_FORM)
        parsed.append((h.weekday, starts, ends))
    return parsed
