"""Demo data: every demo meeting has a place, so calendar feeds carry a LOCATION for each."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.organisations.models import Organisation, Venue
from groepsaanbod.programmes.models import Programme
from groepsaanbod.scheduling.models import Session


async def place_demo_meetings(session: AsyncSession, organisation_slugs: Iterable[str]) -> int:
    """Meetings of the demo organisations without a place (neither their own nor their group's)
    take their organisation's first location. Only the demo's organisations: `demo load` on a
    database with real providers leaves their meetings alone. Loading again finds none to place."""
    demo = select(Organisation.id).where(Organisation.slug.in_(list(organisation_slugs)))
    unplaced = list(
        await session.execute(
            select(Session, Programme.organisation_id)
            .join(Programme, Programme.id == Session.programme_id)
            .outerjoin(Cohort, Cohort.id == Session.cohort_id)
            .where(Programme.organisation_id.in_(demo), Session.venue_id.is_(None), Cohort.venue_id.is_(None))
        )
    )
    if not unplaced:
        return 0
    firsts = await session.execute(select(Venue.organisation_id, func.min(Venue.id)).group_by(Venue.organisation_id))
    first = {organisation_id: venue_id for organisation_id, venue_id in firsts}
    placed = 0
    for meeting, organisation_id in unplaced:
        if organisation_id in first:
            meeting.venue_id = first[organisation_id]
            placed += 1
    await session.commit()
    return placed
