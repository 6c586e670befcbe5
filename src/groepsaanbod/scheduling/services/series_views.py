"""Reading drop-in series: a programme's series, and one series with its pauses, meetings and
the volunteers on each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import Staff
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.organisations.models import Venue
from groepsaanbod.programmes.models import Programme
from groepsaanbod.programmes.services.set_up import get_programme
from groepsaanbod.scheduling.models import SeriesPause, SeriesPlan, Session, SessionStaff
from groepsaanbod.scheduling.services.series import managed_series


async def programme_series(session: AsyncSession, viewer: Viewer, programme_id: int) -> list[tuple[Cohort, SeriesPlan]]:
    """A programme's drop-in series, newest first."""
    await get_programme(session, viewer, programme_id)
    rows = await session.execute(
        select(Cohort, SeriesPlan)
        .join(SeriesPlan, SeriesPlan.cohort_id == Cohort.id)
        .where(Cohort.programme_id == programme_id)
        .order_by(SeriesPlan.starts_on.desc(), Cohort.id.desc())
    )
    return [(c, p) for c, p in rows]


@dataclass(frozen=True)
class SeriesView:
    cohort: Cohort
    plan: SeriesPlan
    programme: Programme
    venue: Venue | None
    pauses: list[SeriesPause]
    meetings: list[Session]
    #: the staff on each meeting, by meeting id
    staff: dict[int, list[SessionStaff]]
    names: dict[int, str]


async def series_view(session: AsyncSession, viewer: Viewer, cohort_id: int, *, now: datetime) -> SeriesView:
    """A series with its pauses and its meetings from a week ago on."""
    cohort, plan = await managed_series(session, viewer, cohort_id)
    pauses = list(
        await session.scalars(
            select(SeriesPause).where(SeriesPause.cohort_id == cohort.id).order_by(SeriesPause.starts_on)
        )
    )
    meetings = list(
        await session.scalars(
            select(Session)
            .where(Session.cohort_id == cohort.id, Session.starts_at >= now - timedelta(days=7))
            .order_by(Session.starts_at)
        )
    )
    staff: dict[int, list[SessionStaff]] = {}
    for link in await session.scalars(
        select(SessionStaff).where(SessionStaff.session_id.in_([m.id for m in meetings]))
    ):
        staff.setdefault(link.session_id, []).append(link)
    ids = {link.staff_id for links in staff.values() for link in links}
    names = {i: n for i, n in (await session.execute(select(Staff.id, Staff.full_name).where(Staff.id.in_(ids))))}
    programme = await session.get_one(Programme, cohort.programme_id)
    venue = await session.get(Venue, cohort.venue_id) if cohort.venue_id else None
    return SeriesView(cohort, plan, programme, venue, pauses, meetings, staff, names)
