"""JSON API of schedules: plan a cohort, facilitators, absences, cancelling and moving
meetings, proposals for a new time, agendas, conflicts, the THINK guest-teacher year."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time, timedelta

from litestar import get, post, put
from litestar.params import JSONBody

from groepsaanbod import bounds
from groepsaanbod.access.privileges import BIRTHS
from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS, ROLES
from groepsaanbod.i18n.translations import gettext, render_message
from groepsaanbod.organisations.schemas import hours_of
from groepsaanbod.refusals import Problem
from groepsaanbod.registration.services.registrations import PrivateLinks
from groepsaanbod.scheduling.constraints import Violation
from groepsaanbod.scheduling.errors import ScheduleRefused
from groepsaanbod.scheduling.schemas import (
    AbsenceIn,
    AbsenceOut,
    AvailabilityIn,
    AvailabilityOut,
    BirthIn,
    BirthOut,
    CancelIn,
    ClosureIn,
    FacilitatorIn,
    GuestTeacherAvailabilityIn,
    GuestTeacherPlanIn,
    GuestTeacherPlanOut,
    LateJoinerIn,
    LateJoinerOut,
    PlanIn,
    PlanOut,
    RescheduleIn,
    SessionOut,
    SessionStaffIn,
    SlotOut,
    ViolationOut,
)
from groepsaanbod.scheduling.services import births, changes, closures, late_joiners, planning, views
from groepsaanbod.scheduling.services.guest_teachers import plan_think_year
from groepsaanbod.scheduling.services.think_availability import TeacherAvailability, set_guest_teacher_availability
from groepsaanbod.scheduling.services.views import MeetingView
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context, asked_language

EDITORS = needs_roles(*PROGRAMME_EDITORS)
BIRTH_RECORDERS = needs_roles(*BIRTHS.roles)
ANY_STAFF = needs_roles(*ROLES)


def parse_time(text: str, field: str = "start_time") -> time:
    moment = bounds.time_of_day(text)
    if moment is None:
        raise ScheduleRefused.single(field, bounds.TIME_FORM)
    return moment


def violations_out(language: str, violations: Iterable[Violation]) -> list[ViolationOut]:
    return [ViolationOut(v.constraint, v.hard, render_message(language, v.message)) for v in violations]


def problems_out(language: str, problems: Iterable[Problem]) -> list[dict[str, str]]:
    return [{"field": p.field, "message": render_message(language, p.message)} for p in problems]


def session_out(language: str, view: MeetingView) -> SessionOut:
    s = view.meeting
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
        [{"staff_id": link.staff_id, "role": link.role} for link in view.staff],
        violations_out(language, view.violations),
    )


def sessions_out(language: str, found: list[MeetingView]) -> list[SessionOut]:
    return [session_out(language, view) for view in found]


@post("/api/v1/cohorts/{cohort_id:int}/schedule", opt=EDITORS, tags=["schedules"], status_code=200)
async def api_plan(ctx: Context, cohort_id: int, data: JSONBody[PlanIn], settings: Settings) -> PlanOut:
    """Plan all meetings of a cohort from its template (replaces meetings not yet held)."""
    if not 0 <= data.weekday <= 6:
        raise ScheduleRefused.single("weekday", planning.WEEKDAY_FORM)
    request = planning.PlanRequest(
        data.weekday,
        parse_time(data.start_time),
        data.venue_id,
        data.start_date,
        data.end_date,
        data.due_date,
        leave_out_past=data.leave_out_past,
    )
    plan = await planning.plan_cohort_sessions(
        ctx.db, ctx.staff, cohort_id, request, now=ctx.now(), links=PrivateLinks.of(settings)
    )
    checks = await planning.check_cohort(ctx.db, ctx.staff, cohort_id)
    return PlanOut(
        sessions_out(ctx.language, await views.meeting_views(ctx.db, checks)),
        problems_out(ctx.language, plan.problems),
    )


@get("/api/v1/cohorts/{cohort_id:int}/sessions", opt=EDITORS, tags=["schedules"])
async def api_sessions(ctx: Context, cohort_id: int) -> list[SessionOut]:
    """A cohort's meetings, each with the rules it breaks (hard or soft)."""
    checks = await planning.check_cohort(ctx.db, ctx.staff, cohort_id)
    return sessions_out(ctx.language, await views.meeting_views(ctx.db, checks))


