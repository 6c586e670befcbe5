"""One-time links for staff: request_password_reset, invite_staff, set_password.

A link holds 256 random bits; only its hash is stored. A reset link works for an
hour, an invitation for a week; either works once. Setting a password ends every
session of the person. Messages go through the outbox in the same transaction.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod import bounds
from groepsaanbod.accounts.common_passwords import common_passwords
from groepsaanbod.accounts.errors import NotPermitted
from groepsaanbod.accounts.models import AccountToken, Role, Staff, StaffSession
from groepsaanbod.accounts.password_policy import normalise_password, password_problems
from groepsaanbod.accounts.passwords import hash_password
from groepsaanbod.accounts.roles import ROLES
from groepsaanbod.accounts.services import NewStaff, create_staff, normalise_email, token_hash
from groepsaanbod.accounts.viewer import Viewer
from groepsaanbod.i18n.languages import BY_CODE
from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.messaging.services import Recipient, queue_message
from groepsaanbod.refusals import Problem, Refused

log = logging.getLogger(__name__)

RESET_LIFETIME = timedelta(hours=1)
INVITATION_LIFETIME = timedelta(days=7)

LINK_NOT_VALID = N_("This link does not work (any more). Ask for a new one.")
EMAIL_NEEDED = N_("Enter an email address, for example name@example.org.")
NAME_NEEDED = N_("Enter the person's name.")
ROLE_NEEDED = N_("Choose at least one role.")


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
        "password_reset",
        {"name": staff.full_name, "link": link_address(base_url, staff.language, token)},
        dedupe_key=f"password-reset:{token_hash(token)}",
        now=now,
    )
    await session.commit()
    log.info("password reset link sent", extra={"staff_id": staff.id})


@dataclass(frozen=True)
class Invitation:
    organisation_id: int
    email: str
    full_name: str
    roles: tuple[str, ...]
    language: str = "nl"


async def invite_staff(
    session: AsyncSession, viewer: Viewer, invitation: Invitation, now: datetime, base_url: str
) -> Staff:
    """An organisation admin adds a person; a new person gets a link to choose a password."""
    if invitation.organisation_id not in viewer.organisations_with({"admin"}):
        raise NotPermitted()
    problems = []
    # One line each: the address becomes a mail header, the name the greeting of the invitation.
    bounded = [
        p
        for p in (
            bounds.check_line("email", invitation.email, bounds.EMAIL),
            bounds.check_line("full_name", invitation.full_name, bounds.NAME),
        )
        if p is not None
    ]
    email = normalise_email(invitation.email)
    if "@" not in email or "." not in email.split("@")[-1] or " " in email:
        problems.append(("email", EMAIL_NEEDED))
    if not invitation.full_name.strip():
        problems.append(("full_name", NAME_NEEDED))
    roles = [r for r in invitation.roles if r in ROLES]
    if not roles:
        problems.append(("roles", ROLE_NEEDED))
    if problems or bounded:
        bounded_fields = {p.field for p in bounded}
        raise Refused(
            bounded + [Problem(field, Message(msgid)) for field, msgid in problems if field not in bounded_fields]
        )
    language = invitation.language if invitation.language in BY_CODE else "nl"
    staff = await session.scalar(select(Staff).where(Staff.email == email))
    if staff is not None:
        held = set(
            await session.scalars(
                select(Role.role).where(Role.staff_id == staff.id, Role.organisation_id == invitation.organisation_id)
            )
        )
        for role in roles:
            if role not in held:
                session.add(Role(staff_id=staff.id, organisation_id=invitation.organisation_id, role=role))
        await session.commit()
        log.info("roles added by invitation", extra={"staff_id": staff.id, "by": viewer.staff_id})
        return staff
    staff = await create_staff(
        session, NewStaff(email, invitation.full_name.strip(), None, language), {invitation.organisation_id: roles}
    )
    token = await _new_link(session, staff, "invite", now, INVITATION_LIFETIME)
    await queue_message(
        session,
        Recipient(language, email),
        "staff_invitation",
        {"name": staff.full_name, "inviter": viewer.full_name, "link": link_address(base_url, language, token)},
        dedupe_key=f"invitation:{token_hash(token)}",
        now=now,
        organisation_id=invitation.organisation_id,
    )
    await session.commit()
    log.info("staff invited", extra={"staff_id": staff.id, "by": viewer.staff_id})
    return staff


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
    problems = password_problems(password, common_passwords(), (staff.email, staff.full_name))
    if problems:
        raise Refused(problems)
    staff.password_hash = hash_password(normalise_password(password))
    link.used_at = now
    await session.execute(delete(StaffSession).where(StaffSession.staff_id == staff.id))
    await session.commit()
    log.info("password set", extra={"staff_id": staff.id, "purpose": link.purpose})
    return staff
