"""JSON API of schedules: plan a cohort, facilitators, absences, cancelling and moving
meetings, proposals for a new time, agendas, conflicts, the THINK guest-teacher year."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from litestar import Request, get, post
from litestar.params import JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod import bounds
from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS, ROLES
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.i18n.translations import render_message
from groepsaanbod.organisations.schemas import hours_of
from groepsaanbod.scheduling.errors import ScheduleRefused
from groepsaanbod.scheduling.models import Session, SessionStaff
from groepsaanbod.scheduling.schemas import (
    AbsenceIn,
    AbsenceOut,
    AvailabilityIn,
    AvailabilityOut,
    CancelIn,
    ClosureIn,
    FacilitatorIn,
    GuestTeacherPlanIn,
    GuestTeacherPlanOut,
    PlanIn,
    PlanOut,
    RescheduleIn,
    SessionOut,
    SessionStaffIn,
    SlotOut,
    ViolationOut,
)
from groepsaanbod.scheduling.services import changes, planning
from groepsaanbod.scheduling.services.guest_teachers import plan_think_year
from groepsaanbod.web import request_language

EDITORS = needs_roles(*PROGRAMME_EDITORS)
ANY_STAFF = needs_roles(*ROLES)


def parse_time(text: str, field: str = "start_time") -> time:
    moment = bounds.time_of_day(text)
    if moment is None:
        raise ScheduleRefused.single(field, bounds.TIME_FORM)
    return moment


def violations_out(language: str, violations) -> list[ViolationOut]:
    return [ViolationOut(v.constraint, v.hard, render_message(language, v.message)) for v in violations]


async def session_out(db_session: AsyncSession, s: Session, language: str, violations=()) -> SessionOut:
    from sqlalchemy import select

    staff = [
        {"staff_id": link.staff_id, "role": link.role}
        for link in await db_session.scalars(select(SessionStaff).where(SessionStaff.session_id == s.id))
    ]
    return SessionOut(
        s.id,
        s.number,
        s.status,
        s.local_start.isoformat(),
        s.timezone,
        s.starts_at,
        s.duration_minutes,
        dict(s.topic),
        s.venue_id,
        s.moved_from,
        s.cancel_reason,
        staff,
        violations_out(language, violations),
    )


@post("/api/v1/cohorts/{cohort_id:int}/schedule", opt=EDITORS, tags=["schedules"], status_code=200)
async def api_plan(
    request: Request,
    cohort_id: int,
    data: JSONBody[PlanIn],
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
) -> PlanOut:
    """Plan all meetings of a cohort from its template (replaces meetings not yet held)."""
    if not 0 <= data.weekday <= 6:
        raise ScheduleRefused.single("weekday", planning.WEEKDAY_FORM)
    plan = await planning.plan_cohort_sessions(
        db_session,
        viewer,
        cohort_id,
        planning.PlanRequest(
            data.weekday, parse_time(data.start_time), data.venue_id, data.start_date, data.end_date, data.due_date
        ),
        now(),
    )
    language = request_language(request)
    checks = await planning.check_cohort(db_session, viewer, cohort_id)
    return PlanOut(
        [await session_out(db_session, c.session, language, c.violations) for c in checks],
        [{"field": p.field, "message": render_message(language, p.message)} for p in plan.problems],
    )


@get("/api/v1/cohorts/{cohort_id:int}/sessions", opt=EDITORS, tags=["schedules"])
async def api_sessions(request: Request, cohort_id: int, db_session: AsyncSession, viewer: Viewer) -> list[SessionOut]:
    """A cohort's meetings, each with the rules it breaks (hard or soft)."""
    language = request_language(request)
    return [
        await session_out(db_session, c.session, language, c.violations)
        for c in await planning.check_cohort(db_session, viewer, cohort_id)
    ]


@post("/api/v1/cohorts/{cohort_id:int}/facilitators", opt=EDITORS, tags=["schedules"], status_code=200)
async def api_facilitator(
    cohort_id: int, data: JSONBody[FacilitatorIn], db_session: AsyncSession, viewer: Viewer, now: Callable[[], datetime]
) -> dict[str, str]:
    """Add a facilitator (midwife, trainer, volunteer, …) to every meeting of the cohort not yet held."""
    await planning.set_facilitator(db_session, viewer, cohort_id, data.staff_id, data.role, now())
    return {"status": "ok"}


@post("/api/v1/sessions/{session_id:int}/absence", opt=ANY_STAFF, tags=["schedules"], status_code=200)
async def api_absence(
    request: Request,
    session_id: int,
    data: JSONBody[AbsenceIn],
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
) -> AbsenceOut:
    """Report that you (or, as coordinator, someone) cannot come. The meeting is checked again at once;
    the template says whether it is cancelled or the coordinators are alerted."""
    outcome = await changes.report_absence(db_session, viewer, session_id, now(), data.reason, data.staff_id)
    return AbsenceOut(outcome.cancelled, outcome.told, violations_out(request_language(request), outcome.violations))


@post("/api/v1/sessions/{session_id:int}/cancel", opt=EDITORS, tags=["schedules"], status_code=200)
async def api_cancel(
    session_id: int, data: JSONBody[CancelIn], db_session: AsyncSession, viewer: Viewer, now: Callable[[], datetime]
) -> dict[str, int]:
    return {"told": await changes.cancel_by_coordinator(db_session, viewer, session_id, data.reason, now())}


