"""Use cases of an organisation's venues: list_venues, add_venue, change_venue."""

from __future__ import annotations

import logging
from datetime import time
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.roles import PROGRAMME_EDITORS
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.bounds import PERIOD_FORM
from groepsaanbod.organisations import errors
from groepsaanbod.organisations.errors import VenueError, VenueNotFound
from groepsaanbod.organisations.models import Organisation, Venue, VenueOpening
from groepsaanbod.organisations.venues import VenueData, check_venue

log = logging.getLogger(__name__)


ORGANISATION_KINDS = ("municipality", "cjg", "midwifery_practice", "school", "foundation")


async def create_organisation(session: AsyncSession, slug: str, *, name: str, kind: str, city: str) -> Organisation:
    """An operator's step (CLI): a new provider whose staff can then be added."""
    if kind not in ORGANISATION_KINDS:
        raise ValueError(f"kind must be one of {', '.join(ORGANISATION_KINDS)}")
    if await session.scalar(select(Organisation.id).where(Organisation.slug == slug)) is not None:
        raise ValueError(f"an organisation with slug {slug!r} already exists")
    org = Organisation(slug=slug, name=name, kind=kind, city=city)
    session.add(org)
    await session.commit()
    log.info("organisation created", extra={"organisation_id": org.id})
    return org


async def list_organisations(session: AsyncSession, viewer: Viewer) -> list[Organisation]:
    ids = viewer.organisations_with(PROGRAMME_EDITORS)
    return list(await session.scalars(select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)))


async def list_venues(session: AsyncSession, viewer: Viewer) -> list[Venue]:
    ids = viewer.organisations_with(PROGRAMME_EDITORS)
    rows = await session.scalars(select(Venue).where(Venue.organisation_id.in_(ids)).order_by(Venue.city, Venue.name))
    return list(rows)


async def get_venue(session: AsyncSession, viewer: Viewer, venue_id: int) -> Venue:
    venue = await session.get(Venue, venue_id, populate_existing=True)
    if venue is None or venue.organisation_id not in viewer.organisations_with(PROGRAMME_EDITORS):
        raise VenueNotFound()
    return venue


def _fill(venue: Venue, data: VenueData) -> None:
    venue.name = data.name
    venue.street = data.street
    venue.postcode = data.postcode
    venue.city = data.city
    venue.capacity = data.capacity
    venue.accessibility = dict(data.accessibility)


async def add_venue(session: AsyncSession, viewer: Viewer, organisation_id: int, raw: dict[str, Any]) -> Venue:
    if organisation_id not in viewer.organisations_with(PROGRAMME_EDITORS):
        raise VenueError.single("organisation_id", errors.NOT_YOUR_ORGANISATION)
    data, problems = check_venue(raw)
    if data is None:
        raise VenueError(problems)
    venue = Venue(organisation_id=organisation_id)
    _fill(venue, data)
    session.add(venue)
    await session.commit()
    log.info("venue added", extra={"venue_id": venue.id, "by": viewer.staff_id})
    return venue


async def change_venue(session: AsyncSession, viewer: Viewer, venue_id: int, raw: dict[str, Any]) -> Venue:
    venue = await get_venue(session, viewer, venue_id)
    current = {
        "name": venue.name,
        "street": venue.street,
        "postcode": venue.postcode,
        "city": venue.city,
        "capacity": venue.capacity,
        "accessibility": dict(venue.accessibility),
    }
    data, problems = check_venue({**current, **{k: v for k, v in raw.items() if v is not None}})
    if data is None:
        raise VenueError(problems)
    _fill(venue, data)
    await session.commit()
    log.info("venue changed", extra={"venue_id": venue.id, "by": viewer.staff_id})
    return venue


async def opening_hours(session: AsyncSession, viewer: Viewer, venue_id: int) -> dict[int, tuple[time, time]]:
    """A venue's opening hours per weekday (0 = Monday), for the venue page."""
    venue = await get_venue(session, viewer, venue_id)
    rows = await session.scalars(select(VenueOpening).where(VenueOpening.venue_id == venue.id))
    return {o.weekday: (o.opens, o.closes) for o in rows}


async def set_opening_hours(
    session: AsyncSession, viewer: Viewer, venue_id: int, hours: list[tuple[int, time, time]]
) -> None:
    """Replace a venue's weekly opening hours; a day without hours is closed."""
    venue = await session.get(Venue, venue_id)
    if venue is None or venue.organisation_id not in viewer.organisations_with({"coordinator", "admin"}):
        raise VenueNotFound()
    for weekday, opens, closes in hours:
        if not 0 <= weekday <= 6 or closes <= opens:
            raise VenueError.single("hours", PERIOD_FORM)
    await session.execute(delete(VenueOpening).where(VenueOpening.venue_id == venue_id))
    for weekday, opens, closes in hours:
        session.add(VenueOpening(venue_id=venue_id, weekday=weekday, opens=opens, closes=closes))
    await session.commit()
    log.info("opening hours set", extra={"venue_id": venue_id, "days": len(hours), "by": viewer.staff_id})


async def list_public_contacts(session: AsyncSession) -> list[tuple[str, str, str | None]]:
    """Every organisation's name, town and contact address (if it gave one): public, for the
    accessibility statement's "where to report a problem"."""
    rows = await session.execute(
        select(Organisation.name, Organisation.city, Organisation.contact_email).order_by(Organisation.name)
    )
    return [(name, city, email) for name, city, email in rows]
