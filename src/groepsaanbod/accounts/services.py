"""Use cases of staff accounts: create_staff, sign_in, sign_out, find_viewer."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from groepsaanbod.accounts.models import Role, Staff, StaffSession
from groepsaanbod.accounts.passwords import hash_password, needs_rehash, verify_password
from groepsaanbod.accounts.viewer import Viewer

log = logging.getLogger(__name__)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


@dataclass(frozen=True)
class NewStaff:
    email: str
    full_name: str
    password: str
    language: str = "nl"
    spoken_languages: tuple[str, ...] = ("nl",)


async def create_staff(session: AsyncSession, new: NewStaff, roles: dict[int, list[str]]) -> Staff:
    """Make a staff account holding `roles` (organisation id -> role names)."""
    staff = Staff(
        email=normalise_email(new.email),
        full_name=new.full_name,
        password_hash=hash_password(new.password),
        language=new.language,
        spoken_languages=list(new.spoken_languages),
    )
    staff.roles = [Role(organisation_id=org, role=role) for org, names in roles.items() for role in names]
    session.add(staff)
    await session.flush()
    log.info("staff created", extra={"staff_id": staff.id})
    return staff


async def grant_role(session: AsyncSession, staff_id: int, organisation_id: int, role: str) -> bool:
    """Give a role in an organisation; False when the person already had it."""
    existing = await session.scalar(
        select(Role).where(Role.staff_id == staff_id, Role.organisation_id == organisation_id, Role.role == role)
    )
    if existing is not None:
        return False
    session.add(Role(staff_id=staff_id, organisation_id=organisation_id, role=role))
    await session.commit()
    log.info("role granted", extra={"staff_id": staff_id, "organisation_id": organisation_id, "role": role})
    return True


@dataclass(frozen=True)
class SignedIn:
    token: str
    staff_id: int
    expires_at: datetime


async def sign_in(
    session: AsyncSession, email: str, password: str, now: datetime, lifetime: timedelta
) -> SignedIn | None:
    """Check the password and open a server-side session; None when wrong."""
    staff = await session.scalar(select(Staff).where(Staff.email == normalise_email(email)))
    if not verify_password(staff.password_hash if staff else None, password) or staff is None:
        log.info("sign-in refused")
        return None
    if not staff.active:
        log.info("sign-in refused: account disabled", extra={"staff_id": staff.id})
        return None
    if needs_rehash(staff.password_hash):
        staff.password_hash = hash_password(password)
    token = secrets.token_urlsafe(32)
    expires = now + lifetime
    session.add(
        StaffSession(
            token_hash=token_hash(token), staff_id=staff.id, created_at=now, last_seen_at=now, expires_at=expires
        )
    )
    await session.commit()
    log.info("signed in", extra={"staff_id": staff.id})
    return SignedIn(token=token, staff_id=staff.id, expires_at=expires)


async def sign_out(session: AsyncSession, token: str) -> None:
    await session.execute(delete(StaffSession).where(StaffSession.token_hash == token_hash(token)))
    await session.commit()


async def find_viewer(session: AsyncSession, token: str | None, now: datetime) -> Viewer | None:
    """The staff member behind a session token, with their roles; None when not valid."""
    if not token:
        return None
    row = await session.get(StaffSession, token_hash(token))
    if row is None or row.expires_at <= now:
        return None
    staff = await session.scalar(
        select(Staff).options(selectinload(Staff.roles)).where(Staff.id == row.staff_id, Staff.active.is_(True))
    )
    if staff is None:
        return None
    roles: dict[int, set[str]] = {}
    for role in staff.roles:
        roles.setdefault(role.organisation_id, set()).add(role.role)
    return Viewer(
        staff_id=staff.id,
        full_name=staff.full_name,
        email=staff.email,
        roles={org: frozenset(names) for org, names in roles.items()},
    )
