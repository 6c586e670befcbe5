"""Use cases of schedules: plan_cohort_sessions, assign_staff, check_cohort,
report_absence (with the template's policy), cancel_session, reschedule_session,
propose_slots. Every change is logged and tells the people it concerns."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import median_low

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from groepsaanbod.accounts.models import Role, Staff
from groepsaanbod.accounts.viewer import Viewer
from groepsaanbod.i18n.text import N_, pick
from groepsaanbod.messaging.services import Recipient, queue_message
from groepsaanbod.organisations.models import Venue
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate
from groepsaanbod.programmes.services import get_programme, template_data
from groepsaanbod.programmes.templates import ConstraintData
from groepsaanbod.refusals import Refused
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.registration.services import record
from groepsaanbod.scheduling.closed_days import closed_days
from groepsaanbod.scheduling.constraints import Violation, check_session
from groepsaanbod.scheduling.facts import session_facts
from groepsaanbod.scheduling.models import Cohort, SchoolClass, Session, SessionStaff, StaffAbsence
from groepsaanbod.scheduling.sessions import (
    SessionPlan,
    plan_drop_in,
    plan_pregnancy_sessions,
    plan_weekly_sessions,
    to_utc,
)

log = logging.getLogger(__name__)
TIMEZONE = "Europe/Amsterdam"


class ScheduleRefused(Refused):
    pass


class SessionNotFound(Exception):
    pass


NEEDS_START_DATE = N_("Give the date of the first meeting.")
NEEDS_DUE_DATE = N_("Give the due date the group is planned around.")
NEEDS_END_DATE = N_("Give the last date of the drop-in series.")
UNKNOWN_VENUE = N_("This location does not belong to your organisation.")
HELD_ALREADY = N_("Meetings of this group have already been held. Change single meetings instead.")
NOT_YOUR_SESSION = N_("You are not planned for this meeting.")
ALREADY_CANCELLED = N_("This meeting is already cancelled.")
NOT_STAFF_OF_ORGANISATION = N_("This person does not work for the organisation of this group.")
TIME_FORM = N_("Give the time as hours and minutes, for example 09:30.")
WEEKDAY_FORM = N_("Choose a day of the week.")
PERIOD_FORM = N_("The end must come after the start.")


@dataclass(frozen=True)
class PlanRequest:
    weekday: int
    start_time: time
    venue_id: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    due_date: date | None = None


async def _cohort_context(
    session: AsyncSession, viewer: Viewer, cohort_id: int
) -> tuple[Cohort, Programme, ProgrammeTemplate]:
    cohort = await session.get(Cohort, cohort_id, populate_existing=True)
    if cohort is None:
        raise SessionNotFound()
    try:
        programme = await get_programme(session, viewer, cohort.programme_id)
    except Exception as hidden:
        raise SessionNotFound() from hidden
    template = await session.scalar(
        select(ProgrammeTemplate)
        .options(selectinload(ProgrammeTemplate.session_specs), selectinload(ProgrammeTemplate.constraints))
        .where(ProgrammeTemplate.id == cohort.template_id)
    )
    return cohort, programme, template


async def _group_due_date(session: AsyncSession, cohort: Cohort) -> date | None:
    dates = sorted(
        d
        for (d,) in (
            await session.execute(
                select(Participant.due_date)
                .join(Registration, Registration.participant_id == Participant.id)
                .where(Registration.cohort_id == cohort.id, Registration.status.in_(("confirmed", "pending")))
            )
        ).all()
        if d
    )
    return median_low(dates) if dates else cohort.reference_date


async def _region(session: AsyncSession, cohort: Cohort) -> str | None:
    if cohort.school_class_id is None:
        return None
    return (await session.get(SchoolClass, cohort.school_class_id)).region


def _uses_school_holidays(template: ProgrammeTemplate) -> bool:
    return any(c.kind == "no_school_holidays" for c in template.constraints)


async def plan_cohort_sessions(
    session: AsyncSession, viewer: Viewer, cohort_id: int, request: PlanRequest, now: datetime
) -> SessionPlan:
    """All meetings of a cohort from its template: dates, times, room, facilitators."""
    cohort, programme, template = await _cohort_context(session, viewer, cohort_id)
    if request.venue_id is not None:
        venue = await session.get(Venue, request.venue_id)
        if venue is None or venue.organisation_id != programme.organisation_id:
            raise ScheduleRefused.single("venue_id", UNKNOWN_VENUE)
    held = await session.scalar(select(Session.id).where(Session.cohort_id == cohort.id, Session.status == "held"))
    if held:
        raise ScheduleRefused.single("cohort", HELD_ALREADY)
    data = template_data(programme, template)
    region = await _region(session, cohort)
    if template.schedule == "pregnancy_week":
        due = request.due_date or await _group_due_date(session, cohort)
        if due is None:
            raise ScheduleRefused.single("due_date", NEEDS_DUE_DATE)
        years = range(due.year - 1, due.year + 2)
        plan = plan_pregnancy_sessions(
            data.sessions, due, request.weekday, request.start_time, closed_days(years, region, False), TIMEZONE
        )
        cohort.reference_date = due
    elif template.schedule == "weekly":
        if request.start_date is None:
            raise ScheduleRefused.single("start_date", NEEDS_START_DATE)
        years = range(request.start_date.year, request.start_date.year + 3)
        plan = plan_weekly_sessions(
            data.sessions,
            request.start_date,
            request.weekday,
            request.start_time,
            closed_days(years, region, region is not None and _uses_school_holidays(template)),
            TIMEZONE,
        )
        cohort.reference_date = request.start_date
    else:
        if request.start_date is None:
            raise ScheduleRefused.single("start_date", NEEDS_START_DATE)
        if request.end_date is None:
            raise ScheduleRefused.single("end_date", NEEDS_END_DATE)
        years = range(request.start_date.year, request.end_date.year + 1)
        spec = data.sessions[0]
        plan = plan_drop_in(
            request.start_date,
            request.end_date,
            request.weekday,
            request.start_time,
            spec.duration_minutes,
            closed_days(years, None, False),
            frozenset(),
            dict(spec.topic),
            TIMEZONE,
        )
    cohort.weekday, cohort.start_time = request.weekday, request.start_time
    if request.venue_id is not None:
        cohort.venue_id = request.venue_id
    await session.execute(delete(Session).where(Session.cohort_id == cohort.id))
    from groepsaanbod.scheduling.models import CohortFacilitator

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
            status="planned",
            number=planned.number,
            moved_from=planned.moved_from,
        )
        row.staff = [SessionStaff(staff_id=f.staff_id, role=f.role) for f in facilitators]
        session.add(row)
    record(
        session,
        now,
        cohort.programme_id,
        "sessions_planned",
        cohort_id=cohort.id,
        actor=viewer.staff_id,
        sessions=len(plan.sessions),
    )
    await session.commit()
    log.info("sessions planned", extra={"cohort_id": cohort.id, "sessions": len(plan.sessions), "by": viewer.staff_id})
    return plan


async def set_facilitator(
    session: AsyncSession, viewer: Viewer, cohort_id: int, staff_id: int, role: str, now: datetime
) -> None:
    """A facilitator for the whole cohort: added to every meeting not yet held."""
    cohort, programme, _ = await _cohort_context(session, viewer, cohort_id)
    holds = await session.scalar(
        select(Role.id).where(
            Role.staff_id == staff_id, Role.role == role, Role.organisation_id == programme.organisation_id
        )
    )
    if not holds:
        raise ScheduleRefused.single("staff_id", NOT_STAFF_OF_ORGANISATION)
    from groepsaanbod.scheduling.models import CohortFacilitator

    if await session.get(CohortFacilitator, (cohort.id, staff_id, role)) is None:
        session.add(CohortFacilitator(cohort_id=cohort.id, staff_id=staff_id, role=role))
    for s in await session.scalars(select(Session).where(Session.cohort_id == cohort.id, Session.status == "planned")):
        if await session.get(SessionStaff, (s.id, staff_id, role)) is None:
            session.add(SessionStaff(session_id=s.id, staff_id=staff_id, role=role))
            s.sequence += 1
    record(
        session,
        now,
        cohort.programme_id,
        "facilitator_set",
        cohort_id=cohort.id,
        actor=viewer.staff_id,
        staff_id=staff_id,
        role=role,
    )
    await session.commit()


@dataclass(frozen=True)
class SessionCheck:
    session: Session
    violations: tuple[Violation, ...]

    @property
    def hard(self) -> tuple[Violation, ...]:
        return tuple(v for v in self.violations if v.hard)


def _rules(template: ProgrammeTemplate) -> list[ConstraintData]:
    """The template's rules; nobody and no room is ever booked twice at once, whatever it lists."""
    rules = [ConstraintData(c.kind, dict(c.params), c.hard) for c in template.constraints]
    if not any(r.kind == "no_double_booking" for r in rules):
        rules.append(ConstraintData("no_double_booking", {}, True))
    return rules


