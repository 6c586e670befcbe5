"""Use case receive_marks: the register taken on a phone without signal, sent later in batches.

Each mark comes with its own id and the moment it was made. A mark already received (the same
batch sent twice, or by 50 retries at once) changes nothing: the meeting's row is locked while a
batch is read and written, and the ids are inserted "on conflict do nothing". Of two marks of
the same person, the one made later wins, whatever order they arrive in; both are kept
(attendance_marks), written to the history with their values, and to the audit record.
The same people may send marks as may take the register (registers.open_register).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.privileges import Sight
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.attendance import mark_rules, rules
from groepsaanbod.attendance.errors import RegisterRefused
from groepsaanbod.attendance.mark_rules import SentMark
from groepsaanbod.attendance.models import Attendance, AttendanceMark
from groepsaanbod.attendance.services.registers import _mark_taken, open_register
from groepsaanbod.attendance.services.signals import raise_signals
from groepsaanbod.audit.services import DataUse, record_audit
from groepsaanbod.db import is_sqlite, take_write_lock
from groepsaanbod.history.services import Subject, record
from groepsaanbod.refusals import Problem
from groepsaanbod.scheduling.models import Session
from groepsaanbod.webhooks.services.record import record_event

log = logging.getLogger(__name__)

APPLIED, OUTDATED = "applied", "outdated"


@dataclass
class MarksReceived:
    """What became of each mark of a batch, by id."""

    applied: list[str] = field(default_factory=list)
    #: Received now, but a mark of the same person made later was recorded already.
    outdated: list[str] = field(default_factory=list)
    #: Received before (sent again): nothing changed.
    known: list[str] = field(default_factory=list)


async def receive_marks(
    session: AsyncSession, viewer: Viewer, session_id: int, marks: Sequence[SentMark], *, now: datetime
) -> MarksReceived:
    register = await open_register(session, viewer, session_id, now)
    if register.closed is not None:
        raise RegisterRefused([Problem("session", register.closed)])
    helper = register.sight is not Sight.ALL
    problems = mark_rules.check_sent_marks(
        marks,
        session_id=session_id,
        members=[line.participant_id for line in register.lines],
        drop_in=register.drop_in,
        helper=helper,
        now=now,
    )
    if problems:
        raise RegisterRefused(problems)
    # One batch of this meeting at a time: the ids known and the marks recorded are read after the lock.
    await take_write_lock(session, Session.__table__, session_id)
    unique = {mark_rules.mark_id(m.id) or m.id: m for m in marks}
    fresh = await _insert_new(session, viewer, session_id, unique, now)
    outcome = MarksReceived(known=sorted(set(unique) - set(fresh)))
    if not fresh:
        await session.commit()  # nothing new: a replay changes nothing
        return outcome
    existing = {
        a.participant_id: a
        for a in await session.scalars(select(Attendance).where(Attendance.session_id == session_id))
    }
    recorded = await session.scalars(select(AttendanceMark).where(AttendanceMark.id.in_(fresh)))
    rows = {row.id: row for row in recorded}
    # A visitor checked out of a drop-in has no row left: the moment of her latest mark stands in.
    latest = dict(
        (
            await session.execute(
                select(AttendanceMark.participant_id, func.max(AttendanceMark.marked_at))
                .where(
                    AttendanceMark.session_id == session_id,
                    AttendanceMark.outcome == APPLIED,
                    AttendanceMark.id.not_in(fresh),
                )
                .group_by(AttendanceMark.participant_id)
            )
        ).all()
    )
    for mark in mark_rules.in_order(unique[i] for i in fresh):
        key = mark_rules.mark_id(mark.id) or mark.id
        pid = mark.participant_id
        row = existing.get(pid)
        if not mark_rules.wins(mark.marked_at, row.recorded_at if row else latest.get(pid)):
            rows[key].outcome = OUTDATED
            outcome.outdated.append(key)
            continue
        latest[pid] = mark.marked_at
        outcome.applied.append(key)
        if register.drop_in and mark.value == mark_rules.ABSENT:
            if row is not None:  # checked out again: a drop-in keeps only who came
                await session.delete(row)
                del existing[pid]
            continue
        if row is None:
            row = Attendance(session_id=session_id, participant_id=pid)
            session.add(row)
            existing[pid] = row
        _apply(row, mark, helper)
        row.recorded_by_id, row.recorded_at = viewer.staff_id, mark.marked_at
    await _keep_record(session, viewer, register, [rows[i] for i in fresh], now)
    await session.flush()
    people = sorted({pid for i in outcome.applied if (pid := rows[i].participant_id) is not None})
    raised = 0 if register.drop_in else await raise_signals(session, register.cohort, people, now)
    await session.commit()
    log.info(
        "register marks received",
        extra={
            "session_id": session_id,
            "by": viewer.staff_id,
            "applied": len(outcome.applied),
            "outdated": len(outcome.outdated),
            "known": len(outcome.known),
            "signals": raised,
        },
    )
    return outcome


async def _insert_new(
    session: AsyncSession, viewer: Viewer, session_id: int, marks: dict[str, SentMark], now: datetime
) -> list[str]:
    """Insert the marks not received before; their ids. An id known already (also of another
    meeting) is left alone."""
    values = [
        {
            "id": key,
            "session_id": session_id,
            "participant_id": m.participant_id if m.value != mark_rules.HEAD_COUNT else None,
            "value": m.value,
            "reason": (m.reason or "no_reason") if m.value == mark_rules.ABSENT else None,
            "adults": m.adults if m.value == mark_rules.HEAD_COUNT else 0,
            "children": m.children if m.value == mark_rules.HEAD_COUNT else 0,
            "marked_at": m.marked_at,
            "marked_by_id": viewer.staff_id,
            "received_at": now,
            "outcome": APPLIED,
        }
        for key, m in marks.items()
    ]
    dialect = sqlite if is_sqlite(session) else postgresql
    statement = (dialect.insert(AttendanceMark).values(values).on_conflict_do_nothing(index_elements=["id"])).returning(
        AttendanceMark.id
    )
    inserted = set((await session.scalars(statement)).all())
    return [key for key in marks if key in inserted]


def _apply(row: Attendance, mark: SentMark, helper: bool) -> None:
    """The mark on the person's line (or the head count). A helper's absent keeps the reason others
    gave; a note stays; partners and babies count only for someone present."""
    if mark.value == mark_rules.HEAD_COUNT:
        row.status = rules.Presence.HEAD_COUNT
        row.adults, row.children = mark.adults, mark.children
        return
    present = mark.value == mark_rules.PRESENT
    before = row.status, row.absence_reason
    row.status = rules.Presence.PRESENT if present else rules.Presence.ABSENT
    if present:
        row.absence_reason = None
    elif helper:
        row.absence_reason = before[1] if before[0] == rules.Presence.ABSENT and before[1] else "no_reason"
    else:
        row.absence_reason = mark.reason or "no_reason"
    if not present:
        row.partners = row.babies = 0


async def _keep_record(
    session: AsyncSession, viewer: Viewer, register, marks: list[AttendanceMark], now: datetime
) -> None:
    """The history (each mark with its value and moment, applied or outdated), the audit record (one
    event per person per mark), the webhook event, and that the register was taken."""
    s = register.session
    first, _ = await _mark_taken(session, viewer, s, now)
    record(
        session,
        now,
        Subject(s.programme_id, cohort_id=s.cohort_id),
        "register_marks_received",
        actor=viewer.staff_id,
        session_id=s.id,
        first=first,
        marks=[
            {
                "id": m.id,
                "participant_id": m.participant_id,
                "value": m.value,
                "reason": m.reason,
                "adults": m.adults,
                "children": m.children,
                "marked_at": m.marked_at.isoformat(),
                "outcome": m.outcome,
            }
            for m in marks
        ],
    )
    organisation = register.programme.organisation_id
    for outcome, subject in ((APPLIED, "register_marks"), (OUTDATED, "register_marks_outdated")):
        people = [m.participant_id for m in marks if m.outcome == outcome and m.participant_id is not None]
        if people:
            record_audit(
                session,
                now,
                DataUse("attendance", subject, ("status", "absence_reason")),
                people,
                actor_staff_id=viewer.staff_id,
                organisation_id=organisation,
            )
    applied = [m for m in marks if m.outcome == APPLIED]
    if applied:
        await record_event(
            session,
            organisation,
            "attendance.saved",
            {
                "session_id": s.id,
                "cohort_id": s.cohort_id,
                "programme_id": s.programme_id,
                "participant_ids": sorted({m.participant_id for m in applied if m.participant_id is not None}),
                "present": sum(1 for m in applied if m.value == mark_rules.PRESENT),
                "absent": sum(1 for m in applied if m.value == mark_rules.ABSENT),
            },
            now,
        )
