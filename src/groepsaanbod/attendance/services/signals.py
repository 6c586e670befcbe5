"""Use cases of drop-out signals: raise_signals (after a register), open_signals (the
dashboard of coordinators, admins and CJG staff, for the organisations where they hold
that role) and handle_signal (clears it, with what was done)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.privileges import SIGNALS
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.attendance import rules
from groepsaanbod.attendance.errors import RegisterRefused, SignalNotFound
from groepsaanbod.attendance.models import Attendance, AttendanceSignal
from groepsaanbod.audit.services import DataUse, record_audit
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.history.services import Subject, record
from groepsaanbod.paging import PageRequest, keyset
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate, SessionSpec
from groepsaanbod.programmes.templates import Formation
from groepsaanbod.registration.models import Participant
from groepsaanbod.scheduling.models import Session
from groepsaanbod.scheduling.status import SessionStatus
from groepsaanbod.webhooks.services.record import organisation_of_programme, record_event

log = logging.getLogger(__name__)


async def raise_signals(session: AsyncSession, cohort: Cohort, participant_ids: Sequence[int], now: datetime) -> int:
    """Check these members' marks in the cohort; add a signal unless the same one is still open."""
    if not participant_ids:
        return 0
    template = await session.get(ProgrammeTemplate, cohort.template_id)
    assert template is not None  # the group's foreign key
    if template.formation == Formation.DROP_IN:
        return 0
    # The programme's meetings (its plan), so a short or shortened group does not lower the bar.
    meetings = await session.scalar(
        select(func.count()).select_from(SessionSpec).where(SessionSpec.template_id == template.id)
    )
    rows = await session.execute(
        select(Attendance.participant_id, Attendance.status, Attendance.absence_reason)
        .join(Session, Session.id == Attendance.session_id)
        .where(
            Session.cohort_id == cohort.id,
            Session.status == SessionStatus.HELD,
            Attendance.participant_id.in_(participant_ids),
        )
        .order_by(Session.starts_at, Session.id)
    )
    # Only the members asked about: no row without a participant.
    marks = rules.marks_in_order((pid, status, reason) for pid, status, reason in rows.all() if pid is not None)
    open_now = {
        (s.participant_id, s.kind)
        for s in await session.scalars(
            select(AttendanceSignal).where(
                AttendanceSignal.cohort_id == cohort.id, AttendanceSignal.handled_at.is_(None)
            )
        )
    }
    raised = 0
    for participant_id, theirs in marks.items():
        for kind in sorted(rules.detect_signals(theirs, meetings or 0, template.completion_threshold)):
            if (participant_id, kind) in open_now:
                continue
            session.add(
                AttendanceSignal(
                    programme_id=cohort.programme_id,
                    cohort_id=cohort.id,
                    participant_id=participant_id,
                    kind=kind,
                    attended=theirs.count(rules.Presence.PRESENT),
                    recorded=len(theirs),
                    raised_at=now,
                    handled_note="",
                )
            )
            raised += 1
            await record_event(
                session,
                await organisation_of_programme(session, cohort.programme_id),
                "signal.raised",
                {
                    "cohort_id": cohort.id,
                    "programme_id": cohort.programme_id,
                    "participant_id": participant_id,
                    "kind": kind,
                },
                now,
            )
    return raised


@dataclass(frozen=True)
class SignalView:
    signal: AttendanceSignal
    person: str
    phone: str | None
    email: str | None
    language: str
    cohort: str
    programme: dict[str, str]


#: What each reading of the signals shows of a person, as the audit record names it.
SIGNALS_PAGE_FIELDS = ("full_name", "language", "email", "phone", "attendance")
SIGNALS_API_FIELDS = ("full_name", "attendance")


async def open_signals(
    session: AsyncSession,
    viewer: Viewer,
    *,
    now: datetime | None = None,
    shown_as: str = "",
    fields: Sequence[str] = SIGNALS_PAGE_FIELDS,
    page: PageRequest | None = None,
) -> list[SignalView]:
    """The open signals of the viewer's organisations. Given `now`, the reading of these people's
    data is written to the audit record (as `shown_as`, naming `fields`), as for registrations.
    Given a `page` (the API), one page by signal id plus one row (paging.page_of), of which only
    the page's rows are recorded as read."""
    orgs = viewer.organisations_with(SIGNALS.roles)
    statement = (
        select(AttendanceSignal, Participant, Cohort.name, Programme.name)
        .join(Participant, Participant.id == AttendanceSignal.participant_id)
        .join(Cohort, Cohort.id == AttendanceSignal.cohort_id)
        .join(Programme, Programme.id == AttendanceSignal.programme_id)
        .where(Programme.organisation_id.in_(orgs), AttendanceSignal.handled_at.is_(None))
    )
    rows = await session.execute(
        keyset(statement, AttendanceSignal.id, page)
        if page is not None
        else statement.order_by(AttendanceSignal.raised_at.desc(), AttendanceSignal.id)
    )
    found = [
        SignalView(signal, p.full_name, p.phone, p.email, p.language, cohort_name, dict(programme_name))
        for signal, p, cohort_name, programme_name in rows.all()
    ]
    shown = found[: page.size] if page is not None else found
    if now is not None and shown:
        await _record_reading(session, viewer, shown, now, shown_as=shown_as or "signals", fields=fields)
    return found


async def _record_reading(
    session: AsyncSession,
    viewer: Viewer,
    found: list[SignalView],
    now: datetime,
    *,
    shown_as: str,
    fields: Sequence[str],
) -> None:
    """One read event per person shown, under the organisation that runs their programme."""
    programme_ids = {v.signal.programme_id for v in found}
    rows = await session.execute(select(Programme.id, Programme.organisation_id).where(Programme.id.in_(programme_ids)))
    organisation_of = {programme_id: organisation_id for programme_id, organisation_id in rows.all()}
    people: dict[int, set[int]] = {}
    for v in found:
        people.setdefault(organisation_of[v.signal.programme_id], set()).add(v.signal.participant_id)
    for organisation_id, participant_ids in sorted(people.items()):
        record_audit(
            session,
            now,
            DataUse("read", shown_as, fields),
            sorted(participant_ids),
            actor_staff_id=viewer.staff_id,
            organisation_id=organisation_id,
        )
    await session.commit()


async def handle_signal(session: AsyncSession, viewer: Viewer, signal_id: int, note: str, *, now: datetime) -> None:
    problem = rules.check_note("note", note)
    if problem is not None:
        raise RegisterRefused([problem])
    signal = await session.get(AttendanceSignal, signal_id)
    programme = await session.get(Programme, signal.programme_id) if signal else None
    if signal is None or programme is None or programme.organisation_id not in viewer.organisations_with(SIGNALS.roles):
        raise SignalNotFound()
    if signal.handled_at is None:
        signal.handled_at, signal.handled_by_id, signal.handled_note = now, viewer.staff_id, note.strip()
        record(
            session,
            now,
            Subject(signal.programme_id, cohort_id=signal.cohort_id),
            "signal_handled",
            actor=viewer.staff_id,
            signal_id=signal.id,
            kind=signal.kind,
        )
    await session.commit()
    log.info("signal handled", extra={"signal_id": signal_id, "by": viewer.staff_id})
