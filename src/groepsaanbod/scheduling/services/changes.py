"""Use cases of changing single meetings: report_absence (with the template's
policy), cancel_session, cancel_by_coordinator, propose_slots, reschedule_session,
close_venue.
Every change is logged and tells the people it concerns, in their language."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from groepsaanbod import bounds
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import Role, Staff
from groepsaanbod.bounds import PERIOD_FORM
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.history.services import record
from groepsaanbod.i18n.formatting import local_date
from groepsaanbod.i18n.text import N_, pick
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.messaging.services.queue import MessageContent, Recipient, queue_message
from groepsaanbod.organisations.models import Venue
from groepsaanbod.programmes.models import Programme
from groepsaanbod.programmes.templates import ConstraintData
from groepsaanbod.registration.models import Registration
from groepsaanbod.scheduling.closed_days import closed_days
from groepsaanbod.scheduling.constraints import Violation, check_session
from groepsaanbod.scheduling.errors import ScheduleRefused, SessionNotFound
from groepsaanbod.scheduling.models import Session, SessionStaff, StaffAbsence
from groepsaanbod.scheduling.services.context import (
    TIMEZONE,
    SessionCheck,
    may_manage,
    region_of,
    rules_of,
    session_context,
    uses_school_holidays,
)
from groepsaanbod.scheduling.services.facts import session_facts
from groepsaanbod.scheduling.sessions import (
    to_utc,
)

log = logging.getLogger(__name__)

NOT_YOUR_SESSION = N_("You are not planned for this meeting.")
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
            MessageContent(
                kind,
                {
                    "name": person.full_name,
                    "programme": pick(programme.name, person.language),
                    "group": cohort.name if cohort else "",
                    "starts_at": s.starts_at,
                    "timezone": s.timezone,
                    **context,
                },
            ),
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
                MessageContent(
                    kind,
                    {
                        "name": person.full_name,
                        "programme": pick(programme.name, registration.language),
                        "group": cohort.name,
                        "starts_at": s.starts_at,
                        "timezone": s.timezone,
                        **context,
                    },
                ),
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

    coordinators = list(
        await session.scalars(
            select(Staff).where(
                Staff.active.is_(True),
                Staff.id.in_(
                    select(Role.staff_id).where(
                        Role.organisation_id == programme.organisation_id, Role.role.in_(("coordinator", "admin"))
                    )
                ),
            )
        )
    )
    keys = {person.id: f"session:{s.id}:at_risk:{s.sequence}:{person.id}" for person in coordinators}
    # Told already about this state of the meeting (a second closure over it, say): once is enough.
    told = set(
        await session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys.values())))
    )
    for person in coordinators:
        key = keys[person.id]
        if key in told:
            continue
        problems = [render_message(person.language, v.message) for v in violations]
        await queue_message(
            session,
            Recipient(person.language, person.email, None),
            MessageContent(
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
            ),
            dedupe_key=key,
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
    _, cohort, programme, _ = await session_context(session, s.id)
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
    reason = check_reason(reason)
    s, cohort, programme, template = await session_context(session, session_id)
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
    if s.status == "cancelled":
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
        rules = rules_of(template)
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
    reason = check_reason(reason)
    s, _, programme, _ = await session_context(session, session_id)
    if not may_manage(viewer, programme):
        raise SessionNotFound()
    told = await cancel_session(session, s, reason, now, viewer.staff_id)
    await session.commit()
    return told


@dataclass(frozen=True)
class Slot:
    local_start: datetime
    starts_at: datetime


async def propose_slots(
    session: AsyncSession, viewer: Viewer, session_id: int, now: datetime, count: int = 3, weeks: int = 8
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
    closed = closed_days(range(base.year, base.year + 2), region, region is not None and uses_school_holidays(template))
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
    session: AsyncSession, viewer: Viewer, session_id: int, local_start: datetime, now: datetime
) -> Session:
    """Move a meeting (or bring a cancelled one back) to a new time; everyone is told."""
    check_meeting_moment("local_start", local_start, now)
    s, cohort, programme, _ = await session_context(session, session_id)
    if not may_manage(viewer, programme):
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


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else to_utc(moment, TIMEZONE)


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
    the coordinators are told which ones need another room or time. A moment without an
    offset is wall-clock time in Amsterdam."""
    from groepsaanbod.organisations.models import VenueClosure

    problems = [
        p
        for p in (
            bounds.check_date("starts_at", starts_at.date(), bounds.meeting_window(local_date(now))),
            bounds.check_date("ends_at", ends_at.date(), bounds.meeting_window(local_date(now))),
            bounds.check_line("reason", reason, bounds.SHORT_TEXT),
        )
        if p is not None
    ]
    if problems:
        raise ScheduleRefused(problems)
    starts_at, ends_at = _aware(starts_at), _aware(ends_at)
    venue = await session.get(Venue, venue_id)
    if venue is None or venue.organisation_id not in viewer.organisations_with({"coordinator", "admin"}):
        raise SessionNotFound()
    if ends_at <= starts_at:
        raise ScheduleRefused.single("ends_at", PERIOD_FORM)
    session.add(VenueClosure(venue_id=venue_id, starts_at=starts_at, ends_at=ends_at, reason=reason.strip()))
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
        _, cohort, programme, template = await session_context(session, s.id)
        if template is None:
            continue
        violations = check_session(
            await session_facts(session, s, cohort, template),
            rules_of(template),
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
