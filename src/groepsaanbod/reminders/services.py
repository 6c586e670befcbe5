"""Planning reminders: plan_due_reminders, run by the worker before each delivery round.

Each template's rules say when (reminder_hours, e.g. [48, 2]) and for whom
(remind: participants and/or staff; participants by default). A reminder is a
row in `reminders` and a message in the outbox, written together; the reminder's
unique key makes planning it twice impossible.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from groepsaanbod.accounts.models import Staff
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.i18n.text import pick
from groepsaanbod.messaging.services.queue import MessageContent, Recipient, queue_message
from groepsaanbod.organisations.models import Venue
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate
from groepsaanbod.registration.models import Registration
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.reminders.models import Reminder
from groepsaanbod.reminders.timing import due_hours
from groepsaanbod.scheduling.models import Session, SessionStaff
from groepsaanbod.scheduling.status import SessionStatus

log = logging.getLogger(__name__)
LONGEST = timedelta(hours=24 * 14)


async def _plan_for_session(session: AsyncSession, s: Session, moment: datetime) -> int:
    cohort = await session.get_one(Cohort, s.cohort_id)
    template = await session.get_one(ProgrammeTemplate, cohort.template_id)
    hours = due_hours(s.starts_at, template.rules.get("reminder_hours", []), moment)
    if not hours:
        return 0
    h = hours[0]
    programme = await session.get_one(Programme, s.programme_id)
    venue = await session.get(Venue, s.venue_id) if s.venue_id else None
    place = f"{venue.name}, {venue.street}, {venue.postcode} {venue.city}" if venue else ""
    existing = set(await session.scalars(select(Reminder.dedupe_key).where(Reminder.session_id == s.id)))
    planned = 0
    whom = template.rules.get("remind", ["participants"])
    recipients: list[tuple[str, int, Recipient, str]] = []
    if "participants" in whom:
        for registration in await session.scalars(
            select(Registration)
            .options(selectinload(Registration.participant))
            .where(Registration.cohort_id == cohort.id, Registration.status == RegistrationStatus.CONFIRMED)
        ):
            member = registration.participant
            recipients.append(
                (
                    "registration",
                    registration.id,
                    Recipient(registration.language, member.email, member.phone),
                    member.full_name,
                )
            )
    if "staff" in whom:
        for person in await session.scalars(
            select(Staff).where(Staff.id.in_(select(SessionStaff.staff_id).where(SessionStaff.session_id == s.id)))
        ):
            recipients.append(("staff", person.id, Recipient(person.language, person.email, None), person.full_name))
    for kind, recipient_id, recipient, name in recipients:
        key = f"reminder:{s.id}:{s.sequence}:{h}:{kind}:{recipient_id}"
        if key in existing:
            continue
        message = await queue_message(
            session,
            recipient,
            MessageContent(
                "session_reminder",
                {
                    "name": name,
                    "programme": pick(programme.name, recipient.language),
                    "group": cohort.name,
                    "starts_at": s.starts_at,
                    "timezone": s.timezone,
                    "place": place,
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
                due_at=s.starts_at - timedelta(hours=h),
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
    for session_id in ids:
        async with factory() as session:
            s = await session.get_one(Session, session_id)
            try:
                count = await _plan_for_session(session, s, moment)
                await session.commit()
                planned += count
            except IntegrityError:
                await session.rollback()  # another worker planned these a moment ago
    if planned:
        log.info("reminders planned", extra={"reminders": planned})
    return planned
