"""Use cases of participants: register_participant, find_registration, withdraw_registration.

Capacity holds under concurrency: every registration of a programme first takes
the lock of the row that decides the race (db.begin_writing, db.lock_row), then counts
and places; a unique index keeps one live registration per person and programme.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from groepsaanbod.db import begin_writing, is_sqlite, lock_row
from groepsaanbod.i18n.text import pick
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.messaging.services import Recipient, message_row, queue_message
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate
from groepsaanbod.registration import errors
from groepsaanbod.registration.eligibility import (
    CleanRegistration,
    ProgrammeFacts,
    RegistrationForm,
    check_registration,
)
from groepsaanbod.registration.models import Registration, RegistrationEvent
from groepsaanbod.registration.storage import SignUpRows, dedupe_key, insert_sign_up
from groepsaanbod.scheduling.models import Cohort

log = logging.getLogger(__name__)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def private_link(base_url: str, language: str, token: str) -> str:
    return f"{base_url}/{language}/my/{token}"


async def load_published_programme(session: AsyncSession, slug: str) -> tuple[Programme, ProgrammeTemplate] | None:
    """The programme with its venues, and its published template version, in one query
    (the registration path reads it on every sign-up)."""
    latest = (
        select(func.max(ProgrammeTemplate.version))
        .where(ProgrammeTemplate.programme_id == Programme.id, ProgrammeTemplate.published_at.is_not(None))
        .correlate(Programme)
        .scalar_subquery()
    )
    row = (
        (
            await session.execute(
                select(Programme, ProgrammeTemplate)
                .join(ProgrammeTemplate, ProgrammeTemplate.programme_id == Programme.id)
                .options(joinedload(Programme.venues))
                .where(Programme.slug == slug, Programme.status == "published", ProgrammeTemplate.version == latest)
            )
        )
        .unique()
        .first()
    )
    return (row[0], row[1]) if row else None


def programme_facts(programme: Programme, template: ProgrammeTemplate) -> ProgrammeFacts:
    ages = template.rules.get("child_age_months")
    return ProgrammeFacts(
        formation=template.formation,
        languages=tuple(programme.languages),
        places=tuple(sorted({v.city for v in programme.venues})),
        asks_due_date=template.formation == "due_date" or template.schedule == "pregnancy_week",
        child_age_months=tuple(ages) if ages else None,
    )


@dataclass(frozen=True)
class RegistrationOutcome:
    registration_id: int
    #: pending | confirmed | waitlisted
    status: str
    waitlist_position: int | None
    cohort_name: str | None
    #: The private link's secret, shown once; only its hash is stored.
    token: str
    link: str


def record(
    session: AsyncSession,
    now: datetime,
    programme_id: int,
    action: str,
    *,
    cohort_id: int | None = None,
    registration_id: int | None = None,
    actor: int | None = None,
    **details: Any,
) -> None:
    session.add(
        RegistrationEvent(
            programme_id=programme_id,
            cohort_id=cohort_id,
            registration_id=registration_id,
            actor_staff_id=actor,
            action=action,
            details=details,
            at=now,
        )
    )


async def confirmed_count(session: AsyncSession, cohort_id: int) -> int:
    return (
        await session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(Registration.cohort_id == cohort_id, Registration.status == "confirmed")
        )
        or 0
    )


@dataclass(frozen=True)
class OpenCohort:
    id: int
    name: str


async def _lock_open_cohort(session: AsyncSession, programme_id: int, language: str, place: str) -> OpenCohort | None:
    """The cohort new sign-ups of this language and place join, locked until commit."""
    query = (
        select(Cohort.id, Cohort.name)
        .where(
            Cohort.programme_id == programme_id,
            Cohort.accepts_registrations.is_(True),
            Cohort.language == language,
            Cohort.place == place,
            Cohort.status.in_(("forming", "confirmed", "running")),
        )
        .order_by(Cohort.id)
        .limit(1)
    )
    row = (await session.execute(query if is_sqlite(session) else query.with_for_update())).first()
    return OpenCohort(row.id, row.name) if row else None


@dataclass(frozen=True)
class Placement:
    #: pending | confirmed | waitlisted
    status: str
    waitlist_position: int | None = None


async def placement_in(session: AsyncSession, cohort_id: int, max_size: int) -> Placement:
    """Confirmed while the cohort has room, else at the end of its waiting line.

    The caller holds the cohort's lock; one query reads both the head count and
    the end of the waiting list.
    """
    confirmed, last = (
        await session.execute(
            select(
                func.count().filter(Registration.status == "confirmed"),
                func.max(Registration.waitlist_position).filter(Registration.status == "waitlisted"),
            ).where(Registration.cohort_id == cohort_id)
        )
    ).one()
    return Placement("confirmed") if confirmed < max_size else Placement("waitlisted", (last or 0) + 1)


#: The version of the consent text on the sign-up form; change it when that text changes.
CONSENT_VERSION = "2026-11"

MESSAGE_OF_STATUS = {"confirmed": "registration_confirmed", "waitlisted": "registration_waitlisted"}


@dataclass(frozen=True)
class SignUp:
    """What register_participant knows before it writes: the checked form and its context."""

    clean: CleanRegistration
    programme: Programme
    now: datetime
    link: str
    shown_language: str


def _sign_up_rows(sign_up: SignUp, token: str, link_days: int, cohort: OpenCohort | None, placement: Placement):
    clean, now = sign_up.clean, sign_up.now
    stamp = datetime.now(UTC)  # created_at and updated_at, as the models' defaults write them
    participant = {
        "full_name": clean.full_name,
        "email": clean.email,
        "phone": clean.phone,
        "language": clean.language,
        "postcode": clean.postcode,
        "due_date": clean.due_date,
        "child_birth_date": clean.child_birth_date,
        "created_at": stamp,
        "updated_at": stamp,
    }
    registration = {
        "programme_id": sign_up.programme.id,
        "cohort_id": cohort.id if cohort else None,
        "status": placement.status,
        "waitlist_position": placement.waitlist_position,
        "language": clean.language,
        "place": clean.place,
        "contact_email": clean.email,
        "contact_phone": clean.phone,
        "consented_at": now,
        "consent_version": CONSENT_VERSION,
        "consent_language": sign_up.shown_language,
        "confirmed_at": now if placement.status == "confirmed" else None,
        "preferences": {"part_of_day": clean.part_of_day},
        "access_token_hash": token_hash(token),
        "access_expires_at": now + timedelta(days=link_days),
        "created_at": stamp,
        "updated_at": stamp,
    }
    return participant, registration


def _registered_event(sign_up: SignUp, cohort: OpenCohort | None, placement: Placement) -> dict[str, Any]:
    return {
        "programme_id": sign_up.programme.id,
        "cohort_id": cohort.id if cohort else None,
        "action": "registered",
        "details": {"status": placement.status},
        "at": sign_up.now,
    }


def _told_message(sign_up: SignUp, cohort: OpenCohort | None, placement: Placement) -> dict[str, Any] | None:
    """The outbox row that tells the person how the sign-up went (its dedupe key comes with the id)."""
    clean = sign_up.clean
    row = message_row(
        Recipient(clean.language, clean.email, clean.phone),
        MESSAGE_OF_STATUS.get(placement.status, "registration_received"),
        {
            "name": clean.full_name,
            "programme": pick(sign_up.programme.name, clean.language),
            "group": cohort.name if cohort else "",
            "position": placement.waitlist_position,
            "link": sign_up.link,
        },
        dedupe_key="",
        organisation_id=sign_up.programme.organisation_id,
        now=sign_up.now,
    )
    if row is not None:
        del row["dedupe_key"]
    return row


async def register_participant(
    session: AsyncSession,
    slug: str,
    form: RegistrationForm,
    now: datetime,
    base_url: str,
    link_days: int = 365,
    shown_language: str | None = None,
) -> RegistrationOutcome:
    """Sign a person up for a programme, in one transaction: checked, placed, told.

    The consent is recorded with the version of its text and the language it was
    shown in; the private link works for `link_days` (a new one can be sent)."""
    loaded = await load_published_programme(session, slug)
    if loaded is None:
        raise errors.RegistrationRefused.single("programme", errors.PROGRAMME_CLOSED)
    programme, template = loaded
    clean, problems = check_registration(form, programme_facts(programme, template), now.date())
    if clean is None:
        raise errors.RegistrationRefused(problems)
    token = secrets.token_urlsafe(32)
    sign_up = SignUp(
        clean, programme, now, private_link(base_url, clean.language, token), shown_language or clean.language
    )

    await begin_writing(session)
    cohort, placement = None, Placement("pending")
    if template.formation == "drop_in":
        placement = Placement("confirmed")
    elif template.formation == "enrolment":
        cohort = await _lock_open_cohort(session, programme.id, clean.language, clean.place)
        if cohort is not None:
            placement = await placement_in(session, cohort.id, template.max_group_size)
    # Known now unless this sign-up may start a new group: then the event and message follow below.
    decided = template.formation != "enrolment" or cohort is not None
    participant, registration = _sign_up_rows(sign_up, token, link_days, cohort, placement)
    rows = SignUpRows(
        participant,
        registration,
        event=_registered_event(sign_up, cohort, placement) if decided else None,
        message=_told_message(sign_up, cohort, placement) if decided else None,
    )
    try:
        registration_id = await insert_sign_up(session, rows)
    except IntegrityError:
        # The same person a moment ago, in another request: the unique indexes say so.
        await session.rollback()
        raise errors.AlreadyRegistered.single("email" if clean.email else "phone", errors.ALREADY_REGISTERED) from None
    if not decided:
        cohort, placement = await _place_when_group_can_start(session, sign_up, template, registration_id, base_url)
        record(
            session,
            now,
            programme.id,
            "registered",
            registration_id=registration_id,
            cohort_id=cohort.id if cohort else None,
            status=placement.status,
        )
        message = _told_message(sign_up, cohort, placement)
        if message is not None:
            session.add(OutboxMessage(dedupe_key=dedupe_key(registration_id, message["kind"]), **message))
    await session.commit()
    log.info(
        "participant registered",
        extra={"registration_id": registration_id, "status": placement.status, "told": rows.message is not None},
    )
    return RegistrationOutcome(
        registration_id,
        placement.status,
        placement.waitlist_position,
        cohort.name if cohort else None,
        token,
        sign_up.link,
    )


async def _place_when_group_can_start(
    session: AsyncSession, sign_up: SignUp, template: ProgrammeTemplate, registration_id: int, base_url: str
) -> tuple[OpenCohort | None, Placement]:
    """No open group of this language and place: one may have opened meanwhile, or this sign-up
    may be the one that makes a new group start. Starting a group counts the waiting
    registrations, so it happens one at a time per programme (the programme's lock)."""
    programme, clean = sign_up.programme, sign_up.clean
    await lock_row(session, Programme.__table__, programme.id)
    cohort = await _lock_open_cohort(session, programme.id, clean.language, clean.place)
    if cohort is not None:
        placement = await placement_in(session, cohort.id, template.max_group_size)
        await session.execute(
            update(Registration.__table__)
            .where(Registration.__table__.c.id == registration_id)
            .values(
                cohort_id=cohort.id,
                status=placement.status,
                waitlist_position=placement.waitlist_position,
                confirmed_at=sign_up.now if placement.status == "confirmed" else None,
            )
        )
        return cohort, placement
    from groepsaanbod.registration.enrolment import start_cohort_when_enough

    started = await start_cohort_when_enough(
        session, programme, template, clean.language, clean.place, sign_up.now, base_url, current_id=registration_id
    )
    if started is None:
        return None, Placement("pending")
    current = await session.get(Registration, registration_id)  # placed with the waiting list, already loaded
    return OpenCohort(started.id, started.name), Placement(current.status, current.waitlist_position)


async def find_registration(session: AsyncSession, token: str, now: datetime | None = None) -> Registration:
    """The registration behind a private link; unknown, withdrawn, revoked or (given
    `now`) expired links find nothing."""
    registration = await session.scalar(
        select(Registration)
        .options(
            selectinload(Registration.participant), selectinload(Registration.programme).selectinload(Programme.venues)
        )
        .where(Registration.access_token_hash == token_hash(token), Registration.access_revoked_at.is_(None))
        .execution_options(populate_existing=True)
    )
    if registration is None:
        raise errors.RegistrationNotFound()
    if now is not None and registration.access_expires_at is not None and registration.access_expires_at <= now:
        raise errors.RegistrationNotFound()
    return registration


async def promote_from_waitlist(
    session: AsyncSession, cohort: Cohort, max_size: int, now: datetime, programme_name: dict[str, str]
) -> list[Registration]:
    """Fill free places from the front of the waiting list; the rest move up."""
    promoted: list[Registration] = []
    while await confirmed_count(session, cohort.id) < max_size:
        first = await session.scalar(
            select(Registration)
            .options(selectinload(Registration.participant))
            .where(Registration.cohort_id == cohort.id, Registration.status == "waitlisted")
            .order_by(Registration.waitlist_position)
            .limit(1)
        )
        if first is None:
            break
        first.status, first.waitlist_position, first.confirmed_at = "confirmed", None, now
        await session.flush()
        await session.execute(
            update(Registration)
            .where(Registration.cohort_id == cohort.id, Registration.status == "waitlisted")
            .values(waitlist_position=Registration.waitlist_position - 1)
        )
        person = first.participant
        await queue_message(
            session,
            Recipient(first.language, person.email, person.phone),
            "waitlist_promoted",
            {"name": person.full_name, "programme": pick(programme_name, first.language), "group": cohort.name},
            dedupe_key=f"registration:{first.id}:promoted:{cohort.id}",
            now=now,
        )
        record(session, now, cohort.programme_id, "promoted", registration_id=first.id, cohort_id=cohort.id)
        promoted.append(first)
    return promoted


async def withdraw_registration(session: AsyncSession, token: str, now: datetime) -> Registration:
    """Stop: the place goes to the first on the waiting list; the private link stops working."""
    await begin_writing(session)
    registration = await find_registration(session, token, now)
    programme_id = registration.programme_id
    if registration.cohort_id is not None:
        await lock_row(session, Cohort.__table__, registration.cohort_id)
    else:
        await lock_row(session, Programme.__table__, programme_id)
    registration = await find_registration(session, token)  # as it is now that we hold the lock
    was, cohort_id, position = registration.status, registration.cohort_id, registration.waitlist_position
    registration.status, registration.withdrawn_at = "withdrawn", now
    registration.waitlist_position = None
    registration.access_revoked_at = now
    await session.flush()
    if cohort_id is not None and was == "waitlisted" and position is not None:
        await session.execute(
            update(Registration)
            .where(
                Registration.cohort_id == cohort_id,
                Registration.status == "waitlisted",
                Registration.waitlist_position > position,
            )
            .values(waitlist_position=Registration.waitlist_position - 1)
        )
    if cohort_id is not None and was == "confirmed":
        cohort = await session.get(Cohort, cohort_id)
        template = await session.get(ProgrammeTemplate, cohort.template_id)
        await promote_from_waitlist(session, cohort, template.max_group_size, now, registration.programme.name)
    record(session, now, programme_id, "withdrawn", registration_id=registration.id, cohort_id=cohort_id, was=was)
    await session.commit()
    log.info("registration withdrawn", extra={"registration_id": registration.id})
    return registration
