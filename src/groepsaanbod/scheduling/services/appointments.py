"""Use cases of individual appointments inside a group programme (Triple P's phone weeks,
CenteringPregnancy's intake): offer_slots, withdraw_slot, set_appointment and clear_appointment
for the trainer or a coordinator (the person is told: appointment_notices.py); pick_appointment
and cancel_appointment for the person from their private link; what they show is
appointment_views.py.

A template marks a meeting individual by its kind ("individual" or "phone"), with its length.
Each offered time is a row in `appointments`; taking one is a conditional UPDATE, and every
change to one meeting's times first locks that meeting's row, so of two people choosing the
same time at once exactly one gets it, and nobody ever holds two times of one meeting.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.history.services import Subject, record
from groepsaanbod.i18n.text import N_
from groepsaanbod.registration.models import Registration
from groepsaanbod.registration.services.registrations import PrivateLinks
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.scheduling.errors import ScheduleRefused, SessionNotFound
from groepsaanbod.scheduling.models import Appointment, Session
from groepsaanbod.scheduling.services.appointment_checks import (
    IN_THE_PAST,
    SlotOffer,
    add_times,
    check_offer,
    individual_meeting,
    lock_meeting,
    runnable_meeting,
)
from groepsaanbod.scheduling.services.appointment_notices import FREED, SET, AppointmentNews, tell_appointment
from groepsaanbod.scheduling.services.context import MeetingContext
from groepsaanbod.scheduling.status import SessionStatus

log = logging.getLogger(__name__)

CANCELLED = N_("This meeting is cancelled.")
TAKEN = N_("Someone else has just taken this time. Choose another time.")
UNKNOWN_SLOT = N_("This time is not offered for this meeting. Choose one of the times shown.")
SLOT_TAKEN_WITHDRAW = N_("Someone has this time. Give them another time first.")
NOT_A_MEMBER = N_("This person is not a member of this group.")
NO_APPOINTMENT = N_("There is no time to cancel.")


async def offer_slots(
    session: AsyncSession, viewer: Viewer, session_id: int, offer: SlotOffer, *, now: datetime
) -> int:
    """Offer times for an individual meeting: in the future, within its week (or between the
    group's meetings around it), none overlapping another time of the group. Gives how many."""
    check_offer(offer)
    meeting = await runnable_meeting(session, viewer, session_id)
    s = meeting.meeting
    if s.status == SessionStatus.CANCELLED:
        raise ScheduleRefused.single("session_id", CANCELLED)
    await lock_meeting(session, s)
    step = timedelta(minutes=s.duration_minutes + offer.gap_minutes)
    first = datetime.combine(offer.day, offer.start)
    await add_times(session, meeting, [first + step * i for i in range(offer.count)], now)
    record(
        session,
        now,
        Subject(s.programme_id, cohort_id=s.cohort_id),
        "appointments_offered",
        actor=viewer.staff_id,
        session_id=s.id,
        count=offer.count,
    )
    await session.commit()
    log.info("appointment times offered", extra={"session_id": s.id, "count": offer.count})
    return offer.count


async def withdraw_slot(
    session: AsyncSession, viewer: Viewer, session_id: int, appointment_id: int, *, now: datetime
) -> None:
    """Take back a free time."""
    meeting = await runnable_meeting(session, viewer, session_id)
    s = meeting.meeting
    await lock_meeting(session, s)
    await free_left_times(session, s.id)
    slot = await _slot_of(session, s.id, appointment_id)
    if slot.registration_id is not None:
        raise ScheduleRefused.single("appointment_id", SLOT_TAKEN_WITHDRAW)
    await session.delete(slot)
    record(
        session,
        now,
        Subject(s.programme_id, cohort_id=s.cohort_id),
        "appointment_withdrawn",
        actor=viewer.staff_id,
        session_id=s.id,
        local_start=slot.local_start.isoformat(),
    )
    await session.commit()


async def free_left_times(session: AsyncSession, session_id: int) -> None:
    """Times of this meeting held by someone no longer in the group (they stopped) are free again.
    Run under the meeting's lock, before a time is taken or taken back."""
    stopped = select(Registration.id).where(Registration.status != RegistrationStatus.CONFIRMED)
    await session.execute(
        update(Appointment)
        .where(Appointment.session_id == session_id, Appointment.registration_id.in_(stopped))
        .values(registration_id=None, chosen_by=None, chosen_at=None, sequence=Appointment.sequence + 1)
    )


async def _slot_of(session: AsyncSession, session_id: int, appointment_id: int) -> Appointment:
    slot = await session.get(Appointment, appointment_id, populate_existing=True)
    if slot is None or slot.session_id != session_id:
        raise ScheduleRefused.single("appointment_id", UNKNOWN_SLOT)
    return slot


@dataclass(frozen=True)
class Choice:
    """Who takes which time of a meeting: `by` is "participant" or "staff"."""

    registration: Registration
    appointment_id: int
    by: str
    actor: int | None = None


@dataclass(frozen=True)
class Taken:
    """The time the person has now; `changed` when they did not have it before, and `before` the
    start (UTC) of the earlier time of the meeting they gave up for it."""

    slot: Appointment
    changed: bool
    before: datetime | None = None


async def _take(session: AsyncSession, meeting: MeetingContext, choice: Choice, now: datetime) -> Taken:
    """Give the person this time (their earlier time of the meeting becomes free again). The
    caller commits."""
    s = meeting.meeting
    await lock_meeting(session, s)
    await free_left_times(session, s.id)
    slot = await _slot_of(session, s.id, choice.appointment_id)
    if slot.registration_id == choice.registration.id:
        return Taken(slot, changed=False)
    if slot.starts_at <= now:
        raise ScheduleRefused.single("appointment_id", IN_THE_PAST)
    registration_id = choice.registration.id
    before = await session.scalar(
        select(Appointment.starts_at).where(
            Appointment.session_id == s.id, Appointment.registration_id == registration_id
        )
    )
    await session.execute(
        update(Appointment)
        .where(Appointment.session_id == s.id, Appointment.registration_id == registration_id)
        .values(registration_id=None, chosen_by=None, chosen_at=None, sequence=Appointment.sequence + 1)
    )
    # The condition decides a race where the meeting's lock does not (SQLite's turns, a caller
    # that read the time as free before the lock): only a free time is taken.
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(Appointment)
            .where(Appointment.id == slot.id, Appointment.registration_id.is_(None))
            .values(
                registration_id=registration_id,
                chosen_by=choice.by,
                chosen_at=now,
                sequence=Appointment.sequence + 1,
            )
        ),
    )
    if result.rowcount != 1:
        raise ScheduleRefused.single("appointment_id", TAKEN)
    record(
        session,
        now,
        Subject(s.programme_id, cohort_id=s.cohort_id, registration_id=registration_id),
        "appointment_chosen",
        actor=choice.actor,
        session_id=s.id,
        local_start=slot.local_start.isoformat(),
        by=choice.by,
    )
    log.info("appointment chosen", extra={"session_id": s.id, "appointment_id": slot.id, "by": choice.by})
    return Taken(slot, changed=True, before=before)