@post("/api/v1/cohorts/{cohort_id:int}/facilitators", opt=EDITORS, tags=["schedules"], status_code=200)
async def api_facilitator(ctx: Context, cohort_id: int, data: JSONBody[FacilitatorIn]) -> dict[str, str]:
    """Add a facilitator (midwife, trainer, volunteer, …) to every meeting of the cohort not yet held."""
    facilitator = planning.Facilitator(data.staff_id, data.role)
    await planning.set_facilitator(ctx.db, ctx.staff, cohort_id, facilitator, now=ctx.now())
    return {"status": "ok"}


@post("/api/v1/sessions/{session_id:int}/absence", opt=ANY_STAFF, tags=["schedules"], status_code=200)
async def api_absence(ctx: Context, session_id: int, data: JSONBody[AbsenceIn]) -> AbsenceOut:
    """Report that you (or, as coordinator, someone) cannot come. The meeting is checked again at once;
    the template says whether it is cancelled or the coordinators are alerted."""
    outcome = await changes.report_absence(
        ctx.db,
        ctx.staff,
        session_id,
        now=ctx.now(),
        reason=data.reason,
        staff_id=data.staff_id,
        language=asked_language(ctx.request) or None,
    )
    said = gettext(ctx.language, changes.ABSENCE_SAID[outcome.kind], count=outcome.told)
    return AbsenceOut(
        outcome.cancelled, outcome.told, violations_out(ctx.language, outcome.violations), outcome.kind, said
    )


@post("/api/v1/sessions/{session_id:int}/cancel", opt=EDITORS, tags=["schedules"], status_code=200)
async def api_cancel(ctx: Context, session_id: int, data: JSONBody[CancelIn]) -> dict[str, int]:
    return {
        "told": await changes.cancel_by_coordinator(
            ctx.db,
            ctx.staff,
            session_id,
            reason=data.reason,
            now=ctx.now(),
            language=asked_language(ctx.request) or None,
        )
    }


@get("/api/v1/sessions/{session_id:int}/proposals", opt=EDITORS, tags=["schedules"])
async def api_proposals(ctx: Context, session_id: int) -> list[SlotOut]:
    """The next times (same weekday and hour) that break no hard rule, within two years of today."""
    slots = await changes.propose_slots(ctx.db, ctx.staff, session_id, ctx.now())
    return [SlotOut(s.local_start.isoformat(), s.starts_at) for s in slots]


@post("/api/v1/sessions/{session_id:int}/reschedule", opt=EDITORS, tags=["schedules"], status_code=200)
async def api_reschedule(ctx: Context, session_id: int, data: JSONBody[RescheduleIn]) -> SessionOut:
    s = await changes.reschedule_session(
        ctx.db, ctx.staff, session_id, local_start=data.local_start.replace(tzinfo=None), now=ctx.now()
    )
    return sessions_out(ctx.language, await views.meeting_views(ctx.db, [s]))[0]


@get("/api/v1/me/agenda", opt=ANY_STAFF, tags=["schedules"])
async def api_agenda(ctx: Context) -> list[SessionOut]:
    """Your meetings from yesterday on."""
    sessions = await planning.staff_agenda(ctx.db, ctx.staff, ctx.now())
    return sessions_out(ctx.language, await views.meeting_views(ctx.db, sessions))


@get("/api/v1/venues/{venue_id:int}/week", opt=EDITORS, tags=["schedules"])
async def api_venue_week(ctx: Context, venue_id: int, monday: date | None = None) -> list[SessionOut]:
    """The meetings in a location in the week of `monday` (YYYY-MM-DD; default this week)."""
    day = monday or ctx.now().date()
    day = day - timedelta(days=day.weekday())
    sessions = await planning.venue_week(ctx.db, ctx.staff, venue_id, monday=day, now=ctx.now())
    return sessions_out(ctx.language, await views.meeting_views(ctx.db, sessions))


@get("/api/v1/programmes/{programme_id:int}/conflicts", opt=EDITORS, tags=["schedules"])
async def api_conflicts(ctx: Context, programme_id: int) -> list[SessionOut]:
    """Meetings of the programme that break a rule: conflicts (hard) and meetings at risk (soft)."""
    found = await views.programme_conflicts(ctx.db, ctx.staff, programme_id)
    return sessions_out(ctx.language, await views.meeting_views(ctx.db, [check for _, check in found]))


@post("/api/v1/programmes/{programme_id:int}/guest-teacher-plan", opt=EDITORS, tags=["schedules"], status_code=200)
async def api_guest_teachers(
    ctx: Context, programme_id: int, data: JSONBody[GuestTeacherPlanIn]
) -> GuestTeacherPlanOut:
    """THINK op school: give every planned lesson of the school year a guest teacher (OR-Tools CP-SAT),
    with no broken hard rule and a balanced load; or say which topic in which week lacks a teacher."""
    outcome = await plan_think_year(ctx.db, ctx.staff, programme_id, data.teachers, now=ctx.now())
    return GuestTeacherPlanOut(
        outcome.status,
        outcome.lessons,
        outcome.assigned,
        outcome.hard_violations,
        problems_out(ctx.language, outcome.problems),
        outcome.max_load,
        outcome.min_load,
    )


