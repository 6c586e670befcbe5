"""Planning reminders: plan_due_reminders, run by the worker before each delivery round.

Each template's rules say when (reminder_hours, e.g. [48, 2]) and for whom
(remind: participants and/or staff; participants by default). Each participant may have chosen
her own time (one of reminder_choices_hours) and channels (email, SMS, both or none): her
registration keeps the choice, programmes/templates/reminders.py says what it makes. A meeting with individual
times (a phone call) reminds each person, and its staff, of that person's time. A reminder is a
row in `reminders` and a message in the outbox, written together; the reminder's
unique key makes planning it twice impossible.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from groepsaanbod.accounts.models import Staff
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.i18n.text import pick
from groepsaanbod.messaging.services.queue import MessageContent, Recipient, queue_message
from groepsaanbod.organisations.models import Venue
from groepsaanbod.participants.services.absences import absence_link, make_absence_link
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate
from groepsaanbod.programmes.templates.reminders import member_channels, member_hours, reminds_at_all
from groepsaanbod.registration.models import Registration
from groepsaanbod.registration.services.recipients import participant_recipient
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.reminders.models import Reminder
from groepsaanbod.reminders.timing import due_hours
from groepsaanbod.scheduling.models import Appointment, Session, SessionStaff
from groepsaanbod.scheduling.status import SessionStatus

log = logging.getLogger(__name__)
LONGEST = timedelta(hours=24 * 14)


@dataclass(frozen=True)
class Due:
    """One reminder round of a meeting: at `starts_at` (the meeting's, or one person's appointment),
    `hours` before it, to the recipients; `key` makes each reminder's dedupe key."""

    meeting: Session
    starts_at: datetime
    hours: int
    key: str
    recipients: list[tuple[str, int, Recipient, str]]


async def _staff_recipients(session: AsyncSession, s: Session) -> list[tuple[str, int, Recipient, str]]:
    return [
        ("staff", person.id, Recipient(person.language, person.email, None), person.full_name)
        for person in await session.scalars(
            select(Staff).where(Staff.id.in_(select(SessionStaff.staff_id).where(SessionStaff.session_id == s.id)))
        )
    ]


def _member_recipients(registration: Registration) -> list[tuple[str, int, Recipient, str]]:
    """Her, by the channels she chose (templates/reminders.py member_channels); the SMS of "both"
    is a recipient of its own kind, so its reminder has a key of its own."""
    member = registration.participant
    whole = participant_recipient(member)
    # Her reachable addresses: after STOP by SMS, participant_recipient leaves out her phone.
    channels = member_channels(registration.reminder_channels, whole.email, whole.phone)
    recipients = []
    for channel in channels:
        only = replace(whole, phone=None) if channel == "email" else replace(whole, email=None)
        kind = "registration_sms" if channel == "sms" and len(channels) > 1 else "registration"
        recipients.append((kind, registration.id, only, member.full_name))
    return recipients


async def _rounds(
    session: AsyncSession,
    s: Session,
    rules: dict[str, Any],
    members: Select[Registration],
    at: tuple[datetime, datetime],
) -> dict[int, list[tuple[str, int, Recipient, str]]]:
    """Who is due a reminder now, by hours before: the staff by the template's hours, each member
    by her own choice (templates/reminders.py member_hours). `at` is (starts_at, now)."""
    starts_at, moment = at
    whom = rules.get("remind", ["participants"])
    rounds: dict[int, list[tuple[str, int, Recipient, str]]] = {}
    if "participants" in whom:
        for registration in await session.scalars(members.options(selectinload(Registration.participant))):
            mine = member_hours(rules, registration.reminder_channels, registration.reminder_hours)
            for h in due_hours(starts_at, mine, moment):
                rounds.setdefault(h, []).extend(_member_recipients(registration))
    if "staff" in whom:
        for h in due_hours(starts_at, rules.get("reminder_hours", []), moment):
            rounds.setdefault(h, []).extend(await _staff_recipients(session, s))
    return rounds


async def _plan_for_session(session: AsyncSession, s: Session, moment: datetime, base_url: str = "") -> int:
    if await session.scalar(select(Appointment.id).where(Appointment.session_id == s.id).limit(1)) is not None:
        return 0  # a meeting with individual times: each person is reminded of their own (below)
    template = await _template_of(session, s)
    if not reminds_at_all(template.rules):
        return 0
    members = select(Registration).where(
        Registration.cohort_id == s.cohort_id, Registration.status == RegistrationStatus.CONFIRMED
    )
    planned = 0
    for h, recipients in (await _rounds(session, s, template.rules, members, (s.starts_at, moment))).items():
        due = Due(s, s.starts_at, h, f"reminder:{s.id}:{s.sequence}", recipients)
        planned += await _queue(session, due, moment, base_url)
    return planned


