"""The sign-up: register_participant, the busiest write of the service.

A region's sign-up day brings thousands of sign-ups a minute, so this path reads the programme
and writes its rows with statements built once (no ORM objects; on PostgreSQL the four new rows
go in one statement, see storage.py). Capacity holds under concurrency: the open cohort's row is
locked (db.begin_writing, FOR NO KEY UPDATE) before its members are counted, and unique indexes keep
one live registration per person and programme. Where no group is open yet, the programme's row is
locked before anything is written (locks are taken programme, then cohort, see db.lock_row).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, literal_column, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.db import begin_writing, is_sqlite, lock_row
from groepsaanbod.history.services import record
from groepsaanbod.i18n.text import pick
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.messaging.services.queue import Recipient, message_row
from groepsaanbod.organisations.models import Venue
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate, programme_venues
from groepsaanbod.registration import errors
from groepsaanbod.registration.eligibility import (
    CleanRegistration,
    ProgrammeFacts,
    RegistrationForm,
    check_registration,
)
from groepsaanbod.registration.models import Registration
from groepsaanbod.registration.services.known_person import known_registrations, tell_known_person
from groepsaanbod.registration.services.registrations import (
    CONSENT_VERSION,
    LATEST_PUBLISHED_VERSION,
    facts_of,
    private_link,
    token_hash,
)
from groepsaanbod.registration.services.storage import SignUpRows, dedupe_key, insert_sign_up

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignUpProgramme:
    """What a sign-up needs of a published programme and its latest template version."""

    id: int
    organisation_id: int
    name: dict[str, str]
    languages: tuple[str, ...]
    cities: tuple[str, ...]
    template_id: int
    formation: str
    schedule: str
    max_group_size: int
    rules: dict[str, Any]

    def facts(self) -> ProgrammeFacts:
        return facts_of(self.formation, self.schedule, self.languages, self.cities, self.rules)


def _word(value: str):
    """A fixed value written into the statement, not sent as a parameter: PostgreSQL's plan of
    the prepared statement can then use the partial indexes made for that value, and there is
    no IN list to expand on every run."""
    return literal_column(f"'{value}'")


#: One row per venue (or one without a venue), built once: its cache key is worked out once too.
_PROGRAMME_ROWS = (
    select(
        Programme.id,
        Programme.organisation_id,
        Programme.name,
        Programme.languages,
        ProgrammeTemplate.id.label("template_id"),
        ProgrammeTemplate.formation,
        ProgrammeTemplate.schedule,
        ProgrammeTemplate.max_group_size,
        ProgrammeTemplate.rules,
        Venue.city,
    )
    .join(ProgrammeTemplate, ProgrammeTemplate.programme_id == Programme.id)
    .outerjoin(programme_venues, programme_venues.c.programme_id == Programme.id)
    .outerjoin(Venue, Venue.id == programme_venues.c.venue_id)
    .where(
        Programme.slug == bindparam("slug"),
        Programme.status == _word("published"),
        ProgrammeTemplate.version == LATEST_PUBLISHED_VERSION,
    )
)


async def sign_up_programme(session: AsyncSession, slug: str) -> SignUpProgramme | None:
    rows = (await (await session.connection()).execute(_PROGRAMME_ROWS, {"slug": slug})).all()
    if not rows:
        return None
    first = rows[0]
    return SignUpProgramme(
        id=first.id,
        organisation_id=first.organisation_id,
        name=first.name,
        languages=tuple(first.languages),
        cities=tuple(sorted({row.city for row in rows if row.city is not None})),
        template_id=first.template_id,
        formation=first.formation,
        schedule=first.schedule,
        max_group_size=first.max_group_size,
        rules=first.rules or {},
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


@dataclass(frozen=True)
class OpenCohort:
    id: int
    name: str


_OPEN_COHORT = (
    select(Cohort.id, Cohort.name)
    .where(
        Cohort.programme_id == bindparam("programme_id"),
        Cohort.accepts_registrations.is_(True),
        Cohort.language == bindparam("language"),
        Cohort.place == bindparam("place"),
        Cohort.status.in_([_word("forming"), _word("confirmed"), _word("running")]),
    )
    .order_by(Cohort.id)
    .limit(literal_column("1"))
)
_OPEN_COHORT_LOCKED = _OPEN_COHORT.with_for_update(key_share=True)  # FOR NO KEY UPDATE: see db.lock_row


async def _lock_open_cohort(session: AsyncSession, programme_id: int, language: str, place: str) -> OpenCohort | None:
    """The cohort new sign-ups of this language and place join, locked until commit."""
    query = _OPEN_COHORT if is_sqlite(session) else _OPEN_COHORT_LOCKED
    connection = await session.connection()
    row = (
        await connection.execute(query, {"programme_id": programme_id, "language": language, "place": place})
    ).first()
    return OpenCohort(row.id, row.name) if row else None


@dataclass(frozen=True)
class Placement:
    #: pending | confirmed | waitlisted
    status: str
    waitlist_position: int | None = None


_CONFIRMED = select(func.count()).where(
    Registration.cohort_id == bindparam("cohort_id"), Registration.status == _word("confirmed")
)
#: One backward step in ix_registrations_cohort_status_position, however long the list. Written
#: as ORDER BY … LIMIT 1, not max(): on sign-up day the table grows faster than its statistics,
#: and with stale ones PostgreSQL read all 1,610 entries of a list for max() (3.5 ms, under the lock).
_LAST_WAITING = (
    select(Registration.waitlist_position)
    .where(
        Registration.cohort_id == bindparam("cohort_id"),
        Registration.status == _word("waitlisted"),
        Registration.waitlist_position.is_not(None),
    )
    .order_by(Registration.waitlist_position.desc())
    .limit(literal_column("1"))
)
_HEAD_COUNT = select(_CONFIRMED.scalar_subquery(), _LAST_WAITING.scalar_subquery())


async def placement_in(session: AsyncSession, cohort_id: int, max_size: int) -> Placement:
    """Confirmed while the cohort has room, else at the end of its waiting line.

    The caller holds the cohort's lock; one query reads both the head count and
    the end of the waiting list.
    """
    connection = await session.connection()
    confirmed, last = (await connection.execute(_HEAD_COUNT, {"cohort_id": cohort_id})).one()
    return Placement("confirmed") if confirmed < max_size else Placement("waitlisted", (last or 0) + 1)


MESSAGE_OF_STATUS = {"confirmed": "registration_confirmed", "waitlisted": "registration_waitlisted"}


@dataclass(frozen=True)
class SignUp:
    """What register_participant knows before it writes: the checked form and its context."""

    clean: CleanRegistration
    programme: SignUpProgramme
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
) -> RegistrationOutcome | None:
    """Sign a person up for a programme, in one transaction: checked, placed, told.

    The consent is recorded with the version of its text and the language it was
    shown in; the private link works for `link_days` (a new one can be sent).
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
        await _tell_known_person(session, programme, known, now, base_url, link_days)
        return None
    token = secrets.token_urlsafe(32)
    sign_up = SignUp(
        clean, programme, now, private_link(base_url, clean.language, token), shown_language or clean.language
    )

    await begin_writing(session)
    cohort, placement = None, Placement("pending")
    if programme.formation == "drop_in":
        placement = Placement("confirmed")
    elif programme.formation == "enrolment":
        cohort = await _lock_open_cohort(session, programme.id, clean.language, clean.place)
        if cohort is None:
            # This sign-up may make a group start: the programme's lock first, before anything that
            # references it is written; then look again, as another sign-up may have started it.
            await lock_row(session, Programme.__table__, programme.id)
            cohort = await _lock_open_cohort(session, programme.id, clean.language, clean.place)
        if cohort is not None:
            placement = await placement_in(session, cohort.id, programme.max_group_size)
    # Known now unless this sign-up may start a new group: then the event and message follow below.
    decided = programme.formation != "enrolment" or cohort is not None
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
        known = await known_registrations(session, programme.id, clean)
        await _tell_known_person(session, programme, known, now, base_url, link_days)
        return None
    if not decided:
        cohort, placement = await _start_group_when_enough(session, sign_up, registration_id, base_url)
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
    else:
        message = rows.message
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
    session: AsyncSession, programme: SignUpProgramme, known, now: datetime, base_url: str, link_days: int
) -> None:
    await tell_known_person(
        session,
        known,
        organisation_id=programme.organisation_id,
        programme_name=programme.name,
        now=now,
        base_url=base_url,
        link_days=link_days,
    )


async def _start_group_when_enough(
    session: AsyncSession, sign_up: SignUp, registration_id: int, base_url: str
) -> tuple[OpenCohort | None, Placement]:
    """No open group of this language and place, and the caller holds the programme's lock: this
    sign-up, just written as pending, may be the one that makes a new group start. Rare (once per
    new group), so the full programme and template are loaded, as the group's start needs them."""
    from groepsaanbod.registration.services.enrolment import start_cohort_when_enough

    programme, clean = sign_up.programme, sign_up.clean
    full = await session.get(Programme, programme.id, options=[selectinload(Programme.venues)])
    template = await session.get(ProgrammeTemplate, programme.template_id)
    started = await start_cohort_when_enough(
        session,
        programme=full,
        template=template,
        language=clean.language,
        place=clean.place,
        now=sign_up.now,
        base_url=base_url,
        current_id=registration_id,
    )
    if started is None:
        return None, Placement("pending")
    current = await session.get(Registration, registration_id)  # placed with the waiting list, already loaded
    return OpenCohort(started.id, started.name), Placement(current.status, current.waitlist_position)
