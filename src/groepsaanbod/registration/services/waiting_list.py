"""The waiting list of a group: its free places are offered to the front of it, each held for the
template's offer time (offer_free_places). Offers are answered or passed on in offers.py."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.history.services import Subject, record
from groepsaanbod.i18n.text import pick
from groepsaanbod.messaging.services.queue import MessageContent, queue_message
from groepsaanbod.programmes.models import ProgrammeTemplate
from groepsaanbod.registration.models import Registration
from groepsaanbod.registration.services.recipients import participant_recipient
from groepsaanbod.registration.status import RegistrationStatus

#: How long an offer is held when the template does not say (rules.offer_hours).
DEFAULT_OFFER_HOURS = 48
#: Places count as taken by these (an open offer holds its place).
HOLDING = (RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED)


def offer_hours(template: ProgrammeTemplate) -> int:
    return int((template.rules or {}).get("offer_hours", DEFAULT_OFFER_HOURS))


async def held_places(session: AsyncSession, cohort_id: int) -> int:
    return (
        await session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(Registration.cohort_id == cohort_id, Registration.status.in_(HOLDING))
        )
        or 0
    )


async def tell(
    session: AsyncSession, registration: Registration, content: MessageContent, *, now: datetime, key: object
) -> None:
    person = registration.participant
    await queue_message(
        session,
        participant_recipient(person),
        MessageContent(content.kind, {"name": person.full_name, **content.context}),
        dedupe_key=f"registration:{registration.id}:{content.kind}:{key}",
        now=now,
    )


async def offer_free_places(
    session: AsyncSession, cohort: Cohort, *, template: ProgrammeTemplate, now: datetime, programme_name: dict[str, str]
) -> list[Registration]:
    """Offer the cohort's free places to the front of its waiting list, each held for the
    template's offer time; those behind move up. The caller holds the programme's and the
    cohort's locks."""
    offered: list[Registration] = []
    until = now + timedelta(hours=offer_hours(template))
    while await held_places(session, cohort.id) < template.max_group_size:
        first = await session.scalar(
            select(Registration)
            .options(selectinload(Registration.participant))
            .where(Registration.cohort_id == cohort.id, Registration.status == RegistrationStatus.WAITLISTED)
            .order_by(Registration.waitlist_position)
            .limit(1)
        )
        if first is None:
            break
        first.status, first.waitlist_position, first.offered_until = RegistrationStatus.OFFERED, None, until
        await session.flush()
        await session.execute(
            update(Registration)
            .where(Registration.cohort_id == cohort.id, Registration.status == RegistrationStatus.WAITLISTED)
            .values(waitlist_position=Registration.waitlist_position - 1)
        )
        await tell(
            session,
            first,
            MessageContent(
                "place_offered",
                {
                    "programme": pick(programme_name, first.participant.language),
                    "group": cohort.name,
                    "until": until,
                },
            ),
            now=now,
            key=f"{cohort.id}:{until.isoformat()}",
        )
        record(
            session,
            now,
            Subject(cohort.programme_id, registration_id=first.id, cohort_id=cohort.id),
            "place_offered",
            until=until.isoformat(),
        )
        offered.append(first)
    return offered