async def _plan_for_appointment(session: AsyncSession, slot: Appointment, moment: datetime, base_url: str = "") -> int:
    """An individual time (a phone call): its person, and the meeting's staff, at that time."""
    s = await session.get_one(Session, slot.session_id)
    template = await _template_of(session, s)
    if not reminds_at_all(template.rules):
        return 0
    members = select(Registration).where(
        Registration.id == slot.registration_id, Registration.status == RegistrationStatus.CONFIRMED
    )
    key = f"reminder:appointment:{slot.id}:{slot.sequence}"
    planned = 0
    for h, recipients in (await _rounds(session, s, template.rules, members, (slot.starts_at, moment))).items():
        planned += await _queue(session, Due(s, slot.starts_at, h, key, recipients), moment, base_url)
    return planned


async def _template_of(session: AsyncSession, s: Session) -> ProgrammeTemplate:
    cohort = await session.get_one(Cohort, s.cohort_id)
    return await session.get_one(ProgrammeTemplate, cohort.template_id)


async def _queue(session: AsyncSession, due: Due, moment: datetime, base_url: str = "") -> int:
    s, h = due.meeting, due.hours
    cohort = await session.get_one(Cohort, s.cohort_id)
    programme = await session.get_one(Programme, s.programme_id)
    venue = await session.get(Venue, s.venue_id) if s.venue_id else None
    place = f"{venue.name}, {venue.street}, {venue.postcode} {venue.city}" if venue else ""
    existing = set(await session.scalars(select(Reminder.dedupe_key).where(Reminder.session_id == s.id)))
    planned = 0
    for kind, recipient_id, recipient, name in due.recipients:
        key = f"{due.key}:{h}:{kind}:{recipient_id}"
        if key in existing:
            continue
        # A member's reminder carries her one-meeting "can't come" link (participants/services/absences.py).
        cant_come = (
            absence_link(
                base_url,
                recipient.language,
                await make_absence_link(
                    session, s.id, recipient_id, moment, by_sms=not recipient.email and bool(recipient.phone)
                ),
            )
            if kind == "registration"
            else ""
        )
        message = await queue_message(
            session,
            recipient,
            MessageContent(
                "session_reminder",
                {
                    "name": name,
                    "programme": pick(programme.name, recipient.language),
                    "group": cohort.name,
                    "starts_at": due.starts_at,
                    "timezone": s.timezone,
                    "place": place,
                    "cant_come_link": cant_come,
                },
            ),
            dedupe_key=key,
            now=moment,
            organisation_id=programme.organisation_id,
        )
        if message is None:
            continue
        session.add(
            Reminder(
                dedupe_key=key,
                session_id=s.id,
                recipient_kind=kind,
                recipient_id=recipient_id,
                channel=message.channel,
                language=recipient.language,
                message_key="session_reminder",
                params={"hours": h},
                due_at=due.starts_at - timedelta(hours=h),
                sent_at=None,
            )
        )
        planned += 1
    return planned


async def plan_due_reminders(
    factory: async_sessionmaker[AsyncSession], base_url: str, now: Callable[[], datetime]
) -> int:
    """Queue every reminder that is due now; safe to run from several workers at once."""
    moment = now()
    planned = 0
    async with factory() as session:
        ids = list(
            await session.scalars(
                select(Session.id).where(
                    Session.status == SessionStatus.PLANNED,
                    Session.cohort_id.is_not(None),
                    Session.starts_at > moment,
                    Session.starts_at <= moment + LONGEST,
                )
            )
        )
        # Individual times (phone calls): each person at their own time.
        slots = list(
            await session.scalars(
                select(Appointment.id)
                .join(Session, Session.id == Appointment.session_id)
                .where(
                    Session.status == SessionStatus.PLANNED,
                    Appointment.registration_id.is_not(None),
                    Appointment.starts_at > moment,
                    Appointment.starts_at <= moment + LONGEST,
                )
            )
        )
    for session_id in ids:
        async with factory() as session:
            s = await session.get_one(Session, session_id)
            planned += await _commit_planned(session, _plan_for_session(session, s, moment, base_url))
    for slot_id in slots:
        async with factory() as session:
            slot = await session.get_one(Appointment, slot_id)
            planned += await _commit_planned(session, _plan_for_appointment(session, slot, moment, base_url))
    if planned:
        log.info("reminders planned", extra={"reminders": planned})
    return planned


async def _commit_planned(session: AsyncSession, planning: Coroutine[Any, Any, int]) -> int:
    try:
        count = await planning
        await session.commit()
        return count
    except IntegrityError:
        await session.rollback()  # another worker planned these a moment ago
        return 0