async def check_cohort(session: AsyncSession, viewer: Viewer, cohort_id: int) -> list[SessionCheck]:
    cohort, _, template = await _cohort_context(session, viewer, cohort_id)
    checks = []
    for s in await session.scalars(
        select(Session)
        .where(Session.cohort_id == cohort.id)
        .order_by(Session.starts_at)
        .execution_options(populate_existing=True)
    ):
        facts = await session_facts(session, s, cohort, template)
        checks.append(
            SessionCheck(s, check_session(facts, _rules(template), template.min_group_size, template.max_group_size))
        )
    return checks


async def _session_context(
    session: AsyncSession, session_id: int
) -> tuple[Session, Cohort | None, Programme, ProgrammeTemplate]:
    s = await session.get(Session, session_id, populate_existing=True)
    if s is None:
        raise SessionNotFound()
    cohort = await session.get(Cohort, s.cohort_id) if s.cohort_id else None
    programme = await session.get(Programme, s.programme_id)
    template_id = cohort.template_id if cohort else None
    template = (
        await session.scalar(
            select(ProgrammeTemplate)
            .options(selectinload(ProgrammeTemplate.session_specs), selectinload(ProgrammeTemplate.constraints))
            .where(ProgrammeTemplate.id == template_id)
        )
        if template_id
        else None
    )
    return s, cohort, programme, template


