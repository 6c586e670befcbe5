"""What individual appointments show: appointment_board (the trainer's page of one meeting),
own_appointments (the person's own page), appointment_times (reminders, feeds and registers
follow the times of a meeting that has them)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.programmes.models import SessionSpec
from groepsaanbod.registration.models import Registration
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.scheduling.models import Appointment, Session
from groepsaanbod.scheduling.services.appointment_checks import INDIVIDUAL_KINDS, runnable_meeting
from groepsaanbod.scheduling.services.context import MeetingContext
from groepsaanbod.scheduling.status import SessionStatus


@dataclass(frozen=True)
class BoardLine:
    registration_id: int
    name: str
    appointment: Appointment | None


@dataclass(frozen=True)
class Board:
    """An individual meeting as its trainer sees it: the times and who has each, and every member."""

    meeting: MeetingContext
    slots: list[Appointment]
    #: registration id -> name, for the times that are taken
    names: dict[int, str]
    members: list[BoardLine]


async def appointment_board(session: AsyncSession, viewer: Viewer, session_id: int) -> Board:
    meeting = await runnable_meeting(session, viewer, session_id)
    slots = list(
        await session.scalars(
            select(Appointment).where(Appointment.session_id == session_id).order_by(Appointment.local_start)
        )
    )
    assert meeting.cohort is not None
    registrations = list(
        await session.scalars(
            select(Registration)
            .options(selectinload(Registration.participant))
            .where(Registration.cohort_id == meeting.cohort.id, Registration.status == RegistrationStatus.CONFIRMED)
        )
    )
    names = {r.id: r.participant.full_name for r in registrations}
    held = {a.registration_id: a for a in slots if a.registration_id is not None}
    members = sorted(
        (BoardLine(r.id, names[r.id], held.get(r.id)) for r in registrations),
        key=lambda line: (line.appointment is None, line.appointment.local_start if line.appointment else 0, line.name),
    )
    return Board(meeting, slots, names, members)


@dataclass(frozen=True)
class OwnAppointment:
    """An individual meeting of the person's group that has times: theirs, and the free ones."""

    meeting: Session
    mine: Appointment | None
    free: list[Appointment]


async def own_appointments(session: AsyncSession, registration: Registration, now: datetime) -> list[OwnAppointment]:
    """For the person's own page: each individual meeting of their group with offered times."""
    if registration.cohort_id is None or registration.status != RegistrationStatus.CONFIRMED:
        return []
    rows = list(
        await session.execute(
            select(Session, Appointment, Registration.status)
            .join(Appointment, Appointment.session_id == Session.id)
            .outerjoin(Registration, Registration.id == Appointment.registration_id)
            .where(Session.cohort_id == registration.cohort_id, Session.status != SessionStatus.CANCELLED)
            .order_by(Session.starts_at, Appointment.local_start)
        )
    )
    found: dict[int, OwnAppointment] = {}
    for meeting, slot, holder in rows:
        entry = found.setdefault(meeting.id, OwnAppointment(meeting, None, []))
        if slot.registration_id == registration.id:
            found[meeting.id] = entry = OwnAppointment(meeting, slot, entry.free)
        elif holder != RegistrationStatus.CONFIRMED and slot.starts_at > now:
            entry.free.append(slot)  # free, or held by someone who stopped (freed when taken)
    return list(found.values())


async def appointment_times(session: AsyncSession, session_ids: Iterable[int]) -> dict[int, list[Appointment]]:
    """The times offered per meeting (taken or free), for reminders, feeds and registers:
    a meeting with times follows them instead of its own. A time held by someone who stopped is
    left out (it is free again for the others, see appointments.free_left_times)."""
    ids = list(session_ids)
    times: dict[int, list[Appointment]] = {}
    if not ids:
        return times
    for slot in await session.scalars(
        select(Appointment)
        .outerjoin(Registration, Registration.id == Appointment.registration_id)
        .where(
            Appointment.session_id.in_(ids),
            or_(Appointment.registration_id.is_(None), Registration.status == RegistrationStatus.CONFIRMED),
        )
        .order_by(Appointment.local_start)
    ):
        times.setdefault(slot.session_id, []).append(slot)
    return times


async def individual_meetings(session: AsyncSession, session_ids: Iterable[int]) -> set[int]:
    """Which of these meetings are individual (a phone call, an intake): their pages link to the times."""
    ids = list(session_ids)
    if not ids:
        return set()
    return set(
        await session.scalars(
            select(Session.id)
            .join(SessionSpec, SessionSpec.id == Session.spec_id)
            .where(Session.id.in_(ids), SessionSpec.kind.in_(INDIVIDUAL_KINDS))
        )
    )
