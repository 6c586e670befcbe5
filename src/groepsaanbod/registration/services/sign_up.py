"""The sign-up: register_participant, the busiest write of the service.

A region's sign-up day brings thousands of sign-ups a minute, so this path reads the programme
and writes its rows with statements built once (no ORM objects; sign_up_reads.py reads, and on
PostgreSQL the four new rows go in one statement, see storage.py). Capacity holds under
concurrency: the open cohort's row is locked (db.begin_writing, FOR NO KEY UPDATE) before its
members are counted, and unique indexes keep one live registration per person and programme.
Where no group is open yet, the programme's row is locked before anything is written (locks are
taken programme, then cohort, see db.lock_row).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from groepsaanbod.db import begin_writing, lock_row
from groepsaanbod.history.services import Subject, record
from groepsaanbod.i18n.text import pick
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.messaging.services.queue import MessageContent, Recipient, message_row
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate
from groepsaanbod.programmes.templates import Formation
from groepsaanbod.registration import errors
from groepsaanbod.registration.eligibility import CleanRegistration, RegistrationForm, check_registration
from groepsaanbod.registration.models import Registration
from groepsaanbod.registration.services.enrolment import Newcomer, start_cohort_when_enough
from groepsaanbod.registration.services.known_person import known_registrations, tell_known_person
from groepsaanbod.registration.services.registrations import CONSENT_VERSION, PrivateLinks, token_hash
from groepsaanbod.registration.services.sign_up_reads import (
    OpenCohort,
    Placement,
    SignUpProgramme,
    lock_open_cohort,
    placement_in,
    sign_up_programme,
)
from groepsaanbod.registration.services.storage import SignUpRows, dedupe_key, insert_sign_up
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.webhooks.services.record import record_event

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RegistrationOutcome:
    registration_id: int
    status: RegistrationStatus
    waitlist_position: int | None
    cohort_name: str | None
    #: The private link's secret, shown once; only its hash is stored.
    token: str
    link: str


MESSAGE_OF_STATUS = {
    RegistrationStatus.CONFIRMED: "registration_confirmed",
    RegistrationStatus.WAITLISTED: "registration_waitlisted",
}


@dataclass(frozen=True)
class SignUp:
    """What register_participant knows before it writes: the checked form and its context."""

    clean: CleanRegistration
    programme: SignUpProgramme
    now: datetime
    link: str
    shown_language: str
    #: The language she reads (her messages, links, pages, calendar files): clean.reads_language,
    #: else her group's, clean.language (spoken in the room).
    reads_language: str
    #: The staff member who signed her up on her behalf (registration/services/on_behalf.py), or None.
    actor: int | None = None


def _sign_up_rows(
    sign_up: SignUp, token: str, links: PrivateLinks, cohort: OpenCohort | None, placement: Placement
) -> tuple[dict[str, Any], dict[str, Any]]:
    clean, now = sign_up.clean, sign_up.now
    stamp = datetime.now(UTC)  # created_at and updated_at, as the models' defaults write them
    participant = {
        "full_name": clean.full_name,
        "email": clean.email,
        "phone": clean.phone,
        "language": sign_up.reads_language,
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
        "confirmed_at": now if placement.status == RegistrationStatus.CONFIRMED else None,
        "preferences": {"part_of_day": clean.part_of_day},
        "support": clean.support,
        "access_token_hash": token_hash(token),
        "access_expires_at": links.expires(now),
        "created_at": stamp,
        "updated_at": stamp,
    }
    return participant, registration


def _registered_event(sign_up: SignUp, cohort: OpenCohort | None, placement: Placement) -> dict[str, Any]:
    return {
        "programme_id": sign_up.programme.id,
        "cohort_id": cohort.id if cohort else None,
        "action": "registered",
        "actor_staff_id": sign_up.actor,
        "details": {"status": placement.status},
        "at": sign_up.now,
    }


def _told_message(sign_up: SignUp, cohort: OpenCohort | None, placement: Placement) -> dict[str, Any] | None:
    """The outbox row that tells the person how the sign-up went (its dedupe key comes with the id)."""
    clean, reads = sign_up.clean, sign_up.reads_language
    row = message_row(
        # participant_recipient's receiver, before her row exists: her id is filled in as it is written.
        Recipient(reads, clean.email, clean.phone),
        MessageContent(
            MESSAGE_OF_STATUS.get(placement.status, "registration_received"),
            {
                "name": clean.full_name,
                "programme": pick(sign_up.programme.name, reads),
                "group": cohort.name if cohort else "",
                "position": placement.waitlist_position,
                "link": sign_up.link,
            },
        ),
        dedupe_key="",
        organisation_id=sign_up.programme.organisation_id,
        now=sign_up.now,
    )
    if row is not None:
        del row["dedupe_key"], row["participant_id"]
    return row


async def register_participant(
    session: AsyncSession,
    slug: str,
    form: RegistrationForm,
    *,
    now: datetime,
    links: PrivateLinks,
    shown_language: str | None = None,
    reads_language: str | None = None,
    actor: int | None = None,
) -> RegistrationOutcome | None:
    """Sign a person up for a programme, in one transaction: checked, placed, told.

    The consent is recorded with the version of its text and the language it was
    shown in. She reads `form.reads_language` (the page's language, or the API's field or request
    language), else her group's (`form.language`): her messages and private link are in it;
    `reads_language` (assisted sign-up) overrides the form's. `actor` is the staff member who signed her
    up on her behalf, recorded in the history. The private link works
    for `links.days` (a new one can be sent).
    None when the person was signed up already: they are told by message instead."""
    programme = await sign_up_programme(session, slug)
    if programme is None:
        raise errors.RegistrationRefused.single("programme", errors.PROGRAMME_CLOSED)
    clean, problems = check_registration(form, programme.facts(), now.date())
    if clean is None:
        raise errors.RegistrationRefused(problems)
    known = await known_registrations(session, programme.id, clean)
    if known:
        # Signed up already: the person on record is told by message; the caller answers as for
        # anyone (known_person.py). Asked first, so both paths do about the same work.
        await _tell_known_person(session, programme, known, now, links)
        return None
    token = secrets.token_urlsafe(32)
    reads = reads_language or clean.reads_language or clean.language
    sign_up = SignUp(clean, programme, now, links.to(reads, token), shown_language or clean.language, reads, actor)

    await begin_writing(session)
    cohort, placement = None, Placement(RegistrationStatus.PENDING)
    if programme.formation == Formation.DROP_IN:
        placement = Placement(RegistrationStatus.CONFIRMED)
    elif programme.formation == Formation.ENROLMENT:
        cohort = await lock_open_cohort(session, programme.id, clean.language, clean.place)
        if cohort is None:
            # This sign-up may make a group start: the programme's lock first, before anything that
            # references it is written; then look again, as another sign-up may have started it.
            await lock_row(session, Programme.__table__, programme.id)
            cohort = await lock_open_cohort(session, programme.id, clean.language, clean.place)
        if cohort is not None:
            placement = await placement_in(session, cohort.id, programme.max_group_size)
    # Known now unless this sign-up may start a new group: then the event and message follow below.
    decided = programme.formation != Formation.ENROLMENT or cohort is not None
    participant, registration = _sign_up_rows(sign_up, token, links, cohort, placement)
    rows = SignUpRows(
        participant,
        registration,
        event=_registered_event(sign_up, cohort, placement) if decided else None,
        message=_told_message(sign_up, cohort, placement) if decided else None,
    )
    try:
        ids = await insert_sign_up(session, rows)
    except IntegrityError:
        # The same person a moment ago, in another request: the unique indexes say so.
        await session.rollback()
        known = await known_registrations(session, programme.id, clean)
        await _tell_known_person(session, programme, known, now, links)
        return None
    registration_id = ids.registration_id
    if not decided:
        cohort, placement = await _start_group_when_enough(session, sign_up, registration_id, links.base_url)
        record(
            session,
            now,
            Subject(programme.id, registration_id=registration_id, cohort_id=cohort.id if cohort else None),
            "registered",
            actor=sign_up.actor,
            status=placement.status,
        )
        message = _told_message(sign_up, cohort, placement)
        if message is not None:
            key = dedupe_key(registration_id, message["kind"])
            session.add(OutboxMessage(dedupe_key=key, participant_id=ids.participant_id, **message))
    else:
        message = rows.message
    await record_event(
        session,
        programme.organisation_id,
        "registration.received",
        {
            "registration_id": registration_id,
            "programme_id": programme.id,
            "cohort_id": cohort.id if cohort else None,
            "status": placement.status,
            "language": clean.language,
            "place": clean.place,
            "due_date": clean.due_date,
        },
        now,
    )
    await session.commit()
    log.info(
        "participant registered",
        extra={"registration_id": registration_id, "status": placement.status, "told": message is not None},
    )
    return RegistrationOutcome(
        registration_id,
        placement.status,
        placement.waitlist_position,
        cohort.name if cohort else None,
        token,
        sign_up.link,
    )


async def _tell_known_person(
    session: AsyncSession, programme: SignUpProgramme, known: Sequence[Any], now: datetime, links: PrivateLinks
) -> None:
    await tell_known_person(
        session,
        known,
        organisation_id=programme.organisation_id,
        programme_name=programme.name,
        now=now,
        links=links,
    )


async def _start_group_when_enough(
    session: AsyncSession, sign_up: SignUp, registration_id: int, base_url: str
) -> tuple[OpenCohort | None, Placement]:
    """No open group of this language and place, and the caller holds the programme's lock: this
    sign-up, just written as pending, may be the one that makes a new group start. Rare (once per
    new group), so the full programme and template are loaded, as the group's start needs them."""
    programme, clean = sign_up.programme, sign_up.clean
    full = await session.get_one(Programme, programme.id, options=[selectinload(Programme.venues)])
    template = await session.get_one(ProgrammeTemplate, programme.template_id)
    started = await start_cohort_when_enough(
        session,
        programme=full,
        template=template,
        newcomer=Newcomer(registration_id, clean.language, clean.place),
        now=sign_up.now,
        base_url=base_url,
    )
    if started is None:
        return None, Placement(RegistrationStatus.PENDING)
    current = await session.get_one(Registration, registration_id)  # placed with the waiting list, already loaded
    return OpenCohort(started.id, started.name), Placement(
        RegistrationStatus(current.status), current.waitlist_position
    )
