"""A sign-up from someone who is signed up already: tell_known_person.

The public answer to a sign-up is the same whether or not the person is known, so nobody can
learn from it whether someone is, say, in pregnancy care (a registration oracle). The person on
record is told instead: a message to the contact on record (never to an address typed in this
request), in the language they chose, with their name as they gave it then and a further
private link. The link they have keeps working, so a stranger who types their address cannot
stop it. At most a few such messages per contact per hour (then the same answer, and no
message), so the sign-up form cannot flood anyone's inbox.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from groepsaanbod.i18n.text import pick
from groepsaanbod.messaging.services import Recipient, queue_message
from groepsaanbod.protection.rate_limits import Limit, TooManyAttempts, take
from groepsaanbod.registration.eligibility import CleanRegistration
from groepsaanbod.registration.models import Registration, RegistrationLink
from groepsaanbod.registration.services import private_link, record, token_hash

log = logging.getLogger(__name__)

#: Messages "you are signed up already" per contact per hour.
ALREADY_REGISTERED_MESSAGES = 3
ALREADY_REGISTERED_LIMIT = Limit("already-registered", ALREADY_REGISTERED_MESSAGES, timedelta(hours=1))
#: Further links a registration keeps; a newer one replaces the oldest (its own link stays).
FURTHER_LINKS = 5


async def tell_known_person(
    session: AsyncSession,
    *,
    programme_id: int,
    organisation_id: int,
    programme_name: dict[str, str],
    clean: CleanRegistration,
    now: datetime,
    base_url: str,
    link_days: int,
) -> int:
    """Tell everyone on record for this programme under the given email or phone that they are
    signed up already, with a further link; the number told (the caller does not show it)."""
    matches = []
    if clean.email:
        matches.append(Registration.contact_email == clean.email)
    if clean.phone:
        matches.append(Registration.contact_phone == clean.phone)
    known = list(
        await session.scalars(
            select(Registration)
            .options(selectinload(Registration.participant))
            .where(
                Registration.programme_id == programme_id,
                Registration.status != "withdrawn",
                Registration.access_revoked_at.is_(None),
                or_(*matches),
            )
            .order_by(Registration.id)
        )
    )
    told = 0
    for registration in known:
        contact = registration.contact_email or registration.contact_phone or ""
        try:
            await take(session, ALREADY_REGISTERED_LIMIT, contact, now)
        except TooManyAttempts:
            log.info("signed up again: not told again this hour", extra={"registration_id": registration.id})
            continue
        token = secrets.token_urlsafe(32)
        await _add_further_link(session, registration.id, token_hash(token), now, now + timedelta(days=link_days))
        await queue_message(
            session,
            Recipient(registration.language, registration.contact_email, registration.contact_phone),
            "registration_already",
            {
                "name": registration.participant.full_name,
                "programme": pick(programme_name, registration.language),
                "link": private_link(base_url, registration.language, token),
            },
            dedupe_key=f"registration:{registration.id}:already:{token_hash(token)[:16]}",
            now=now,
            organisation_id=organisation_id,
        )
        record(session, now, programme_id, "signed_up_again", registration_id=registration.id)
        told += 1
        log.info("signed up again: told with a further link", extra={"registration_id": registration.id})
    await session.commit()
    return told


async def _add_further_link(
    session: AsyncSession, registration_id: int, hashed: str, now: datetime, expires_at: datetime
) -> None:
    kept = list(
        await session.scalars(
            select(RegistrationLink.id)
            .where(RegistrationLink.registration_id == registration_id)
            .order_by(RegistrationLink.id.desc())
            .offset(FURTHER_LINKS - 1)
        )
    )
    if kept:
        await session.execute(delete(RegistrationLink).where(RegistrationLink.id.in_(kept)))
    session.add(
        RegistrationLink(registration_id=registration_id, token_hash=hashed, created_at=now, expires_at=expires_at)
    )