def _may_manage(viewer: Viewer, programme: Programme) -> bool:
    return programme.organisation_id in viewer.organisations_with({"coordinator", "admin"})


async def _notify_session(
    session: AsyncSession,
    s: Session,
    cohort: Cohort | None,
    programme: Programme,
    kind: str,
    now: datetime,
    **context: object,
) -> int:
    """Tell everyone of a meeting, each in their own language: its staff and its confirmed members."""
    told = 0
    for person in await session.scalars(
        select(Staff).where(Staff.id.in_(select(SessionStaff.staff_id).where(SessionStaff.session_id == s.id)))
    ):
        await queue_message(
            session,
            Recipient(person.language, person.email, None),
            kind,
            {
                "name": person.full_name,
                "programme": pick(programme.name, person.language),
                "group": cohort.name if cohort else "",
                "starts_at": s.starts_at,
                "timezone": s.timezone,
                **context,
            },
            dedupe_key=f"session:{s.id}:{kind}:{s.sequence}:staff:{person.id}",
            organisation_id=programme.organisation_id,
            now=now,
        )
        told += 1
    if cohort is not None:
        for registration in await session.scalars(
            select(Registration)
            .options(selectinload(Registration.participant))
            .where(Registration.cohort_id == cohort.id, Registration.status == "confirmed")
        ):
            person = registration.participant
            await queue_message(
                session,
                Recipient(registration.language, person.email, person.phone),
                kind,
                {
                    "name": person.full_name,
                    "programme": pick(programme.name, registration.language),
                    "group": cohort.name,
                    "starts_at": s.starts_at,
                    "timezone": s.timezone,
                    **context,
                },
                dedupe_key=f"session:{s.id}:{kind}:{s.sequence}:registration:{registration.id}",
                organisation_id=programme.organisation_id,
                now=now,
            )
            told += 1
    return told


