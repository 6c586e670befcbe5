"""One-time links for staff: request_password_reset, send_first_password_link, set_password.

A link holds 256 random bits; only its hash is stored. A reset link works for an
hour, a first-password link for a week; either works once. (Invitations to join an
organisation are rows of their own: invitations.py.) Setting a password ends every
session of the person. Messages go through the outbox in the same transaction.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.accounts.common_passwords import common_passwords
from groepsaanbod.accounts.models import AccountToken, Role, Staff, StaffSession
from groepsaanbod.accounts.password_policy import normalise_password, password_problems
from groepsaanbod.accounts.passwords import hash_new_password
from groepsaanbod.accounts.services.staff import normalise_email, token_hash
from groepsaanbod.i18n.text import N_
from groepsaanbod.messaging.services.queue import MessageContent, Recipient, queue_message
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.refusals import Refused

log = logging.getLogger(__name__)

RESET_LIFETIME = timedelta(hours=1)
INVITATION_LIFETIME = timedelta(days=7)

LINK_NOT_VALID = N_("This link does not work (any more). Ask for a new one.")


def link_address(base_url: str, language: str, token: str) -> str:
    return f"{base_url}/{language}/staff/password/{token}"


async def _new_link(session: AsyncSession, staff: Staff, purpose: str, now: datetime, lifetime: timedelta) -> str:
    # A new link replaces earlier unused ones of the same purpose.
    await session.execute(
        delete(AccountToken).where(AccountToken.staff_id == staff.id, AccountToken.purpose == purpose)
    )
    token = secrets.token_urlsafe(32)
    session.add(
        AccountToken(
            token_hash=token_hash(token), staff_id=staff.id, purpose=purpose, created_at=now, expires_at=now + lifetime
        )
    )
    return token


async def request_password_reset(session: AsyncSession, email: str, now: datetime, base_url: str) -> None:
    """Email a reset link when an active account has this address; the same answer either way."""
    staff = await session.scalar(select(Staff).where(Staff.email == normalise_email(email), Staff.active.is_(True)))
    if staff is None:
        log.info("password reset asked for an unknown address")
        return
    token = await _new_link(session, staff, "reset", now, RESET_LIFETIME)
    await queue_message(
        session,
        Recipient(staff.language, staff.email),
        MessageContent(
            "password_reset", {"name": staff.full_name, "link": link_address(base_url, staff.language, token)}
        ),
        dedupe_key=f"password-reset:{token_hash(token)}",
        now=now,
    )
    await session.commit()
    log.info("password reset link sent", extra={"staff_id": staff.id})


async def send_first_password_link(
    session: AsyncSession, staff: Staff, *, inviter: str, organisation_id: int, now: datetime, base_url: str
) -> None:
    """A new account an organisation made (a mentor from a school's file) gets a link to choose
    its first password, like an invitation. The caller commits."""
    token = await _new_link(session, staff, "invite", now, INVITATION_LIFETIME)
    await queue_message(
        session,
        Recipient(staff.language, staff.email),
        MessageContent(
            "staff_invitation",
            {
                "name": staff.full_name,
                "inviter": inviter,
                "link": link_address(base_url, staff.language, token),
                # A mentor from a school's file: where their lessons and their calendar link are.
                "agenda": f"{base_url}/{staff.language}/staff/agenda",
            },
        ),
        dedupe_key=f"invitation:{token_hash(token)}",
        now=now,
        organisation_id=organisation_id,
    )
    log.info("first password link sent", extra={"staff_id": staff.id})


async def organisation_words(session: AsyncSession, staff_id: int) -> list[str]:
    """Names and slugs of the organisations the person works for: not to be used in a password."""
    rows = await session.execute(
        select(Organisation.name, Organisation.slug)
        .join(Role, Role.organisation_id == Organisation.id)
        .where(Role.staff_id == staff_id)
        .distinct()
    )
    return [word for row in rows.all() for word in row]


async def find_link(session: AsyncSession, token: str, now: datetime) -> AccountToken | None:
    row = await session.get(AccountToken, token_hash(token), populate_existing=True)
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    return row


async def set_password(session: AsyncSession, token: str, password: str, now: datetime) -> Staff:
    """Choose a (new) password through a one-time link. Refused: the link or the password."""
    link = await find_link(session, token, now)
    if link is None:
        raise Refused.single("token", LINK_NOT_VALID)
    staff = await session.get(Staff, link.staff_id)
    if staff is None or not staff.active:
        raise Refused.single("token", LINK_NOT_VALID)
    problems = password_problems(
        password,
        common_passwords(),
        (staff.email, staff.full_name),
        organisations=await organisation_words(session, staff.id),
    )
    if problems:
        raise Refused(problems)
    staff.password_hash = await hash_new_password(normalise_password(password))
    link.used_at = now
    await session.execute(delete(StaffSession).where(StaffSession.staff_id == staff.id))
    await session.commit()
    log.info("password set", extra={"staff_id": staff.id, "purpose": link.purpose})
    return staff
