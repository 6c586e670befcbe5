"""Use cases of schedules: plan_cohort_sessions, set_facilitator, check_cohort,
staff_agenda, venue_week, set_availability, assign_session_staff. Changes to single
meetings are in changes.py, a closed location in closures.py. Every change is logged."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import median_low

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod import bounds
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import Role
from groepsaanbod.bounds import PERIOD_FORM
from groepsaanbod.cohorts.models import Cohort, CohortFacilitator, CohortStatus
from groepsaanbod.cohorts.services.loading import load_cohort
from groepsaanbod.history.services import Subject, record
from groepsaanbod.i18n.formatting import local_date
from groepsaanbod.i18n.text import N_
from groepsaanbod.organisations.models import Venue
from groepsaanbod.programmes.services.set_up import get_programme, template_data
from groepsaanbod.programmes.templates import Schedule
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.registration.services.registrations import PrivateLinks
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.scheduling.closed_days import closed_days
from groepsaanbod.scheduling.constraints import check_session
from groepsaanbod.scheduling.errors import ScheduleRefused, SessionNotFound
from groepsaanbod.scheduling.models import Session, SessionStaff, StaffAvailability
from groepsaanbod.scheduling.services import due_date_plans
from groepsaanbod.scheduling.services.context import (
    TIMEZONE,
    SessionCheck,
    may_manage,
    region_of,
    rules_of,
    session_context,
    uses_school_holidays,
)
from groepsaanbod.scheduling.services.dates_told import tell_group_dates
from groepsaanbod.scheduling.services.facts import session_facts
from groepsaanbod.scheduling.sessions import (
    DropInSeries,
    MeetingTime,
    SessionPlan,
    plan_drop_in,
    plan_pregnancy_sessions,
    plan_weekly_sessions,
    to_utc,
)
from groepsaanbod.scheduling.status import SessionStatus
from groepsaanbod.webhooks.services.record import record_event

log = logging.getLogger(__name__)


NEEDS_START_DATE = N_("Give the date of the first meeting.")
NEEDS_DUE_DATE = N_("Give the due date the group is planned around.")
NEEDS_END_DATE = N_("Give the last date of the drop-in series.")
UNKNOWN_VENUE = N_("This location does not belong to your organisation.")
HELD_ALREADY = N_("Meetings of this group have already been held. Change single meetings instead.")
NOT_STAFF_OF_ORGANISATION = N_("This person does not work for the organisation of this group.")
WEEKDAY_FORM = N_("Choose a day of the week.")


@dataclass(frozen=True)
class Facilitator:
    """Someone on meetings: a staff member, in a role they hold in the organisation."""

    staff_id: int
    role: str


@dataclass(frozen=True)
class PlanRequest:
    weekday: int
    start_time: time
    venue_id: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    due_date: date | None = None
    #: Groups by due date: plan only the meetings still to come (else a meeting in the past is refused).
    leave_out_past: bool = False


async def _group_due_date(session: AsyncSession, cohort: Cohort) -> date | None:
    dates = sorted(
        d
        for (d,) in (
            await session.execute(
                select(Participant.due_date)
                .join(Registration, Registration.participant_id == Participant.id)
                .where(
                    Registration.cohort_id == cohort.id,
                    Registration.status.in_((RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING)),
                )
            )
        ).all()
        if d
    )
    return median_low(dates) if dates else cohort.reference_date


async def plan_cohort_sessions(
    session: AsyncSession,
    viewer: Viewer,
    cohort_id: int,
    request: PlanRequest,
    *,
    now: datetime,
    links: PrivateLinks | None = None,
) -> SessionPlan:
    """All meetings of a cohort from its template: dates, times, room, facilitators. Each
    confirmed member is told the dates once (dates_told), with a further private link when
    `links` is given."""
    window = bounds.meeting_window(local_date(now))
    problems = [
        p
        for p in (
            bounds.check_date("start_date", request.start_date, window),
            bounds.check_date("end_date", request.end_date, window),
            bounds.check_date("due_date", request.due_date, window),
        )
        if p is not None
    ]
    if problems:
        raise ScheduleRefused(problems)
    cohort, programme, template = await load_cohort(session, viewer, cohort_id)
    if request.venue_id is not None:
        venue = await session.get(Venue, request.venue_id)
        if venue is None or venue.organisation_id != programme.organisation_id:
            raise ScheduleRefused.single("venue_id", UNKNOWN_VENUE)
    held = await session.scalar(
        select(Session.id).where(Session.cohort_id == cohort.id, Session.status == SessionStatus.HELD)
    )
    if held:
        raise ScheduleRefused.single("cohort", HELD_ALREADY)
    data = template_data(programme, template)
    region = await region_of(session, cohort)
    at = MeetingTime(request.weekday, request.start_time, TIMEZONE)
    due_date_plans.check_meeting_hours(template, request.start_time)
    if template.schedule == Schedule.PREGNANCY_WEEK:
        due = request.due_date or await _group_due_date(session, cohort)
        if due is None:
            raise ScheduleRefused.single("due_date", NEEDS_DUE_DATE)
        due_date_plans.check_group_due(due, await due_date_plans.member_due_dates(session, cohort.id))
        years = range(due.year - 1, due.year + 2)
        plan = plan_pregnancy_sessions(data.sessions, due, at, closed=closed_days(years, region, school=False))
        plan = due_date_plans.without_past(plan, now, leave_out=request.leave_out_past)
        cohort.reference_date = due
    elif template.schedule == Schedule.WEEKLY:
        if request.start_date is None:
            raise ScheduleRefused.single("start_date", NEEDS_START_DATE)
        years = range(request.start_date.year, request.start_date.year + 3)
        school = region is not None and uses_school_holidays(template)
        plan = plan_weekly_sessions(
            data.sessions, request.start_date, at, closed=closed_days(years, region, school=school)
        )
        cohort.reference_date = request.start_date
    else:
        if request.start_date is None:
            raise ScheduleRefused.single("start_date", NEEDS_START_DATE)
        if request.end_date is None:
            raise ScheduleRefused.single("end_date", NEEDS_END_DATE)
        years = range(request.start_date.year, request.end_date.year + 1)
        spec = data.sessions[0]
        series = DropInSeries(request.start_date, request.end_date, spec.duration_minutes, dict(spec.topic))
        plan = plan_drop_in(series, at, closed=closed_days(years, None, school=False))
    cohort.weekday, cohort.start_time = request.weekday, request.start_time
    if request.venue_id is not None:
        cohort.venue_id = request.venue_id
    await session.execute(delete(Session).where(Session.cohort_id == cohort.id))
    facilitators = list(
        await session.scalars(select(CohortFacilitator).where(CohortFacilitator.cohort_id == cohort.id))
    )
    specs = list(template.session_specs)
    for planned in plan.sessions:
        spec_row = specs[planned.spec_index] if planned.spec_index is not None else (specs[0] if specs else None)
        row = Session(
            programme_id=cohort.programme_id,
            cohort_id=cohort.id,
            spec_id=spec_row.id if spec_row else None,
            venue_id=cohort.venue_id,
            local_start=planned.local_start,
            timezone=planned.timezone,
            starts_at=planned.starts_at,
            duration_minutes=planned.duration_minutes,
            topic=dict(planned.topic),
            status=SessionStatus.PLANNED,
            number=planned.number,
            moved_from=planned.moved_from,
        )
        row.staff = [SessionStaff(staff_id=f.staff_id, role=f.role) for f in facilitators]
        session.add(row)
    record(
        session,
        now,
        Subject(cohort.programme_id, cohort_id=cohort.id),
        "sessions_planned",
        actor=viewer.staff_id,
        sessions=len(plan.sessions),
    )
    await session.flush()
    await record_event(
        session,
        programme.organisation_id,
        "session.planned",
        {
            "cohort_id": cohort.id,
            "programme_id": cohort.programme_id,
            "sessions": len(plan.sessions),
            "starts_at": [p.starts_at for p in plan.sessions],
        },
        now,
    )
    await tell_group_dates(session, cohort.id, now=now, links=links)
    await session.commit()
    log.info("sessions planned", extra={"cohort_id": cohort.id, "sessions": len(plan.sessions), "by": viewer.staff_id})
    return plan


async def set_facilitator(
    session: AsyncSession, viewer: Viewer, cohort_id: int, facilitator: Facilitator, *, now: datetime
) -> None:
    """A facilitator for the whole cohort: added to every meeting not yet held."""
    staff_id, role = facilitator.staff_id, facilitator.role
    cohort, programme, _ = await load_cohort(session, viewer, cohort_id)
    holds = await session.scalar(
        select(Role.id).where(
            Role.staff_id == staff_id, Role.role == role, Role.organisation_id == programme.organisation_id
        )
    )
    if not holds:
        raise ScheduleRefused.single("staff_id", NOT_STAFF_OF_ORGANISATION)
    if await session.get(CohortFacilitator, (cohort.id, staff_id, role)) is None:
        session.add(CohortFacilitator(cohort_id=cohort.id, staff_id=staff_id, role=role))
    for s in await session.scalars(
        select(Session).where(Session.cohort_id == cohort.id, Session.status == SessionStatus.PLANNED)
    ):
        if await session.get(SessionStaff, (s.id, staff_id, role)) is None:
            session.add(SessionStaff(session_id=s.id, staff_id=staff_id, role=role))
            s.sequence += 1
    record(
        session,
        now,
        Subject(cohort.programme_id, cohort_id=cohort.id),
        "facilitator_set",
        actor=viewer.staff_id,
        staff_id=staff_id,
        role=role,
    )
    await session.commit()


async def check_cohort(session: AsyncSession, viewer: Viewer, cohort_id: int) -> list[SessionCheck]:
    cohort, _, template = await load_cohort(session, viewer, cohort_id)
    checks = []
    for s in await session.scalars(
        select(Session)
        .where(Session.cohort_id == cohort.id)
        .order_by(Session.starts_at)
        .execution_options(populate_existing=True)
    ):
        facts = await session_facts(session, s, cohort, template)
        checks.append(
            SessionCheck(s, check_session(facts, rules_of(template), template.min_group_size, template.max_group_size))
        )
    return checks


async def staff_agenda(session: AsyncSession, viewer: Viewer, since: datetime) -> list[Session]:
    return list(
        await session.scalars(
            select(Session)
            .where(
                Session.id.in_(select(SessionStaff.session_id).where(SessionStaff.staff_id == viewer.staff_id)),
                Session.starts_at >= since - timedelta(days=1),
            )
            .order_by(Session.starts_at)
        )
    )


async def venue_week(
    session: AsyncSession, viewer: Viewer, venue_id: int, *, monday: date, now: datetime
) -> list[Session]:
    """The meetings in a location in the week from `monday`."""
    problem = bounds.check_date("monday", monday, bounds.meeting_window(local_date(now)))
    if problem is not None:
        raise ScheduleRefused([problem])
    venue = await session.get(Venue, venue_id)
    if venue is None or venue.organisation_id not in viewer.organisations_with({"coordinator", "admin"}):
        raise SessionNotFound()
    start = to_utc(datetime.combine(monday, time(0)), TIMEZONE)
    return list(
        await session.scalars(
            select(Session)
            .where(
                Session.venue_id == venue_id, Session.starts_at >= start, Session.starts_at < start + timedelta(days=7)
            )
            .order_by(Session.starts_at)
        )
    )


async def list_cohorts_of_staff_orgs(session: AsyncSession, viewer: Viewer, programme_id: int) -> list[Cohort]:
    await get_programme(session, viewer, programme_id)
    return list(
        await session.scalars(
            select(Cohort).where(
                Cohort.programme_id == programme_id,
                Cohort.status.in_((CohortStatus.CONFIRMED, CohortStatus.FORMING, CohortStatus.RUNNING)),
            )
        )
    )


async def set_availability(
    session: AsyncSession,
    viewer: Viewer,
    hours: list[tuple[int, time, time]],
    *,
    staff_id: int | None = None,
    organisation_id: int | None = None,
) -> frozenset[int]:
    """The weekly hours a person can work for an organisation; gives the organisations changed.

    Hours are per person and organisation. A person sets their own, for one of their
    organisations or (none named) for each of them; a coordinator or admin sets them for
    someone of their own organisation only, never the hours another organisation keeps.
    """
    who = staff_id if staff_id is not None else viewer.staff_id
    works_for = frozenset(await session.scalars(select(Role.organisation_id).where(Role.staff_id == who)))
    allowed = works_for if who == viewer.staff_id else works_for & viewer.organisations_with({"coordinator", "admin"})
    targets = allowed if organisation_id is None else allowed & {organisation_id}
    if not targets:
        raise SessionNotFound()
    for weekday, starts, ends in hours:
        if not 0 <= weekday <= 6 or ends <= starts:
            raise ScheduleRefused.single("hours", PERIOD_FORM)
    await session.execute(
        delete(StaffAvailability).where(
            StaffAvailability.staff_id == who, StaffAvailability.organisation_id.in_(targets)
        )
    )
    for org in sorted(targets):
        for weekday, starts, ends in hours:
            session.add(StaffAvailability(staff_id=who, organisation_id=org, weekday=weekday, starts=starts, ends=ends))
    await session.commit()
    log.info(
        "working hours set",
        extra={"staff_id": who, "organisations": sorted(targets), "by": viewer.staff_id},
    )
    return targets


async def assign_session_staff(
    session: AsyncSession,
    viewer: Viewer,
    session_id: int,
    facilitator: Facilitator,
    *,
    now: datetime,
    replace: int | None = None,
) -> Session:
    """Put someone on one meeting (optionally in place of another person, `replace`)."""
    staff_id, role = facilitator.staff_id, facilitator.role
    s, _, programme, _ = await session_context(session, session_id)
    if not may_manage(viewer, programme):
        raise SessionNotFound()
    if not await session.scalar(
        select(Role.id).where(
            Role.staff_id == staff_id, Role.role == role, Role.organisation_id == programme.organisation_id
        )
    ):
        raise ScheduleRefused.single("staff_id", NOT_STAFF_OF_ORGANISATION)
    if replace is not None:
        await session.execute(
            delete(SessionStaff).where(SessionStaff.session_id == s.id, SessionStaff.staff_id == replace)
        )
    if await session.get(SessionStaff, (s.id, staff_id, role)) is None:
        session.add(SessionStaff(session_id=s.id, staff_id=staff_id, role=role))
    s.sequence += 1
    record(
        session,
        now,
        Subject(s.programme_id, cohort_id=s.cohort_id),
        "staff_assigned",
        actor=viewer.staff_id,
        session_id=s.id,
        staff_id=staff_id,
        role=role,
        replaced=replace,
    )
    await session.commit()
    return s