async def _alert_coordinators(
    session: AsyncSession,
    s: Session,
    cohort: Cohort | None,
    programme: Programme,
    violations: tuple[Violation, ...],
    now: datetime,
) -> None:
    from groepsaanbod.i18n.translations import render_message

    for person in await session.scalars(
        select(Staff).where(
            Staff.active.is_(True),
            Staff.id.in_(
                select(Role.staff_id).where(
                    Role.organisation_id == programme.organisation_id, Role.role.in_(("coordinator", "admin"))
                )
            ),
        )
    ):
        problems = [render_message(person.language, v.message) for v in violations]
        await queue_message(
            session,
            Recipient(person.language, person.email, None),
            "session_at_risk",
            {
                "name": person.full_name,
                "programme": pick(programme.name, person.language),
                "group": cohort.name if cohort else "",
                "starts_at": s.starts_at,
                "timezone": s.timezone,
                "number": s.number,
                "problems": problems,
            },
            dedupe_key=f"session:{s.id}:at_risk:{s.sequence}:{person.id}",
            organisation_id=programme.organisation_id,
            now=now,
        )


def _policy(rules: list[ConstraintData], violation: Violation) -> str | None:
    """The on_violation of the rule that broke (same kind, and same role where rules name one)."""
    role = violation.message.params.get("role")
    matching = [r for r in rules if r.kind == violation.constraint]
    exact = [r for r in matching if r.params.get("role") in (None, role)]
    chosen = (exact or matching)[:1]
    return chosen[0].params.get("on_violation") if chosen else None


@dataclass(frozen=True)
class AbsenceOutcome:
    cancelled: bool
    violations: tuple[Violation, ...]
    told: int


async def cancel_session(session: AsyncSession, s: Session, reason: str, now: datetime, actor: int | None) -> int:
    if s.status == "cancelled":
        raise ScheduleRefused.single("session", ALREADY_CANCELLED)
    _, cohort, programme, _ = await _session_context(session, s.id)
    s.status, s.cancel_reason = "cancelled", reason[:200]
    s.sequence += 1
    told = await _notify_session(session, s, cohort, programme, "session_cancelled", now, reason=reason)
    record(
        session,
        now,
        s.programme_id,
        "session_cancelled",
        cohort_id=s.cohort_id,
        actor=actor,
        session_id=s.id,
        reason=reason,
    )
    return told


async def report_absence(
    session: AsyncSession, viewer: Viewer, session_id: int, now: datetime, reason: str = "", staff_id: int | None = None
) -> AbsenceOutcome:
    """A facilitator cannot come. The meeting is checked again at once and the template's
    policy applies: cancel (THINK: no mentor, no lesson) or alert the coordinators."""
    s, cohort, programme, template = await _session_context(session, session_id)
    who = staff_id if staff_id is not None else viewer.staff_id
    if who != viewer.staff_id and not _may_manage(viewer, programme):
        raise SessionNotFound()
    if (
        await session.scalar(
            select(SessionStaff.staff_id).where(SessionStaff.session_id == s.id, SessionStaff.staff_id == who)
        )
        is None
    ):
        raise ScheduleRefused.single("session", NOT_YOUR_SESSION)
    if s.status == "cancelled":
        raise ScheduleRefused.single("session", ALREADY_CANCELLED)
    session.add(
        StaffAbsence(
            staff_id=who,
            session_id=s.id,
            starts_at=s.starts_at,
            ends_at=s.starts_at + timedelta(minutes=s.duration_minutes),
            reason=reason[:200],
            reported_by_id=viewer.staff_id,
            reported_at=now,
        )
    )
    await session.flush()
    record(
        session,
        now,
        s.programme_id,
        "absence_reported",
        cohort_id=s.cohort_id,
        actor=viewer.staff_id,
        session_id=s.id,
        staff_id=who,
    )
    violations: tuple[Violation, ...] = ()
    cancelled, told = False, 0
    if template is not None:
        rules = _rules(template)
        facts = await session_facts(session, s, cohort, template)
        violations = check_session(facts, rules, template.min_group_size, template.max_group_size)
        hard = tuple(v for v in violations if v.hard)
        if any(_policy(rules, v) == "cancel" for v in hard):
            told = await cancel_session(session, s, reason or "absence", now, viewer.staff_id)
            cancelled = True
        elif violations:
            await _alert_coordinators(session, s, cohort, programme, violations, now)
    await session.commit()
    log.info("absence reported", extra={"session_id": s.id, "cancelled": cancelled, "by": viewer.staff_id})
    return AbsenceOutcome(cancelled, violations, told)


