"""Use cases of the register: open_register, take_register, record_head_count (which meetings
and people a register covers: meetings.py).

Anyone working for the organisation takes a register from half an hour before the meeting
until 7 days after it; later only a coordinator (or admin) may change it. Every save is kept
in the audit trail (registration_events) with who and when, and logged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.privileges import Sight, first_names
from groepsaanbod.access.roles import PROGRAMME_EDITORS
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import Role, Staff
from groepsaanbod.attendance import rules
from groepsaanbod.attendance.errors import RegisterRefused
from groepsaanbod.attendance.models import AbsenceNotice, Attendance, SessionRegister
from groepsaanbod.attendance.services.meetings import meeting_in_sight, members
from groepsaanbod.attendance.services.signals import raise_signals
from groepsaanbod.audit.services import DataUse, record_audit
from groepsaanbod.cohorts.errors import CohortNotFound
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.history.services import Subject, record
from groepsaanbod.i18n.text import Message
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate
from groepsaanbod.programmes.templates import Formation, Schedule
from groepsaanbod.refusals import Problem
from groepsaanbod.registration.models import Registration
from groepsaanbod.scheduling.errors import ScheduleRefused
from groepsaanbod.scheduling.models import Session, SessionStaff
from groepsaanbod.scheduling.services.appointment_views import appointment_times
from groepsaanbod.scheduling.services.births import NOT_BY_PREGNANCY_WEEK, Birth, group_of, note_birth
from groepsaanbod.scheduling.status import SessionStatus
from groepsaanbod.webhooks.services.record import record_event

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RegisterLine:
    participant_id: int
    name: str
    language: str
    status: str | None = None
    reason: str | None = None
    note: str = ""
    partners: int = 0
    babies: int = 0
    #: The person's own time at an individual meeting with times (a phone call)
    appointment_at: datetime | None = None
    #: Her baby's date of birth as recorded (groups by pregnancy weeks, full sight only)
    birth_date: date | None = None
    #: She told us beforehand that she can't come (her page, a reminder's link, an SMS reply): the
    #: line is pre-filled as absent with her reason (excused) until staff save the register.
    cannot_come: bool = False


@dataclass(frozen=True)
class Register:
    """Everything the register screen shows for one meeting."""

    session: Session
    cohort: Cohort
    programme: Programme
    template: ProgrammeTemplate
    #: group | individual | phone
    meeting_kind: str
    drop_in: bool
    counts_partners: bool
    counts_babies: bool
    lines: list[RegisterLine]
    taken: SessionRegister | None
    #: Why this person cannot save it now (None: they can).
    closed: Message | None
    adults: int = 0
    children: int = 0
    volunteers: list[tuple[int, str, bool]] = field(default_factory=list)
    #: ALL, or ASSIGNED for a helper: first names only, no reasons or notes (access/privileges.py).
    sight: Sight = Sight.ALL

    @property
    def asks_birth_date(self) -> bool:
        """A group by pregnancy weeks: "gave birth" comes with the baby's date of birth."""
        return self.template.schedule == Schedule.PREGNANCY_WEEK and self.sight is Sight.ALL


def _is_coordinator(viewer: Viewer, programme: Programme) -> bool:
    return programme.organisation_id in viewer.organisations_with(PROGRAMME_EDITORS)


