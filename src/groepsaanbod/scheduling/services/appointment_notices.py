"""Telling a person that the trainer (or a coordinator) gave them a time of an individual meeting,
changed it or freed it: tell_appointment, in the language they chose, with the time written out
and a further private link. Not for their own picks: they saw it happen.

Only hashes of private links are stored, so the link they have cannot be sent again: the message
carries a further one (as the "signed up already" message does), and the one they have keeps
working. Queued in the caller's transaction: a refused change sends nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.i18n.text import pick
from groepsaanbod.messaging.services.queue import MessageContent, queue_message
from groepsaanbod.registration.models import Participant, Registration, RegistrationLink
from groepsaanbod.registration.services.recipients import participant_recipient
from groepsaanbod.registration.services.registrations import PrivateLinks, token_hash
from groepsaanbod.scheduling.models import Appointment
from groepsaanbod.scheduling.services.context import MeetingContext

#: The message kinds (templates/messages/<kind>.*).
SET = "appointment_set"
FREED = "appointment_freed"


@dataclass(frozen=True)
class AppointmentNews:
    """What changed: `slot` is the person's time now (SET) or the time taken from them (FREED);
    `before` the start (UTC) of their earlier time, when SET moved them from one."""

    kind: str
    slot: Appointment
    before: datetime | None = None


async def tell_appointment(
    session: AsyncSession,
    meeting: MeetingContext,
    registration: Registration,
    news: AppointmentNews,
    *,
    now: datetime,
    links: PrivateLinks,
) -> None:
    """Queue the message to the person's email (else phone), with a further private link."""
    person = await session.get_one(Participant, registration.participant_id)
    token = secrets.token_urlsafe(32)
    hashed = token_hash(token)
    s, programme = meeting.meeting, meeting.programme
    message = await queue_message(
        session,
        participant_recipient(person),
        MessageContent(
            news.kind,
            {
                "name": person.full_name,
                "programme": pick(programme.name, person.language),
                "group": meeting.cohort.name if meeting.cohort else "",
                "starts_at": news.slot.starts_at,
                "before": news.before,
                "timezone": s.timezone,
                "link": links.to(person.language, token),
            },
        ),
        dedupe_key=f"appointment:{news.slot.id}:{news.kind}:{hashed[:16]}",
        organisation_id=programme.organisation_id,
        now=now,
    )
    if message is not None:
        session.add(
            RegistrationLink(
                registration_id=registration.id, token_hash=hashed, created_at=now, expires_at=links.expires(now)
            )
        )