async def cancel_by_coordinator(
    session: AsyncSession, viewer: Viewer, session_id: int, reason: str, now: datetime
) -> int:
    s, _, programme, _ = await _session_context(session, session_id)
    if not _may_manage(viewer, programme):
        raise SessionNotFound()
    told = await cancel_session(session, s, reason, now, viewer.staff_id)
    await session.commit()
    return told


@dataclass(frozen=True)
class Slot:
    local_start: datetime
    starts_at: datetime


async def propose_slots(
    session: AsyncSession, viewer: Viewer, session_id: int, count: int = 3, weeks: int = 8
) -> list[Slot]:
    """The next times, same weekday and hour, that break no hard rule (absences of the
    original date do not carry over; closed days are skipped)."""
    s, cohort, programme, template = await _session_context(session, session_id)
    if not _may_manage(viewer, programme):
        raise SessionNotFound()
    if template is None:
        return []
    region = await _region(session, cohort) if cohort else None
    base = s.moved_from or s.local_start.date()
    closed = closed_days(
        range(base.year, base.year + 2), region, region is not None and _uses_school_holidays(template)
    )
    rules = _rules(template)
    slots: list[Slot] = []
    for week in range(1, weeks + 1):
        local = datetime.combine(base + timedelta(weeks=week), s.local_start.time())
        if local.date() in closed:
            continue
        utc = to_utc(local, s.timezone)
        facts = await session_facts(session, s, cohort, template, at=(utc, local))
        if not any(v.hard for v in check_session(facts, rules, template.min_group_size, template.max_group_size)):
            slots.append(Slot(local, utc))
        if len(slots) >= count:
            break
    return slots


async def reschedule_session(
    session: AsyncSession, viewer: Viewer, session_id: int, local_start: datetime, now: datetime
) -> Session:
    """Move a meeting (or bring a cancelled one back) to a new time; everyone is told."""
    s, cohort, programme, _ = await _session_context(session, session_id)
    if not _may_manage(viewer, programme):
        raise SessionNotFound()
    old = s.starts_at
    s.local_start, s.starts_at = local_start, to_utc(local_start, s.timezone)
    s.status, s.cancel_reason = "planned", None
    s.sequence += 1
    await _notify_session(session, s, cohort, programme, "session_moved", now, old_starts_at=old)
    record(
        session,
        now,
        s.programme_id,
        "session_moved",
        cohort_id=s.cohort_id,
        actor=viewer.staff_id,
        session_id=s.id,
        old=old.isoformat(),
        new=s.starts_at.isoformat(),
    )
    await session.commit()
    return s


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


async def venue_week(session: AsyncSession, viewer: Viewer, venue_id: int, monday: date) -> list[Session]:
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
                Cohort.programme_id == programme_id, Cohort.status.in_(("confirmed", "forming", "running"))
            )
        )
    )