async def open_register(session: AsyncSession, viewer: Viewer, session_id: int, now: datetime) -> Register:
    meeting = await meeting_in_sight(session, viewer, session_id)
    s, programme, spec = meeting.session, meeting.programme, meeting.spec
    drop_in = meeting.template.formation == Formation.DROP_IN
    marks = {
        a.participant_id: a for a in await session.scalars(select(Attendance).where(Attendance.session_id == s.id))
    }
    people = await members(session, meeting, drop_in=drop_in)
    told = await notices_for(session, s.id)
    full = meeting.sight is Sight.ALL
    pregnancy = meeting.template.schedule == Schedule.PREGNANCY_WEEK
    names = [p.full_name for p in people] if full else first_names([p.full_name for p in people])
    lines = []
    for person, name in zip(people, names, strict=True):
        a = marks.get(person.id)
        notice = told.get(person.id) if a is None else None
        lines.append(
            RegisterLine(
                person.id,
                name,
                person.language,
                a.status if a else (rules.Presence.ABSENT if notice else None),
                (a.absence_reason if a else notice) if full else None,
                (a.note or "") if a and full else "",
                a.partners if a else 0,
                a.babies if a else 0,
                birth_date=person.child_birth_date if full and pregnancy else None,
                cannot_come=person.id in told,
            )
        )
    lines, opens, length = await _follow_times(session, s, lines)
    head = marks.get(None)
    taken = await session.get(SessionRegister, s.id, populate_existing=True)
    volunteers = []
    if drop_in:
        present = set(taken.volunteer_ids) if taken else None
        planned = set(await session.scalars(select(SessionStaff.staff_id).where(SessionStaff.session_id == s.id)))
        for staff_id, name in await session.execute(
            select(Staff.id, Staff.full_name)
            .join(Role, Role.staff_id == Staff.id)
            .where(Role.organisation_id == programme.organisation_id, Role.role == "volunteer")
            .order_by(Staff.full_name)
        ):
            volunteers.append((staff_id, name, staff_id in (present if present is not None else planned)))
    return Register(
        s,
        meeting.cohort,
        programme,
        meeting.template,
        spec.kind if spec else "group",
        drop_in,
        bool(spec and spec.partners_invited),
        bool(spec and spec.with_babies),
        lines,
        taken,
        rules.register_closed(
            opens,
            length,
            now,
            coordinator=_is_coordinator(viewer, programme),
            cancelled=s.status == SessionStatus.CANCELLED,
        ),
        head.adults if head else 0,
        head.children if head else 0,
        volunteers,
        meeting.sight,
    )


async def notices_for(session: AsyncSession, session_id: int) -> dict[int, str]:
    """The members who told us they can't come to this meeting (participant -> her reason)."""
    rows = await session.execute(
        select(Registration.participant_id, AbsenceNotice.reason)
        .join(Registration, Registration.id == AbsenceNotice.registration_id)
        .where(AbsenceNotice.session_id == session_id, AbsenceNotice.withdrawn_at.is_(None))
    )
    return {pid: reason or "excused" for pid, reason in rows.all()}


