"""Open enrolment (Triple P): a group starts for a language and place as soon as
enough people signed up, and the coordinators are told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from groepsaanbod.accounts.models import Role, Staff
from groepsaanbod.cohorts.models import Cohort, CohortStatus
from groepsaanbod.history.services import Subject, record
from groepsaanbod.i18n.languages import BY_CODE
from groepsaanbod.i18n.text import pick
from groepsaanbod.i18n.translations import language_name
from groepsaanbod.messaging.services.queue import MessageContent, Recipient, queue_message
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate
from groepsaanbod.registration.models import Registration
from groepsaanbod.registration.services.recipients import participant_recipient
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.webhooks.services.record import record_event


def cohort_name(place: str, language: str, number: int) -> str:
    parts = [p for p in (place, BY_CODE[language].native_name if language in BY_CODE else language) if p]
    return " – ".join([*parts, str(number)])


@dataclass(frozen=True)
class Newcomer:
    """The sign-up just written as pending that may make a group start: the group is of its
    language and place, and register_participant tells it itself."""

    registration_id: int
    language: str
    place: str


async def start_cohort_when_enough(
    session: AsyncSession,
    *,
    programme: Programme,
    template: ProgrammeTemplate,
    newcomer: Newcomer,
    now: datetime,
    base_url: str,
) -> Cohort | None:
    """Start a group of the newcomer's language and place when enough wait for one; the caller
    holds the programme's lock (see sign_up.register_participant)."""
    language, place = newcomer.language, newcomer.place
    waiting = list(
        await session.scalars(
            select(Registration)
            .options(selectinload(Registration.participant))
            .where(
                Registration.programme_id == programme.id,
                Registration.cohort_id.is_(None),
                Registration.status == RegistrationStatus.PENDING,
                Registration.language == language,
                Registration.place == place,
            )
            .order_by(Registration.id)
            # The caller holds the programme's lock; these rows too, so that a withdrawal that got
            # in first is seen as it is now (a withdrawn person is not placed).
            .with_for_update(key_share=True)
        )
    )
    if len(waiting) < template.min_group_size:
        return None
    number = (
        await session.scalar(select(func.count()).select_from(Cohort).where(Cohort.programme_id == programme.id)) or 0
    ) + 1
    venue = next((v for v in programme.venues if v.city == place), None)
    cohort = Cohort(
        programme_id=programme.id,
        template_id=template.id,
        name=cohort_name(place, language, number),
        language=language,
        place=place,
        venue_id=venue.id if venue else None,
        status=CohortStatus.FORMING,
        accepts_registrations=True,
    )
    session.add(cohort)
    await session.flush()
    for index, registration in enumerate(waiting):
        registration.cohort_id = cohort.id
        if index < template.max_group_size:
            registration.status, registration.confirmed_at = RegistrationStatus.CONFIRMED, now
        else:
            registration.status = RegistrationStatus.WAITLISTED
            registration.waitlist_position = index - template.max_group_size + 1
        await record_event(
            session,
            programme.organisation_id,
            "registration.placed",
            {
                "registration_id": registration.id,
                "cohort_id": cohort.id,
                "programme_id": programme.id,
                "status": registration.status,
            },
            now,
        )
        if registration.id == newcomer.registration_id:
            continue  # told by register_participant itself
        person = registration.participant
        kind = "cohort_confirmed" if registration.status == RegistrationStatus.CONFIRMED else "cohort_waitlisted"
        await queue_message(
            session,
            participant_recipient(person),
            MessageContent(
                kind,
                {
                    "name": person.full_name,
                    "programme": pick(programme.name, person.language),
                    "group": cohort.name,
                    "position": registration.waitlist_position,
                },
            ),
            dedupe_key=f"registration:{registration.id}:{kind}:{cohort.id}",
            organisation_id=programme.organisation_id,
            now=now,
        )
    record(session, now, Subject(programme.id, cohort_id=cohort.id), "cohort_started", members=len(waiting))

    coordinators = await session.scalars(
        select(Staff)
        .where(
            Staff.active.is_(True),
            Staff.id.in_(
                select(Role.staff_id).where(
                    Role.organisation_id == programme.organisation_id, Role.role.in_(("coordinator", "admin"))
                )
            ),
        )
        .order_by(Staff.id)
    )
    for coordinator in coordinators:
        await queue_message(
            session,
            Recipient(coordinator.language, coordinator.email, None),
            MessageContent(
                "cohort_can_start",
                {
                    "name": coordinator.full_name,
                    "programme": pick(programme.name, coordinator.language),
                    "language_name": language_name(language, coordinator.language),
                    "place": place or "-",
                    "group": cohort.name,
                    "count": len(waiting),
                    "link": f"{base_url}/{coordinator.language}/staff/programmes/{programme.id}/registrations",
                },
            ),
            dedupe_key=f"cohort:{cohort.id}:can_start:{coordinator.id}",
            organisation_id=programme.organisation_id,
            now=now,
        )
    return cohort
