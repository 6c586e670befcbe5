"""What the schedule pages and the API show, read in as few queries as that takes: a cohort's
schedule with its rooms and people, a person's agenda and working hours, a location's week, a
programme's conflicts, and the people on each of a list of meetings (one query for the list)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import Role, Staff
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.organisations.models import Organisation, Venue
from groepsaanbod.programmes.models import Programme
from groepsaanbod.scheduling.constraints import Violation
from groepsaanbod.scheduling.models import Session, SessionStaff, StaffAvailability
from groepsaanbod.scheduling.services.context import SessionCheck
from groepsaanbod.scheduling.services.planning import (
    check_cohort,
    list_cohorts_of_staff_orgs,
    staff_agenda,
    venue_week,
)
from groepsaanbod.scheduling.status import SessionStatus


async def staff_on(session: AsyncSession, session_ids: Iterable[int]) -> dict[int, list[SessionStaff]]:
    """Who is on each of these meetings, in which role: one query for all of them."""
    ids = list(session_ids)
    on: dict[int, list[SessionStaff]] = {}
    if not ids:
        return on
    for link in await session.scalars(select(SessionStaff).where(SessionStaff.session_id.in_(ids))):
        on.setdefault(link.session_id, []).append(link)
    return on


@dataclass(frozen=True)
class MeetingView:
    """A meeting as the API shows it: with the people on it and, when checked, the rules it breaks."""

    meeting: Session
    staff: tuple[SessionStaff, ...]
    violations: tuple[Violation, ...] = ()


async def meeting_views(session: AsyncSession, meetings: Sequence[Session | SessionCheck]) -> list[MeetingView]:
    """Each meeting (or checked meeting) with the people on it, read in one query."""
    checks = [m if isinstance(m, SessionCheck) else SessionCheck(m, ()) for m in meetings]
    on = await staff_on(session, [c.session.id for c in checks])
    return [MeetingView(c.session, tuple(on.get(c.session.id, ())), c.violations) for c in checks]


@dataclass(frozen=True)
class CohortSchedule:
    """A cohort's schedule page: its meetings as checked, the rooms and people to choose from."""

    cohort: Cohort
    programme: Programme
    checks: list[SessionCheck]
    venues: list[Venue]
    #: Everyone of the organisation with each role they hold there, by name.
    staff: list[tuple[Staff, str]]
    names: dict[int, str]
    #: Who is on each meeting, by meeting id.
    links: dict[int, list[SessionStaff]]


async def cohort_schedule(session: AsyncSession, viewer: Viewer, cohort_id: int) -> CohortSchedule:
    checks = await check_cohort(session, viewer, cohort_id)  # also checks access
    cohort = await session.get_one(Cohort, cohort_id)
    programme = await session.get_one(Programme, cohort.programme_id)
    venues = list(await session.scalars(select(Venue).where(Venue.organisation_id == programme.organisation_id)))
    staff = [
        (person, role)
        for person, role in await session.execute(
            select(Staff, Role.role)
            .join(Role, Role.staff_id == Staff.id)
            .where(Role.organisation_id == programme.organisation_id)
            .order_by(Staff.full_name)
        )
    ]
    names = {person.id: person.full_name for person, _ in staff}
    links = await staff_on(session, [c.session.id for c in checks])
    return CohortSchedule(cohort, programme, checks, venues, staff, names, links)


@dataclass(frozen=True)
class Agenda:
    """A person's agenda page: their meetings from yesterday on, and their working hours."""

    sessions: list[Session]
    cohorts: dict[int, Cohort]
    programmes: dict[int, Programme]
    #: The organisations the person works for, by name.
    hours_organisations: list[Organisation]
    #: Per organisation: weekday -> (from, to).
    hours: dict[int, dict[int, tuple[time, time]]]


async def agenda(session: AsyncSession, viewer: Viewer, now: datetime) -> Agenda:
    sessions = await staff_agenda(session, viewer, now)
    cohort_ids = {s.cohort_id for s in sessions if s.cohort_id}
    cohorts = {c.id: c for c in await session.scalars(select(Cohort).where(Cohort.id.in_(cohort_ids)))}
    programme_ids = {s.programme_id for s in sessions}
    programmes = {p.id: p for p in await session.scalars(select(Programme).where(Programme.id.in_(programme_ids)))}
    organisations = list(
        await session.scalars(select(Organisation).where(Organisation.id.in_(viewer.roles)).order_by(Organisation.name))
    )
    hours: dict[int, dict[int, tuple[time, time]]] = {o.id: {} for o in organisations}
    for h in await session.scalars(select(StaffAvailability).where(StaffAvailability.staff_id == viewer.staff_id)):
        hours.setdefault(h.organisation_id, {})[h.weekday] = (h.starts, h.ends)
    return Agenda(sessions, cohorts, programmes, organisations, hours)


@dataclass(frozen=True)
class VenueWeek:
    venue: Venue
    sessions: list[Session]


async def venue_week_view(
    session: AsyncSession, viewer: Viewer, venue_id: int, *, monday: date, now: datetime
) -> VenueWeek:
    """A location's meetings in the week from `monday`, with the location."""
    sessions = await venue_week(session, viewer, venue_id, monday=monday, now=now)  # also checks access
    return VenueWeek(await session.get_one(Venue, venue_id), sessions)


async def programme_conflicts(
    session: AsyncSession, viewer: Viewer, programme_id: int
) -> list[tuple[Cohort, SessionCheck]]:
    """Every meeting of the programme's cohorts that breaks a rule (a cancelled one breaks none), cohort by cohort."""
    found = []
    for cohort in await list_cohorts_of_staff_orgs(session, viewer, programme_id):
        for check in await check_cohort(session, viewer, cohort.id):
            if check.violations and check.session.status != SessionStatus.CANCELLED:
                found.append((cohort, check))
    return found


@dataclass(frozen=True)
class Conflicts:
    programme: Programme
    #: Hard ones first, then by time.
    found: list[tuple[Cohort, SessionCheck]]


async def conflicts(session: AsyncSession, viewer: Viewer, programme_id: int) -> Conflicts:
    found = await programme_conflicts(session, viewer, programme_id)  # also checks access
    found.sort(key=lambda pair: (not pair[1].hard, pair[1].session.starts_at))
    return Conflicts(await session.get_one(Programme, programme_id), found)


async def meetings_of(session: AsyncSession, cohort_id: int) -> list[Session]:
    """A cohort's meetings in time order, cancelled ones too (a member's own page shows them all).
    The caller has checked who may see them."""
    return list(
        await session.scalars(select(Session).where(Session.cohort_id == cohort_id).order_by(Session.starts_at))
    )