@put(
    "/api/v1/programmes/{programme_id:int}/guest-teachers/{staff_id:int}",
    opt=EDITORS,
    tags=["schedules"],
    status_code=200,
)
async def api_guest_teacher_availability(
    ctx: Context, programme_id: int, staff_id: int, data: JSONBody[GuestTeacherAvailabilityIn]
) -> dict[str, str]:
    """THINK op school: what a guest teacher of the organisation gives and when; the year planner uses it
    when it is given no teachers. Someone who is not its guest teacher: 404."""
    availability = TeacherAvailability(
        tuple(data.topics), tuple(data.weekdays), tuple(data.weeks_off), data.max_lessons_per_week
    )
    await set_guest_teacher_availability(ctx.db, ctx.staff, programme_id, staff_id, availability, now=ctx.now())
    return {"status": "ok"}


@post("/api/v1/me/availability", opt=ANY_STAFF, tags=["schedules"], status_code=200)
async def api_availability(ctx: Context, data: JSONBody[AvailabilityIn]) -> AvailabilityOut:
    """The weekly hours you can work for an organisation (replaces earlier ones of that organisation).
    Outside them you count as absent for its meetings. Hours are per person and organisation: a
    coordinator sets them only for people of their own organisation (`staff_id`), never another's;
    404 otherwise."""
    changed = await planning.set_availability(
        ctx.db, ctx.staff, hours_of(data.hours), staff_id=data.staff_id, organisation_id=data.organisation_id
    )
    return AvailabilityOut(sorted(changed))


@post("/api/v1/venues/{venue_id:int}/closures", opt=EDITORS, tags=["schedules"], status_code=200)
async def api_close_venue(ctx: Context, venue_id: int, data: JSONBody[ClosureIn]) -> list[SessionOut]:
    """The location cannot be used from starts_at to ends_at: the meetings affected, with what breaks."""
    closure = closures.Closure(data.starts_at, data.ends_at, data.reason)
    affected = await closures.close_venue(ctx.db, ctx.staff, venue_id, closure, now=ctx.now())
    return sessions_out(ctx.language, await views.meeting_views(ctx.db, affected))


@post("/api/v1/sessions/{session_id:int}/staff", opt=EDITORS, tags=["schedules"], status_code=200)
async def api_session_staff(ctx: Context, session_id: int, data: JSONBody[SessionStaffIn]) -> SessionOut:
    """Put someone on this meeting, optionally in place of another person."""
    facilitator = planning.Facilitator(data.staff_id, data.role)
    s = await planning.assign_session_staff(
        ctx.db, ctx.staff, session_id, facilitator, now=ctx.now(), replace=data.replace_staff_id
    )
    return sessions_out(ctx.language, await views.meeting_views(ctx.db, [s]))[0]


@post("/api/v1/cohorts/{cohort_id:int}/late-joiners", opt=EDITORS, tags=["cohorts"], status_code=200)
async def api_late_joiner(ctx: Context, cohort_id: int, data: JSONBody[LateJoinerIn]) -> LateJoinerOut:
    """Add a waiting person to a confirmed group with room, before its last joining meeting; she is
    told her dates in her language."""
    cohort = await late_joiners.add_late_joiner(ctx.db, ctx.staff, cohort_id, data.registration_id, now=ctx.now())
    return LateJoinerOut(cohort.id, data.registration_id, "confirmed")


@post("/api/v1/cohorts/{cohort_id:int}/births", opt=BIRTH_RECORDERS, tags=["schedules"], status_code=200)
async def api_birth(ctx: Context, cohort_id: int, data: JSONBody[BirthIn]) -> BirthOut:
    """Record a member's birth date; the group's meetings after the birth follow the real dates
    (the latest birth, or due date of who has not given birth yet). How many meetings moved.
    Coordinators and admins for any group; midwives, mentors and trainers for a group they are
    planned on (another group: 404)."""
    moved = await births.record_birth(
        ctx.db, ctx.staff, cohort_id, births.Birth(data.registration_id, data.birth_date), now=ctx.now()
    )
    return BirthOut(data.registration_id, data.birth_date, moved)


ROUTES = [
    api_birth,
    api_late_joiner,
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
    api_guest_teacher_availability,
]