async def _release(
    session: AsyncSession, meeting: MeetingContext, registration: Registration, **event: Any
) -> Appointment:
    """Free the person's time of the meeting; gives the time they had. The caller commits."""
    s = meeting.meeting
    slot = await session.scalar(
        select(Appointment).where(Appointment.session_id == s.id, Appointment.registration_id == registration.id)
    )
    if slot is None:
        raise ScheduleRefused.single("session_id", NO_APPOINTMENT)
    await session.execute(
        update(Appointment)
        .where(Appointment.id == slot.id)
        .values(registration_id=None, chosen_by=None, chosen_at=None, sequence=Appointment.sequence + 1)
    )
    record(
        session,
        event.pop("now"),
        Subject(s.programme_id, cohort_id=s.cohort_id, registration_id=registration.id),
        "appointment_cancelled",
        session_id=s.id,
        **event,
    )
    return slot


def _member_of(meeting: MeetingContext, registration: Registration) -> bool:
    return (
        meeting.cohort is not None
        and registration.cohort_id == meeting.cohort.id
        and registration.status == RegistrationStatus.CONFIRMED
    )


async def _own_meeting(session: AsyncSession, registration: Registration, session_id: int) -> MeetingContext:
    """A meeting of the person's own group (any other is not found for them)."""
    s = await session.get(Session, session_id)
    if s is None or registration.cohort_id is None or s.cohort_id != registration.cohort_id:
        raise SessionNotFound()
    meeting = await individual_meeting(session, session_id)
    if not _member_of(meeting, registration):
        raise SessionNotFound()
    if meeting.meeting.status == SessionStatus.CANCELLED:
        raise ScheduleRefused.single("session_id", CANCELLED)
    return meeting


