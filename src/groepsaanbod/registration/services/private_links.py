"""The participant's private link: resend_private_link (a new one, to the registered
email or phone), and the rate limit on asking for a link (signing up: sign_up_limits.py).

Only hashes are stored, so an old link cannot be sent again: a new secret is made,
the old one stops working, and the message goes to the contact on record, never
to an address typed in the request.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.expression import ColumnElement

from groepsaanbod.i18n.text import pick
from groepsaanbod.messaging.services.queue import MessageContent, Recipient, queue_message
from groepsaanbod.protection.rate_limits import Limit
from groepsaanbod.registration.eligibility import normalise_phone
from groepsaanbod.registration.models import Participant, Registration, RegistrationLink
from groepsaanbod.registration.services.registrations import PrivateLinks, token_hash
from groepsaanbod.settings import Settings

log = logging.getLogger(__name__)


def link_limit(settings: Settings) -> Limit:
    return Limit("private-link", settings.rate_limit_link, timedelta(hours=1))


def _contact(raw: str) -> tuple[str | None, str | None]:
    raw = raw.strip()
    if "@" in raw:
        try:
            return validate_email(raw, check_deliverability=False).normalized.lower(), None
        except EmailNotValidError:
            return None, None
    return None, normalise_phone(raw)


async def resend_private_link(session: AsyncSession, contact: str, now: datetime, links: PrivateLinks) -> int:
    """Send a new private link for every registration with this email or phone whose data
    is still kept, also after the person stopped (the link is how they see, download and
    erase it); erased registrations have no contact left to match.

    Answers the number sent, which the caller does not show (the page says the same
    whether or not the contact is known)."""
    email, phone = _contact(contact)
    if email is None and phone is None:
        return 0
    wanted: list[ColumnElement[bool]] = []
    if email:
        wanted.append(Registration.contact_email == email)
    if phone:
        wanted.append(Registration.contact_phone == phone)
    registrations = list(
        await session.scalars(
            select(Registration)
            .options(selectinload(Registration.participant), selectinload(Registration.programme))
            .join(Participant, Participant.id == Registration.participant_id)
            .where(or_(*wanted), Participant.erased_at.is_(None))
        )
    )
    if registrations:  # every earlier link stops working, further ones (known_person.py) too
        await session.execute(
            delete(RegistrationLink).where(RegistrationLink.registration_id.in_([r.id for r in registrations]))
        )
    for registration in registrations:
        token = secrets.token_urlsafe(32)
        registration.access_token_hash = token_hash(token)
        registration.access_revoked_at = None  # links of people who stopped before links outlived stopping
        registration.access_expires_at = links.expires(now)
        person = registration.participant
        await queue_message(
            session,
            # The contact on record of this registration, in the language she reads.
            Recipient(person.language, registration.contact_email, registration.contact_phone, person.id),
            MessageContent(
                "private_link",
                {
                    "name": person.full_name,
                    "programme": pick(registration.programme.name, person.language),
                    "link": links.to(person.language, token),
                },
            ),
            dedupe_key=f"private-link:{registration.id}:{token_hash(token)[:16]}",
            now=now,
            organisation_id=registration.programme.organisation_id,
        )
        log.info("private link sent again", extra={"registration_id": registration.id})
    await session.commit()
    return len(registrations)
