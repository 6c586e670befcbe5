"""Use cases of participants: find_registration, withdraw_registration, end_registration (the
sign-up itself, register_participant, is in sign_up.py).

Capacity holds under concurrency: every change of a programme's places first takes
the locks of the rows that decide the race (db.begin_writing, db.lock_row; programme, then
cohort), then counts and places; a unique index keeps one live registration per person and
programme.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.db import begin_writing, lock_row
from groepsaanbod.history.services import Subject, record
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.programmes.errors import ProgrammeNotFound
from groepsaanbod.programmes.models import Programme, ProgrammeStatus, ProgrammeTemplate
from groepsaanbod.programmes.pregnancy_weeks import latest_join_week
from groepsaanbod.programmes.templates import Formation, Schedule
from groepsaanbod.registration import errors
from groepsaanbod.registration.eligibility import ProgrammeFacts
from groepsaanbod.registration.models import Registration, RegistrationLink
from groepsaanbod.registration.services.waiting_list import offer_free_places
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.settings import Settings
from groepsaanbod.webhooks.services.record import record_event

log = logging.getLogger(__name__)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def private_link(base_url: str, language: str, token: str) -> str:
    return f"{base_url}/{language}/my/{token}"


@dataclass(frozen=True)
class PrivateLinks:
    """How new private links are made: the service's address, and the days a new link works."""

    base_url: str
    days: int

    @classmethod
    def of(cls, settings: Settings) -> PrivateLinks:
        return cls(settings.base_url, settings.participant_link_days)

    def to(self, language: str, token: str) -> str:
        return private_link(self.base_url, language, token)

    def expires(self, now: datetime) -> datetime:
        return now + timedelta(days=self.days)


#: The programme's latest published template version (a subquery correlated with programmes).
LATEST_PUBLISHED_VERSION = (
    select(func.max(ProgrammeTemplate.version))
    .where(ProgrammeTemplate.programme_id == Programme.id, ProgrammeTemplate.published_at.is_not(None))
    .correlate(Programme)
    .scalar_subquery()
)


class PublishedProgramme(NamedTuple):
    programme: Programme
    #: Its latest published template version.
    template: ProgrammeTemplate


async def published_programme(session: AsyncSession, slug: str) -> PublishedProgramme:
    """The programme with its venues, and its published template version, in one query (the
    sign-up form reads it; the sign-up itself reads less, see sign_up_reads.sign_up_programme).
    ProgrammeNotFound when no published programme has this address."""
    row = (
        (
            await session.execute(
                select(Programme, ProgrammeTemplate)
                .join(ProgrammeTemplate, ProgrammeTemplate.programme_id == Programme.id)
                .options(joinedload(Programme.venues))
                .where(
                    Programme.slug == slug,
                    Programme.status == ProgrammeStatus.PUBLISHED,
                    ProgrammeTemplate.version == LATEST_PUBLISHED_VERSION,
                )
            )
        )
        .unique()
        .first()
    )
    if row is None:
        raise ProgrammeNotFound()
    return PublishedProgramme(row[0], row[1])


@dataclass(frozen=True)
class SignUpForm:
    """What the sign-up page shows: the published programme, its organisation, what it asks."""

    programme: Programme
    organisation: Organisation
    facts: ProgrammeFacts


async def sign_up_form(session: AsyncSession, slug: str) -> SignUpForm:
    programme, template = await published_programme(session, slug)
    organisation = await session.get_one(Organisation, programme.organisation_id)
    return SignUpForm(programme, organisation, programme_facts(programme, template))


def programme_facts(programme: Programme, template: ProgrammeTemplate) -> ProgrammeFacts:
    cities = tuple(sorted({v.city for v in programme.venues}))
    return facts_of(
        template.formation, template.schedule, languages=tuple(programme.languages), cities=cities, rules=template.rules
    )


def facts_of(
    formation: str, schedule: str, *, languages: tuple[str, ...], cities: tuple[str, ...], rules: dict[str, Any]
) -> ProgrammeFacts:
    ages = rules.get("child_age_months")
    return ProgrammeFacts(
        formation=formation,
        languages=languages,
        places=cities,
        asks_due_date=formation == Formation.DUE_DATE or schedule == Schedule.PREGNANCY_WEEK,
        child_age_months=tuple(ages) if ages else None,
        latest_join_week=latest_join_week(rules),
    )


async def confirmed_count(session: AsyncSession, cohort_id: int) -> int:
    return (
        await session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(Registration.cohort_id == cohort_id, Registration.status == RegistrationStatus.CONFIRMED)
        )
        or 0
    )


#: The version of the consent text on the sign-up form; change it when that text changes.
CONSENT_VERSION = "2026-11"