@get("/api/v1/sessions/{session_id:int}/proposals", opt=EDITORS, tags=["schedules"])
async def api_proposals(
    session_id: int, db_session: AsyncSession, viewer: Viewer, now: Callable[[], datetime]
) -> list[SlotOut]:
    """The next times (same weekday and hour) that break no hard rule, within two years of today."""
    slots = await changes.propose_slots(db_session, viewer, session_id, now())
    return [SlotOut(s.local_start.isoformat(), s.starts_at) for s in slots]


@post("/api/v1/sessions/{session_id:int}/reschedule", opt=EDITORS, tags=["schedules"], status_code=200)
async def api_reschedule(
    request: Request,
    session_id: int,
    data: JSONBody[RescheduleIn],
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
) -> SessionOut:
    s = await changes.reschedule_session(db_session, viewer, session_id, data.local_start.replace(tzinfo=None), now())
    return await session_out(db_session, s, request_language(request))


@get("/api/v1/me/agenda", opt=ANY_STAFF, tags=["schedules"])
async def api_agenda(
    request: Request, db_session: AsyncSession, viewer: Viewer, now: Callable[[], datetime]
) -> list[SessionOut]:
    """Your meetings from yesterday on."""
    language = request_language(request)
    return [await session_out(db_session, s, language) for s in await planning.staff_agenda(db_session, viewer, now())]


@get("/api/v1/venues/{venue_id:int}/week", opt=EDITORS, tags=["schedules"])
async def api_venue_week(
    request: Request,
    venue_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
    monday: date | None = None,
) -> list[SessionOut]:
    """The meetings in a location in the week of `monday` (YYYY-MM-DD; default this week)."""
    language = request_language(request)
    day = monday or now().date()
    day = day - timedelta(days=day.weekday())
    return [
        await session_out(db_session, s, language)
        for s in await planning.venue_week(db_session, viewer, venue_id, day, now())
    ]


@get("/api/v1/programmes/{programme_id:int}/conflicts", opt=EDITORS, tags=["schedules"])
async def api_conflicts(
    request: Request, programme_id: int, db_session: AsyncSession, viewer: Viewer
) -> list[SessionOut]:
    """Meetings of the programme that break a rule: conflicts (hard) and meetings at risk (soft)."""
    language = request_language(request)
    found = []
    for cohort in await planning.list_cohorts_of_staff_orgs(db_session, viewer, programme_id):
        for check in await planning.check_cohort(db_session, viewer, cohort.id):
            if check.violations and check.session.status != "cancelled":
                found.append(await session_out(db_session, check.session, language, check.violations))
    return found


@post("/api/v1/programmes/{programme_id:int}/guest-teacher-plan", opt=EDITORS, tags=["schedules"], status_code=200)
async def api_guest_teachers(
    request: Request,
    programme_id: int,
    data: JSONBody[GuestTeacherPlanIn],
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
) -> GuestTeacherPlanOut:
    """THINK op school: give every planned lesson of the school year a guest teacher (OR-Tools CP-SAT),
    with no broken hard rule and a balanced load; or say which topic in which week lacks a teacher."""
    outcome = await plan_think_year(db_session, viewer, programme_id, data.teachers, now())
    language = request_language(request)
    return GuestTeacherPlanOut(
        outcome.status,
        outcome.lessons,
        outcome.assigned,
        outcome.hard_violations,
        [{"field": p.field, "message": render_message(language, p.message)} for p in outcome.problems],
        outcome.max_load,
        outcome.min_load,
    )


@post("/api/v1/me/availability", opt=ANY_STAFF, tags=["schedules"], status_code=200)
async def api_availability(data: JSONBody[AvailabilityIn], db_session: AsyncSession, viewer: Viewer) -> AvailabilityOut:
    """The weekly hours you can work for an organisation (replaces earlier ones of that organisation).
    Outside them you count as absent for its meetings. Hours are per person and organisation: a
    coordinator sets them only for people of their own organisation (`staff_id`), never another's;
    404 otherwise."""
    changed = await planning.set_availability(
        db_session, viewer, hours_of(data.hours), staff_id=data.staff_id, organisation_id=data.organisation_id
    )
    return AvailabilityOut(sorted(changed))


@post("/api/v1/venues/{venue_id:int}/closures", opt=EDITORS, tags=["schedules"], status_code=200)
async def api_close_venue(
    request: Request,
    venue_id: int,
    data: JSONBody[ClosureIn],
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
) -> list[SessionOut]:
    """The location cannot be used from starts_at to ends_at: the meetings affected, with what breaks."""
    language = request_language(request)
    affected = await changes.close_venue(db_session, viewer, venue_id, data.starts_at, data.ends_at, data.reason, now())
    return [await session_out(db_session, c.session, language, c.violations) for c in affected]


@post("/api/v1/sessions/{session_id:int}/staff", opt=EDITORS, tags=["schedules"], status_code=200)
async def api_session_staff(
    request: Request,
    session_id: int,
    data: JSONBody[SessionStaffIn],
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
) -> SessionOut:
    """Put someone on this meeting, optionally in place of another person."""
    s = await planning.assign_session_staff(
        db_session, viewer, session_id, data.staff_id, data.role, now(), data.replace_staff_id
    )
    return await session_out(db_session, s, request_language(request))


ROUTES = [
    api_availability,
    api_close_venue,
    api_session_staff,
    api_plan,
    api_sessions,
    api_facilitator,
    api_absence,
    api_cancel,
    api_proposals,
    api_reschedule,
    api_agenda,
    api_venue_week,
    api_conflicts,
    api_guest_teachers,
]