async def close_venue(
    session: AsyncSession,
    viewer: Viewer,
    venue_id: int,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    now: datetime,
) -> list[SessionCheck]:
    """A room cannot be used for a while: its meetings in that time are checked at once and
    the coordinators are told which ones need another room or time."""
    from groepsaanbod.scheduling.models import VenueClosure

    venue = await session.get(Venue, venue_id)
    if venue is None or venue.organisation_id not in viewer.organisations_with({"coordinator", "admin"}):
        raise SessionNotFound()
    if ends_at <= starts_at:
        raise ScheduleRefused.single("ends_at", PERIOD_FORM)
    session.add(VenueClosure(venue_id=venue_id, starts_at=starts_at, ends_at=ends_at, reason=reason[:200]))
    await session.flush()
    affected: list[SessionCheck] = []
    for s in await session.scalars(
        select(Session)
        .where(
            Session.venue_id == venue_id,
            Session.status == "planned",
            Session.starts_at < ends_at,
            Session.starts_at >= starts_at - timedelta(hours=12),
        )
        .order_by(Session.starts_at)
    ):
        _, cohort, programme, template = await _session_context(session, s.id)
        if template is None:
            continue
        violations = check_session(
            await session_facts(session, s, cohort, template),
            _rules(template),
            template.min_group_size,
            template.max_group_size,
        )
        if violations:
            affected.append(SessionCheck(s, violations))
            await _alert_coordinators(session, s, cohort, programme, violations, now)
    record_programme = affected[0].session.programme_id if affected else None
    if record_programme is not None:
        record(
            session,
            now,
            record_programme,
            "venue_closed",
            actor=viewer.staff_id,
            venue_id=venue_id,
            affected=len(affected),
        )
    await session.commit()
    log.info("venue closed", extra={"venue_id": venue_id, "affected": len(affected), "by": viewer.staff_id})
    return affected


async def set_availability(
    session: AsyncSession, viewer: Viewer, hours: list[tuple[int, time, time]], staff_id: int | None = None
) -> None:
    """The weekly hours a person can work (their own, or as coordinator someone of the organisation)."""
    from groepsaanbod.scheduling.models import StaffAvailability

    who = staff_id if staff_id is not None else viewer.staff_id
    if who != viewer.staff_id:
        orgs = viewer.organisations_with({"coordinator", "admin"})
        if not await session.scalar(select(Role.id).where(Role.staff_id == who, Role.organisation_id.in_(orgs))):
            raise SessionNotFound()
    for weekday, starts, ends in hours:
        if not 0 <= weekday <= 6 or ends <= starts:
            raise ScheduleRefused.single("hours", PERIOD_FORM)
    await session.execute(delete(StaffAvailability).where(StaffAvailability.staff_id == who))
    for weekday, starts, ends in hours:
        session.add(StaffAvailability(staff_id=who, weekday=weekday, starts=starts, ends=ends))
    await session.commit()


async def set_opening_hours(
    session: AsyncSession, viewer: Viewer, venue_id: int, hours: list[tuple[int, time, time]]
) -> None:
    from groepsaanbod.scheduling.models import VenueOpening

    venue = await session.get(Venue, venue_id)
    if venue is None or venue.organisation_id not in viewer.organisations_with({"coordinator", "admin"}):
        raise SessionNotFound()
    for weekday, opens, closes in hours:
        if not 0 <= weekday <= 6 or closes <= opens:
            raise ScheduleRefused.single("hours", PERIOD_FORM)
    await session.execute(delete(VenueOpening).where(VenueOpening.venue_id == venue_id))
    for weekday, opens, closes in hours:
        session.add(VenueOpening(venue_id=venue_id, weekday=weekday, opens=opens, closes=closes))
    await session.commit()


async def assign_session_staff(
    session: AsyncSession,
    viewer: Viewer,
    session_id: int,
    staff_id: int,
    role: str,
    now: datetime,
    replace: int | None = None,
) -> Session:
    """Put someone on one meeting (optionally in place of another person)."""
    s, cohort, programme, _ = await _session_context(session, session_id)
    if not _may_manage(viewer, programme):
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
        s.programme_id,
        "staff_assigned",
        cohort_id=s.cohort_id,
        actor=viewer.staff_id,
        session_id=s.id,
        staff_id=staff_id,
        role=role,
        replaced=replace,
    )
    await session.commit()
    return s