async def _follow_times(
    session: AsyncSession, s: Session, lines: list[RegisterLine]
) -> tuple[list[RegisterLine], datetime, int]:
    """An individual meeting with times: each line shows the person's time, in time order, and the
    register is open from the first time to the end of the last."""
    slots = (await appointment_times(session, [s.id])).get(s.id, [])
    at = {slot.registration_id: slot for slot in slots if slot.registration_id is not None}
    if not at:
        return lines, s.starts_at, s.duration_minutes
    by_person = dict(
        (
            await session.execute(select(Registration.participant_id, Registration.id).where(Registration.id.in_(at)))
        ).all()
    )
    timed = [
        replace(line, appointment_at=at[by_person[line.participant_id]].starts_at)
        if line.participant_id in by_person
        else line
        for line in lines
    ]
    timed.sort(key=lambda line: (line.appointment_at is None, line.appointment_at or s.starts_at))
    first = min(slot.starts_at for slot in at.values())
    last = max(slot.starts_at + timedelta(minutes=slot.duration_minutes) for slot in at.values())
    return timed, first, int((last - first).total_seconds() // 60)


async def _mark_taken(session: AsyncSession, viewer: Viewer, s: Session, now: datetime) -> tuple[bool, SessionRegister]:
    taken = await session.get(SessionRegister, s.id)
    first = taken is None
    if taken is None:
        taken = SessionRegister(session_id=s.id, taken_by_id=viewer.staff_id, taken_at=now, volunteer_ids=[])
        session.add(taken)
    else:
        taken.changed_by_id, taken.changed_at = viewer.staff_id, now
    if s.status != SessionStatus.HELD:
        s.status = SessionStatus.HELD
    return first, taken


async def take_register(
    session: AsyncSession, viewer: Viewer, session_id: int, marks: Sequence[rules.Mark], *, now: datetime
) -> Register:
    """Save who was there and who was not (with the reason); raise drop-out signals."""
    register = await open_register(session, viewer, session_id, now)
    if register.closed is not None:
        raise RegisterRefused([Problem("session", register.closed)])
    problems = rules.check_marks(marks, [line.participant_id for line in register.lines])
    helper = register.sight is not Sight.ALL
    if helper:
        problems += rules.check_helper_marks(marks)
    if problems:
        raise RegisterRefused(problems)
    await _record_births(session, viewer, register, marks, now)
    s = register.session
    existing = {
        a.participant_id: a
        for a in await session.scalars(
            select(Attendance).where(Attendance.session_id == s.id, Attendance.participant_id.is_not(None))
        )
        if a.participant_id is not None  # as the query says; for the type checker
    }
    if helper:
        marks = rules.helper_marks(
            marks, {pid: (a.status, a.absence_reason, a.note or "") for pid, a in existing.items()}
        )
    # A member who told us she can't come, left out of the marks: saved as her notice says (excused).
    told = await notices_for(session, s.id)
    given = {m.participant_id for m in marks}
    on_register = {line.participant_id for line in register.lines}
    marks = [
        *marks,
        *(
            rules.Mark(pid, present=False, reason=reason)
            for pid, reason in told.items()
            if pid not in given and pid not in existing and pid in on_register
        ),
    ]
    before = {pid: (a.status, a.absence_reason) for pid, a in existing.items()}
    for mark in marks:
        row = existing.get(mark.participant_id)
        if row is None:
            row = Attendance(session_id=s.id, participant_id=mark.participant_id)
            session.add(row)
        row.status = rules.Presence.PRESENT if mark.present else rules.Presence.ABSENT
        row.absence_reason = None if mark.present else (mark.reason or "no_reason")
        row.note = mark.note.strip() or None
        row.partners = mark.partners if mark.present and register.counts_partners else 0
        row.babies = mark.babies if mark.present and register.counts_babies else 0
        row.recorded_by_id, row.recorded_at = viewer.staff_id, now
    first, _ = await _mark_taken(session, viewer, s, now)
    changed = rules.changed_marks(before, marks)
    record(
        session,
        now,
        Subject(s.programme_id, cohort_id=s.cohort_id),
        "register_taken" if first else "register_changed",
        actor=viewer.staff_id,
        session_id=s.id,
        present=sum(1 for m in marks if m.present),
        absent=sum(1 for m in marks if not m.present),
        changed=changed,
        before={str(pid): list(before[pid]) for pid in changed},
    )
    await record_event(
        session,
        register.programme.organisation_id,
        "attendance.saved",
        {
            "session_id": s.id,
            "cohort_id": s.cohort_id,
            "programme_id": s.programme_id,
            "participant_ids": [m.participant_id for m in marks],
            "present": sum(1 for m in marks if m.present),
            "absent": sum(1 for m in marks if not m.present),
        },
        now,
    )
    # The audit record (who changed whose attendance, when): everyone at the first save, then who changed.
    record_audit(
        session,
        now,
        DataUse("attendance", "register", ("status", "absence_reason", "note")),
        [m.participant_id for m in marks if first or m.participant_id not in before or m.participant_id in changed],
        actor_staff_id=viewer.staff_id,
        organisation_id=register.programme.organisation_id,
    )
    await session.flush()
    raised = await raise_signals(session, register.cohort, [m.participant_id for m in marks], now)
    await session.commit()
    log.info(
        "register taken" if first else "register changed",
        extra={
            "session_id": s.id,
            "by": viewer.staff_id,
            "marks": len(marks),
            "changed": len(changed),
            "signals": raised,
        },
    )
    return await open_register(session, viewer, session_id, now)


async def _record_births(
    session: AsyncSession, viewer: Viewer, register: Register, marks: Sequence[rules.Mark], now: datetime
) -> None:
    """Absent because she gave birth, with her baby's date: recorded as the births use case does
    (the meeting with the babies moves), in the register's own transaction: a refused date
    (field marks[i].birth_date) rolls all of it back."""
    wanted = [(i, m) for i, m in enumerate(marks) if m.birth_date is not None]
    if not wanted:
        return
    if not register.asks_birth_date:
        raise RegisterRefused([Problem(f"marks[{i}].birth_date", Message(NOT_BY_PREGNANCY_WEEK)) for i, _ in wanted])
    group = await group_of(session, register.cohort.id)
    for i, mark in wanted:
        registration_id = await session.scalar(
            select(Registration.id).where(
                Registration.cohort_id == register.cohort.id, Registration.participant_id == mark.participant_id
            )
        )
        if registration_id is None or mark.birth_date is None:
            raise RegisterRefused([Problem(f"marks[{i}].participant_id", Message(rules.NOT_A_MEMBER))])
        try:
            await note_birth(session, group, Birth(registration_id, mark.birth_date), actor=viewer.staff_id, now=now)
        except ScheduleRefused as refused:
            raise RegisterRefused([Problem(f"marks[{i}].birth_date", p.message) for p in refused.problems]) from None
        except CohortNotFound:
            raise RegisterRefused([Problem(f"marks[{i}].participant_id", Message(rules.NOT_A_MEMBER))]) from None


@dataclass(frozen=True)
class HeadCount:
    adults: int
    children: int
    theme: str = ""
    speaker: str = ""
    volunteer_ids: tuple[int, ...] = ()
    #: Registered visitors checked in by name (optional).
    checked_in: tuple[int, ...] = ()


async def record_head_count(
    session: AsyncSession, viewer: Viewer, session_id: int, count: HeadCount, *, now: datetime
) -> Register:
    """A drop-in: how many adults and children came, the theme and speaker, the volunteers."""
    problems = list(rules.check_head_count(count.adults, count.children, count.theme, count.speaker))
    if problems:
        raise RegisterRefused(problems)
    register = await open_register(session, viewer, session_id, now)
    if register.closed is not None:
        raise RegisterRefused([Problem("session", register.closed)])
    problems += rules.check_marks(
        [rules.Mark(pid, present=True) for pid in count.checked_in], [line.participant_id for line in register.lines]
    )
    known_volunteers = {staff_id for staff_id, _, _ in register.volunteers}
    if set(count.volunteer_ids) - known_volunteers:
        problems.append(Problem("volunteer_ids", Message(rules.NOT_A_MEMBER)))
    if problems:
        raise RegisterRefused(problems)
    s = register.session
    head = await session.scalar(
        select(Attendance).where(Attendance.session_id == s.id, Attendance.participant_id.is_(None))
    )
    if head is None:
        head = Attendance(session_id=s.id, participant_id=None, status=rules.Presence.HEAD_COUNT)
        session.add(head)
    head.adults, head.children = count.adults, count.children
    head.recorded_by_id, head.recorded_at = viewer.staff_id, now
    await session.execute(
        delete(Attendance).where(
            Attendance.session_id == s.id,
            Attendance.participant_id.is_not(None),
            Attendance.participant_id.not_in(count.checked_in),
        )
    )
    known = set(
        await session.scalars(
            select(Attendance.participant_id).where(
                Attendance.session_id == s.id, Attendance.participant_id.in_(count.checked_in)
            )
        )
    )
    for pid in set(count.checked_in) - known:
        session.add(
            Attendance(
                session_id=s.id,
                participant_id=pid,
                status=rules.Presence.PRESENT,
                recorded_by_id=viewer.staff_id,
                recorded_at=now,
            )
        )
    first, taken = await _mark_taken(session, viewer, s, now)
    taken.theme, taken.speaker = count.theme.strip(), count.speaker.strip()
    taken.volunteer_ids = sorted(set(count.volunteer_ids))
    record(
        session,
        now,
        Subject(s.programme_id, cohort_id=s.cohort_id),
        "head_count_recorded" if first else "head_count_changed",
        actor=viewer.staff_id,
        session_id=s.id,
        adults=count.adults,
        children=count.children,
        volunteers=len(taken.volunteer_ids),
        checked_in=len(count.checked_in),
    )
    await record_event(
        session,
        register.programme.organisation_id,
        "attendance.saved",
        {
            "session_id": s.id,
            "cohort_id": s.cohort_id,
            "programme_id": s.programme_id,
            "adults": count.adults,
            "children": count.children,
        },
        now,
    )
    if count.checked_in:
        record_audit(
            session,
            now,
            DataUse("attendance", "head_count", ("status",)),
            sorted(set(count.checked_in)),
            actor_staff_id=viewer.staff_id,
            organisation_id=register.programme.organisation_id,
        )
    await session.commit()
    log.info(
        "head count recorded",
        extra={"session_id": s.id, "by": viewer.staff_id, "adults": count.adults, "children": count.children},
    )
    return await open_register(session, viewer, session_id, now)