async def find_registration(session: AsyncSession, token: str, now: datetime | None = None) -> Registration:
    """The registration behind a private link (its own, or a further one sent when someone signed
    up again), also after the person stopped (they keep their rights to their data); unknown,
    revoked (erased) or (given `now`) expired links find nothing."""
    hashed = token_hash(token)
    own = Registration.access_token_hash == hashed
    further = select(RegistrationLink.registration_id).where(RegistrationLink.token_hash == hashed)
    if now is not None:
        own = own & (Registration.access_expires_at.is_(None) | (Registration.access_expires_at > now))
        further = further.where(RegistrationLink.expires_at > now)
    registration = await session.scalar(
        select(Registration)
        .options(
            selectinload(Registration.participant), selectinload(Registration.programme).selectinload(Programme.venues)
        )
        .where(own | Registration.id.in_(further), Registration.access_revoked_at.is_(None))
        .execution_options(populate_existing=True)
    )
    if registration is None:
        raise errors.RegistrationNotFound()
    return registration


async def end_registration(session: AsyncSession, registration_id: int, now: datetime) -> Registration | None:
    """Withdraw one registration: the place is offered to the first on the waiting list and those
    behind it move up (waiting_list.offer_free_places). The caller has begun writing (db.begin_writing) and commits.
    None when it had already ended (stopping twice changes nothing)."""
    programme_id = await session.scalar(select(Registration.programme_id).where(Registration.id == registration_id))
    if programme_id is None:
        return None
    # Locks in the one order (db.lock_row): the programme, under which groups start and
    # coordinators move people, so the registration read next stays as it is; then its cohort,
    # against sign-ups counting the same places and waiting list.
    await lock_row(session, Programme.__table__, programme_id)
    registration = await session.scalar(  # as it is now that we hold the lock
        select(Registration)
        .options(selectinload(Registration.programme))
        .where(Registration.id == registration_id)
        .execution_options(populate_existing=True)
    )
    if registration is None or registration.status == RegistrationStatus.WITHDRAWN:
        return None
    if registration.cohort_id is not None:
        await lock_row(session, Cohort.__table__, registration.cohort_id)
    was, cohort_id, position = registration.status, registration.cohort_id, registration.waitlist_position
    registration.status, registration.withdrawn_at = RegistrationStatus.WITHDRAWN, now
    registration.waitlist_position, registration.offered_until = None, None
    await session.flush()
    if cohort_id is not None and was == RegistrationStatus.WAITLISTED and position is not None:
        await session.execute(
            update(Registration)
            .where(
                Registration.cohort_id == cohort_id,
                Registration.status == RegistrationStatus.WAITLISTED,
                Registration.waitlist_position > position,
            )
            .values(waitlist_position=Registration.waitlist_position - 1)
        )
    if cohort_id is not None and was in (RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED):
        cohort = await session.get_one(Cohort, cohort_id)
        template = await session.get_one(ProgrammeTemplate, cohort.template_id)
        # Offered, not placed: the group may be under way, and nobody is put in one without being asked.
        await offer_free_places(session, cohort, template=template, now=now, programme_name=registration.programme.name)
    record(
        session,
        now,
        Subject(registration.programme_id, registration_id=registration.id, cohort_id=cohort_id),
        "withdrawn",
        was=was,
    )
    await record_event(
        session,
        registration.programme.organisation_id,
        "registration.withdrawn",
        {
            "registration_id": registration.id,
            "programme_id": registration.programme_id,
            "cohort_id": cohort_id,
            "status": registration.status,
            "was": was,
        },
        now,
    )
    log.info("registration withdrawn", extra={"registration_id": registration.id})
    return registration


def link_after_stopping(now: datetime, retention_months: int) -> datetime:
    """How long a stopped person's link works: at least until retention erases their data
    (months counted as 31 days), which revokes the link itself."""
    return now + timedelta(days=31 * retention_months + 1)


async def withdraw_registration(
    session: AsyncSession, token: str, now: datetime, link_until: datetime | None = None
) -> Registration:
    """Stop: the place goes to the first on the waiting list. The private link keeps working
    (to see, download and erase one's data) until `link_until`, when the data is erased by
    retention; stopping twice changes nothing."""
    await begin_writing(session)
    registration = await find_registration(session, token, now)
    ended = await end_registration(session, registration.id, now)
    if (
        ended is not None
        and link_until is not None
        and (registration.access_expires_at is None or registration.access_expires_at < link_until)
    ):
        registration.access_expires_at = link_until
    await session.commit()
    await session.refresh(registration, ["participant"])  # the answer is in the language she reads
    return registration