async def pick_appointment(
    session: AsyncSession, registration: Registration, session_id: int, appointment_id: int, *, now: datetime
) -> Appointment:
    """The person chooses (or changes to) a free time of an individual meeting of their group."""
    meeting = await _own_meeting(session, registration, session_id)
    taken = await _take(session, meeting, Choice(registration, appointment_id, "participant"), now)
    return await _done(session, taken.slot)


async def _done(session: AsyncSession, slot: Appointment) -> Appointment:
    await session.commit()
    await session.refresh(slot)
    return slot


async def cancel_appointment(
    session: AsyncSession, registration: Registration, session_id: int, *, now: datetime
) -> None:
    """The person gives their time back; it is free for someone else."""
    meeting = await _own_meeting(session, registration, session_id)
    await lock_meeting(session, meeting.meeting)
    await _release(session, meeting, registration, now=now, by="participant")
    await session.commit()


async def _member(session: AsyncSession, meeting: MeetingContext, registration_id: int) -> Registration:
    registration = await session.get(Registration, registration_id)
    if registration is None or not _member_of(meeting, registration):
        raise ScheduleRefused.single("registration_id", NOT_A_MEMBER)
    return registration


@dataclass(frozen=True)
class StaffChoice:
    """The time the trainer gives a member: one of the offered times, or a new one (wall clock)."""

    registration_id: int
    appointment_id: int | None = None
    local_start: datetime | None = None


async def set_appointment(
    session: AsyncSession, viewer: Viewer, session_id: int, choice: StaffChoice, *, now: datetime, links: PrivateLinks
) -> Appointment:
    """The trainer gives a member a time: one of the free times, or a new one (checked as an offer).
    The member is told, unless they had this time already."""
    meeting = await runnable_meeting(session, viewer, session_id)
    registration = await _member(session, meeting, choice.registration_id)
    appointment_id = choice.appointment_id
    if appointment_id is None:
        if choice.local_start is None:
            raise ScheduleRefused.single("appointment_id", UNKNOWN_SLOT)
        await lock_meeting(session, meeting.meeting)
        await add_times(session, meeting, [choice.local_start], now)
        appointment_id = await session.scalar(
            select(Appointment.id).where(
                Appointment.session_id == session_id, Appointment.local_start == choice.local_start
            )
        )
        assert appointment_id is not None
    taken = await _take(session, meeting, Choice(registration, appointment_id, "staff", viewer.staff_id), now)
    if taken.changed:
        news = AppointmentNews(SET, taken.slot, taken.before)
        await tell_appointment(session, meeting, registration, news, now=now, links=links)
    return await _done(session, taken.slot)


async def clear_appointment(
    session: AsyncSession, viewer: Viewer, session_id: int, registration_id: int, *, now: datetime, links: PrivateLinks
) -> None:
    """The trainer frees a member's time (the time stays offered); the member is told."""
    meeting = await runnable_meeting(session, viewer, session_id)
    registration = await _member(session, meeting, registration_id)
    await lock_meeting(session, meeting.meeting)
    slot = await _release(session, meeting, registration, now=now, by="staff", actor=viewer.staff_id)
    await tell_appointment(session, meeting, registration, AppointmentNews(FREED, slot), now=now, links=links)
    await session.commit()
