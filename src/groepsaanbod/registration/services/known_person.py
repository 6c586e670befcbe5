"""A sign-up from someone who is signed up already: known_registrations, tell_known_person.

The public answer to a sign-up is the same whether or not the person is known, so nobody can
learn from it whether someone is, say, in pregnancy care (a registration oracle). The person on
record is told instead: a message to the contact on record (never to an address typed in this
request), in the language they read, with their name as they gave it then and a further
private link. The link they have keeps working, so a stranger who types their address cannot
stop it. At most a few such messages per contact per hour (then the same answer, and no
message), so the sign-up form cannot flood anyone's inbox.

The time of the answer should not tell either: both paths ask the same question first (one
indexed read), then write in one transaction with one commit; no slow step on one path only.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Table, bindparam, delete, func, insert, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.i18n.text import pick
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.messaging.services.queue import MessageContent, Recipient, message_row
from groepsaanbod.protection.rate_limits import Limit, counted_within
from groepsaanbod.registration.eligibility import CleanRegistration
from groepsaanbod.registration.models import Participant, Registration, RegistrationLink
from groepsaanbod.registration.services.registrations import PrivateLinks, token_hash
from groepsaanbod.registration.status import RegistrationStatus

log = logging.getLogger(__name__)

#: Messages "you are signed up already" per contact per hour.
ALREADY_REGISTERED_MESSAGES = 3
ALREADY_REGISTERED_LIMIT = Limit("already-registered", ALREADY_REGISTERED_MESSAGES, timedelta(hours=1))
#: Further links a registration keeps (the newest; its own link stays). The worker prunes the rest.
FURTHER_LINKS = 5

#: The tables written without the ORM's unit of work (typed as tables, which the models' __table__ is).
_LINKS = cast(Table, RegistrationLink.__table__)
_OUTBOX = cast(Table, OutboxMessage.__table__)

#: Built once (every sign-up runs it): the live registrations with this email or phone, with what
#: the message to them needs. The partial unique indexes on (programme_id, contact_email) and
#: (programme_id, contact_phone) answer it.
_KNOWN = (
    select(
        Registration.id,
        Registration.language,
        Registration.contact_email,
        Registration.contact_phone,
        Participant.full_name,
        Participant.id.label("participant_id"),
        Participant.language.label("reads_language"),
    )
    .join(Participant, Participant.id == Registration.participant_id)
    .where(
        Registration.programme_id == bindparam("programme_id"),
        Registration.status != literal_column(f"'{RegistrationStatus.WITHDRAWN}'"),
        Registration.access_revoked_at.is_(None),
        or_(Registration.contact_email == bindparam("email"), Registration.contact_phone == bindparam("phone")),
    )
    .order_by(Registration.id)
)


async def known_registrations(session: AsyncSession, programme_id: int, clean: CleanRegistration) -> Sequence[Any]:
    """This person's live registrations for the programme (by email or phone); empty when new."""
    connection = await session.connection()
    parameters = {"programme_id": programme_id, "email": clean.email, "phone": clean.phone}
    return (await connection.execute(_KNOWN, parameters)).all()


async def tell_known_person(
    session: AsyncSession,
    known: Sequence[Any],
    *,
    organisation_id: int,
    programme_name: dict[str, str],
    now: datetime,
    links: PrivateLinks,
) -> int:
    """Tell each registration in `known` that they are signed up already, with a further link, in
    one transaction; the number told (the caller does not show it)."""
    told = 0
    for registration in known:
        contact = registration.contact_email or registration.contact_phone or ""
        # Counted in this transaction: one commit in all, as the sign-up of a new person has.
        if not await counted_within(session, ALREADY_REGISTERED_LIMIT, contact, now):
            log.info("signed up again: not told again this hour", extra={"registration_id": registration.id})
            continue
        token = secrets.token_urlsafe(32)
        hashed = token_hash(token)
        reads = registration.reads_language  # she reads it; registration.language is her group's
        message = message_row(
            # To the contact on record (never to one typed in this request), in the language she reads.
            Recipient(reads, registration.contact_email, registration.contact_phone, registration.participant_id),
            MessageContent(
                "registration_already",
                {
                    "name": registration.full_name,
                    "programme": pick(programme_name, reads),
                    "link": links.to(reads, token),
                },
            ),
            dedupe_key=f"registration:{registration.id}:already:{hashed[:16]}",
            now=now,
            organisation_id=organisation_id,
        )
        await session.execute(
            insert(_LINKS).values(
                registration_id=registration.id, token_hash=hashed, created_at=now, expires_at=links.expires(now)
            )
        )
        if message is not None:
            await session.execute(insert(_OUTBOX).values(**message))
        told += 1
        log.info("signed up again: told with a further link", extra={"registration_id": registration.id})
    await session.commit()
    return told


async def forget_old_links(session: AsyncSession, now: datetime) -> int:
    """Remove further links that expired, and all but the newest FURTHER_LINKS of a registration
    (the worker's housekeeping); the number removed."""
    ranked = select(
        RegistrationLink.id,
        func.row_number()
        .over(partition_by=RegistrationLink.registration_id, order_by=RegistrationLink.id.desc())
        .label("newest"),
    ).subquery()
    surplus = select(ranked.c.id).where(ranked.c.newest > FURTHER_LINKS)
    result = await session.execute(
        delete(RegistrationLink).where(or_(RegistrationLink.expires_at <= now, RegistrationLink.id.in_(surplus)))
    )
    return cast(CursorResult[Any], result).rowcount or 0
