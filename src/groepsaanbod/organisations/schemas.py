from __future__ import annotations

from dataclasses import dataclass, field

from groepsaanbod.organisations.models import Organisation, Venue


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
