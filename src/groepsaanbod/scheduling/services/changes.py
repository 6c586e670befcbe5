"""Use cases of changing single meetings: report_absence (with the template's
policy) and preview_absence (what it would do), cancel_session, cancel_by_coordinator,
propose_slots, reschedule_session.
(A closed location is closures.py.) Every change is logged and tells the people it
concerns, in their language (notices.py)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod import bounds
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import Staff
from groepsaanbod.history.services import Subject, record
from groepsaanbod.i18n.formatting import local_date
from groepsaanbod.i18n.text import N_
from groepsaanbod.programmes.templates import ConstraintData
from groepsaanbod.registration.models import Registration
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.scheduling.closed_days import closed_days
from groepsaanbod.scheduling.constraints import Violation, check_session
from groepsaanbod.scheduling.errors import ScheduleRefused, SessionNotFound
from groepsaanbod.scheduling.models import Session, SessionStaff, StaffAbsence
from groepsaanbod.scheduling.services.context import (
    may_manage,
    region_of,
    rules_of,
    session_context,
    uses_school_holidays,
)
from groepsaanbod.scheduling.services.facts import session_facts
from groepsaanbod.scheduling.services.guest_teachers import take_over_lesson
from groepsaanbod.scheduling.services.notices import alert_coordinators, notify_session
from groepsaanbod.scheduling.sessions import to_utc
from groepsaanbod.scheduling.status import SessionStatus
from groepsaanbod.webhooks.services.record import record_event

log = logging.getLogger(__name__)

NOT_YOUR_SESSION = N_("You are not planned for this meeting.")
#: What an absence did, said to the person who reported it (the API's answer; the pages say it too).
ABSENCE_SAID = {
    "cancelled": N_("The meeting is cancelled. Everyone is told: %(count)s messages are sent."),
    "coordinators_told": N_("The meeting stays planned. The coordinator is told that it is at risk."),
    "noted": N_("The meeting goes ahead without you. Your schedule shows that you cannot come."),
    "taken_over": N_("Another guest teacher takes the lesson and is told. The lesson goes ahead."),
}
ALREADY_CANCELLED = N_("This meeting is already cancelled.")


def check_reason(reason: str, field: str = "reason") -> str:
    """A reason people are told (in messages, on the schedule): one line of at most 200 characters."""
    problem = bounds.check_line(field, reason, bounds.SHORT_TEXT)
    if problem is not None:
        raise ScheduleRefused([problem])
    return reason.strip()


def check_meeting_moment(field: str, moment: datetime, now: datetime) -> None:
    """Meetings and closures fall within two years of today (bounds.meeting_window)."""
    problem = bounds.check_date(field, moment.date(), bounds.meeting_window(local_date(now)))
    if problem is not None:
        raise ScheduleRefused([problem])


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
    #: Who took the lesson over (THINK's stand-in rule); the coordinators are not alerted then.
    stand_in: int | None = None

    @property
    def kind(self) -> str:
        """cancelled | taken_over (a stand-in gives it) | coordinators_told (the meeting is at risk) |
        noted (it goes ahead as it is)."""
        if self.cancelled:
            return "cancelled"
        return "taken_over" if self.stand_in else "coordinators_told" if self.violations else "noted"


@dataclass(frozen=True)
class AbsencePreview:
    """What saying "I cannot come" would do, shown before it is done."""

    outcome: AbsenceOutcome
    session_id: int
    starts_at: datetime
    timezone: str
    programme: dict[str, str]
    group: str
    topic: dict[str, str]
    #: The meeting's staff, by name (they are told when it is cancelled).
    staff: tuple[str, ...]
    #: Confirmed members of the group (they are told when it is cancelled).
    members: int


#: Reasons the service writes itself (no reason typed; a facilitator's absence): no language.
UNWRITTEN_REASONS = frozenset({"-", "absence"})


async def cancel_session(
    session: AsyncSession,
    s: Session,
    *,
    reason: str,
    now: datetime,
    actor: int | None,
    language: str | None = None,
) -> int:
    """`language`: the one the reason was typed in (the writer's page), shown with it elsewhere."""
    if s.status == SessionStatus.CANCELLED:
        raise ScheduleRefused.single("session", ALREADY_CANCELLED)
    about = await session_context(session, s.id)
    s.status, s.cancel_reason = SessionStatus.CANCELLED, reason[:200]
    s.cancel_reason_language = None if reason in UNWRITTEN_REASONS else language
    s.sequence += 1
    told = await notify_session(session, about, "session_cancelled", now=now, reason=reason)
    record(
        session,
        now,
        Subject(s.programme_id, cohort_id=s.cohort_id),
        "session_cancelled",
        actor=actor,
        session_id=s.id,
        reason=reason,
    )
    await record_event(
        session,
        about.programme.organisation_id,
        "session.cancelled",
        {
            "session_id": s.id,
            "cohort_id": s.cohort_id,
            "programme_id": s.programme_id,
            "status": s.status,
            "reason": reason,
        },
        now,
    )
    return told


async def report_absence(
    session: AsyncSession,
    viewer: Viewer,
    session_id: int,
    *,
    now: datetime,
    reason: str = "",
    staff_id: int | None = None,
    language: str | None = None,
) -> AbsenceOutcome:
    """A facilitator cannot come (`staff_id`; yourself when left out). The meeting is checked again at
    once and the template's policy applies: cancel (THINK: no mentor, no lesson) or alert the coordinators."""
    outcome = await _absence(session, viewer, session_id, now=now, reason=reason, staff_id=staff_id, language=language)
    await session.commit()
    log.info(
        "absence reported", extra={"session_id": session_id, "cancelled": outcome.cancelled, "by": viewer.staff_id}
    )
    return outcome


async def preview_absence(
    session: AsyncSession, viewer: Viewer, session_id: int, *, now: datetime, reason: str = ""
) -> AbsencePreview:
    """What report_absence would do for the viewer now: cancel the meeting and tell whom, or alert the
    coordinators. It is done for real and rolled back, so the preview follows every rule and every
    receiver report_absence has; nothing is kept and nobody is told."""
    about = await session_context(session, session_id)
    s, cohort, programme = about.meeting, about.cohort, about.programme
    staff = tuple(
        await session.scalars(
            select(Staff.full_name)
            .where(Staff.id.in_(select(SessionStaff.staff_id).where(SessionStaff.session_id == s.id)))
            .order_by(Staff.full_name)
        )
    )
    members = 0
    if cohort is not None:
        members = (
            await session.scalar(
                select(func.count())
                .select_from(Registration)
                .where(Registration.cohort_id == cohort.id, Registration.status == RegistrationStatus.CONFIRMED)
            )
            or 0
        )
    shown = (s.id, s.starts_at, s.timezone, dict(programme.name), cohort.name if cohort else "", dict(s.topic or {}))
    # A savepoint: only what the absence changed is rolled back (and expired), nothing read before it.
    trial = await session.begin_nested()
    try:
        outcome = await _absence(session, viewer, session_id, now=now, reason=reason, staff_id=None)
    finally:
        await trial.rollback()
    return AbsencePreview(outcome, *shown, staff, members)


async def _absence(
    session: AsyncSession,
    viewer: Viewer,
    session_id: int,
    *,
    now: datetime,
    reason: str,
    staff_id: int | None,
    language: str | None = None,
) -> AbsenceOutcome:
    """report_absence's work, in the open transaction (committed or, for a preview, rolled back)."""
    reason = check_reason(reason)
    about = await session_context(session, session_id)
    s, cohort, programme, template = about
    who = staff_id if staff_id is not None else viewer.staff_id
    # Another organisation's meeting does not exist for this person ("not your meeting" would
    # tell them it does).
    if programme.organisation_id not in viewer.roles or (who != viewer.staff_id and not may_manage(viewer, programme)):
        raise SessionNotFound()
    if (
        await session.scalar(
            select(SessionStaff.staff_id).where(SessionStaff.session_id == s.id, SessionStaff.staff_id == who)
        )
        is None
    ):
        raise ScheduleRefused.single("session", NOT_YOUR_SESSION)
    if s.status == SessionStatus.CANCELLED:
        raise ScheduleRefused.single("session", ALREADY_CANCELLED)
    session.add(
        StaffAbsence(
            staff_id=who,
            session_id=s.id,
            starts_at=s.starts_at,
            ends_at=bounds.shifted(s.starts_at, timedelta(minutes=s.duration_minutes)),
            reason=reason,
            reported_by_id=viewer.staff_id,
            reported_at=now,
        )
    )
    await session.flush()
    record(
        session,
        now,
        Subject(s.programme_id, cohort_id=s.cohort_id),
        "absence_reported",
        actor=viewer.staff_id,
        session_id=s.id,
        staff_id=who,
    )
    violations: tuple[Violation, ...] = ()
    cancelled, told, stand_in = False, 0, None
    if template is not None:
        rules = rules_of(template)
        facts = await session_facts(session, s, cohort, template)
        violations = check_session(facts, rules, template.min_group_size, template.max_group_size)
        hard = tuple(v for v in violations if v.hard)
        # "reassign" (THINK's guest teacher): another free person of that role takes the lesson; if nobody can, cancel.
        cancel = any(_policy(rules, v) == "cancel" for v in hard)
        reassign = [] if cancel else [v for v in hard if _policy(rules, v) == "reassign"]
        stand_ins = [
            await take_over_lesson(session, about, str(v.message.params.get("role")), who, now) for v in reassign
        ]
        if cancel or (reassign and None in stand_ins):
            told = await cancel_session(
                session, s, reason=reason or "absence", now=now, actor=viewer.staff_id, language=language
            )
            cancelled = True
        elif reassign:
            told, stand_in = len(reassign), stand_ins[0]
        elif violations:
            await alert_coordinators(session, about, violations, now=now)
    return AbsenceOutcome(cancelled, violations, told, stand_in)


async def cancel_by_coordinator(
    session: AsyncSession, viewer: Viewer, session_id: int, *, reason: str, now: datetime, language: str | None = None
) -> int:
    reason = check_reason(reason)
    s, _, programme, _ = await session_context(session, session_id)
    if not may_manage(viewer, programme):
        raise SessionNotFound()
    told = await cancel_session(session, s, reason=reason, now=now, actor=viewer.staff_id, language=language)
    await session.commit()
    return told


@dataclass(frozen=True)
class Slot:
    local_start: datetime
    starts_at: datetime


async def propose_slots(
    session: AsyncSession, viewer: Viewer, session_id: int, now: datetime, *, count: int = 3, weeks: int = 8
) -> list[Slot]:
    """The next times, same weekday and hour, that break no hard rule (absences of the
    original date do not carry over; closed days are skipped), within the meeting window."""
    s, cohort, programme, template = await session_context(session, session_id)
    if not may_manage(viewer, programme):
        raise SessionNotFound()
    first, last = bounds.meeting_window(local_date(now))
    base = s.moved_from or s.local_start.date()
    if template is None or not first <= base <= last:
        return []
    region = await region_of(session, cohort) if cohort else None
    school = region is not None and uses_school_holidays(template)
    closed = closed_days(range(base.year, base.year + 2), region, school=school)
    rules = rules_of(template)
    slots: list[Slot] = []
    for week in range(1, weeks + 1):
        local = datetime.combine(base + timedelta(weeks=week), s.local_start.time())
        if local.date() > last:
            break
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
    session: AsyncSession, viewer: Viewer, session_id: int, *, local_start: datetime, now: datetime
) -> Session:
    """Move a meeting (or bring a cancelled one back) to a new time (wall-clock); everyone is told."""
    check_meeting_moment("local_start", local_start, now)
    about = await session_context(session, session_id)
    s, programme = about.meeting, about.programme
    if not may_manage(viewer, programme):
        raise SessionNotFound()
    old = s.starts_at
    s.local_start, s.starts_at = local_start, to_utc(local_start, s.timezone)
    s.status, s.cancel_reason = SessionStatus.PLANNED, None
    s.sequence += 1
    await notify_session(session, about, "session_moved", now=now, old_starts_at=old)
    record(
        session,
        now,
        Subject(s.programme_id, cohort_id=s.cohort_id),
        "session_moved",
        actor=viewer.staff_id,
        session_id=s.id,
        old=old.isoformat(),
        new=s.starts_at.isoformat(),
    )
    await record_event(
        session,
        programme.organisation_id,
        "session.moved",
        {
            "session_id": s.id,
            "cohort_id": s.cohort_id,
            "programme_id": s.programme_id,
            "status": s.status,
            "old_starts_at": old,
            "starts_at": s.starts_at,
        },
        now,
    )
    await session.commit()
    return s
