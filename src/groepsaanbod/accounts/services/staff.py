"""Use cases of staff accounts: create_staff, grant_role, sign_in (a SignInAttempt), sign_out,
sign_out_everywhere, find_sign_in / find_viewer. (Joining and leaving organisations,
and disabling a whole account: membership/services.py.)"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from groepsaanbod.access.roles import SECOND_FACTOR_ROLES
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import Role, Staff, StaffSession
from groepsaanbod.accounts.password_policy import normalise_password
from groepsaanbod.accounts.passwords import hash_new_password, needs_rehash, password_matches
from groepsaanbod.accounts.services.code_check import accept_code
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.protection.encryption import KeyRing
from groepsaanbod.protection.rate_limits import Limit, give_back, take

log = logging.getLogger(__name__)

#: Sessions not used for this long are touched again only after a minute (fewer writes).
TOUCH_EVERY = timedelta(minutes=1)
SIGN_IN_WINDOW = timedelta(minutes=15)
#: A sign-in that still owes its second factor lapses after this long.
SECOND_FACTOR_TIME = timedelta(minutes=10)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


@dataclass(frozen=True)
class NewStaff:
    email: str
    full_name: str
    password: str | None
    language: str = "nl"
    spoken_languages: tuple[str, ...] = ("nl",)


#: Stored instead of a hash for a person who has not chosen a password yet (invited).
NO_PASSWORD = "!"


async def create_staff(session: AsyncSession, new: NewStaff, roles: dict[int, list[str]]) -> Staff:
    """Make a staff account holding `roles` (organisation id -> role names)."""
    staff = Staff(
        email=normalise_email(new.email),
        full_name=new.full_name,
        password_hash=await hash_new_password(new.password) if new.password else NO_PASSWORD,
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


async def needs_second_factor(session: AsyncSession, staff: Staff) -> bool:
    """Every role that sees participants' personal data (SECOND_FACTOR_ROLES); everyone who set
    one up; all staff of an organisation that requires it."""
    if staff.totp_secret:
        return True
    rows = (
        await session.execute(
            select(Role.role, Organisation.require_second_factor)
            .join(Organisation, Organisation.id == Role.organisation_id)
            .where(Role.staff_id == staff.id)
        )
    ).all()
    return any(role in SECOND_FACTOR_ROLES or required for role, required in rows)


@dataclass(frozen=True)
class SignInLimits:
    failures_allowed: int
    window: timedelta = SIGN_IN_WINDOW

    def per_account(self) -> Limit:
        return Limit("sign-in-account", self.failures_allowed, self.window)

    def per_address(self) -> Limit:
        # An address may serve a whole office: more room than one account.
        return Limit("sign-in-address", self.failures_allowed * 4, self.window)

    def second_factor(self) -> Limit:
        """Codes per person, on the second-factor page and in the API's sign-in alike."""
        return Limit("second-factor", self.failures_allowed, self.window)


@dataclass(frozen=True)
class SignedIn:
    token: str
    staff_id: int
    expires_at: datetime
    #: The person still has to give a code (or set up the second factor first).
    second_factor_pending: bool
    second_factor_set_up: bool


class SecondFactorRequired(Exception):
    """Right password, but a second-factor code is needed (API: send `code`)."""


@dataclass(frozen=True)
class SignInAttempt:
    """What a sign-in request brings: the address and password typed, the network address it
    came from, a second-factor code (the API's sign-in) and the session the browser had."""

    email: str
    password: str
    address: str
    code: str | None = None
    previous_token: str | None = None


async def sign_in(
    session: AsyncSession,
    attempt: SignInAttempt,
    now: datetime,
    *,
    lifetime: timedelta,
    limits: SignInLimits,
    keys: KeyRing,
) -> SignedIn | None:
    """Check the password and open a new server-side session; None when wrong.

    Every attempt is counted per account and per network address before the password is
    checked (one atomic increment-and-read each), and refused (TooManyAttempts) past the
    limit, so parallel attempts cannot slip more checks through than the limit allows. A
    sign-in that succeeds gives its counts back: only failures add up. A second-factor code
    is counted the same way, per person, shared with the second-factor page.
    A sign-in always makes a new session; the one the browser had is ended.
    """
    email, password = normalise_email(attempt.email), normalise_password(attempt.password)
    address, code, previous_token = attempt.address, attempt.code, attempt.previous_token
    await take(session, limits.per_account(), email, now)
    await take(session, limits.per_address(), address, now)
    staff = await session.scalar(select(Staff).where(Staff.email == email))
    # Only read so far: end that transaction, so its connection (and on SQLite the write turn)
    # serves others while this request waits for its turn at Argon2 (passwords.py).
    await session.commit()
    if not await password_matches(staff.password_hash if staff else None, password) or staff is None:
        log.info("sign-in refused: wrong password", extra={"staff_id": staff.id if staff else None})
        return None
    if not staff.active:
        log.info("sign-in refused: account disabled", extra={"staff_id": staff.id})
        return None
    if needs_rehash(staff.password_hash):
        staff.password_hash = await hash_new_password(password)
    pending = await needs_second_factor(session, staff)
    given = False
    if pending and code is not None and staff.totp_secret:
        # Counted before the code is checked (a TOTP code or a recovery code).
        await take(session, limits.second_factor(), str(staff.id), now)
        if await accept_code(session, staff, code=code, now=now, keys=keys) is None:
            log.info("sign-in refused: wrong second-factor code", extra={"staff_id": staff.id})
            return None
        await give_back(session, limits.second_factor(), str(staff.id), now)
        pending, given = False, True
    await give_back(session, limits.per_account(), email, now)
    await give_back(session, limits.per_address(), address, now)
    if previous_token:
        await session.execute(delete(StaffSession).where(StaffSession.token_hash == token_hash(previous_token)))
    token = secrets.token_urlsafe(32)
    expires = now + lifetime
    session.add(
        StaffSession(
            token_hash=token_hash(token),
            staff_id=staff.id,
            created_at=now,
            last_seen_at=now,
            expires_at=expires,
            second_factor_done=given,
        )
    )
    await session.commit()
    log.info("signed in", extra={"staff_id": staff.id, "second_factor_pending": pending})
    return SignedIn(token, staff.id, expires, pending, bool(staff.totp_secret))


async def sign_out(session: AsyncSession, token: str) -> None:
    await session.execute(delete(StaffSession).where(StaffSession.token_hash == token_hash(token)))
    await session.commit()
    log.info("signed out")


async def sign_out_everywhere(session: AsyncSession, staff_id: int) -> int:
    """End every session of this person, on every device."""
    result = await session.execute(delete(StaffSession).where(StaffSession.staff_id == staff_id))
    await session.commit()
    ended = cast(CursorResult[Any], result).rowcount  # a DELETE's result counts its rows
    log.info("signed out everywhere", extra={"staff_id": staff_id, "sessions": ended})
    return ended or 0


@dataclass(frozen=True)
class SignInState:
    """The session behind a cookie: its person, and whether the second factor is still due."""

    staff: Staff
    row: StaffSession
    second_factor_pending: bool


async def find_sign_in(
    session: AsyncSession, token: str | None, now: datetime, idle: timedelta | None = None
) -> SignInState | None:
    """A live session: not past its absolute or idle time-out, of an active account."""
    if not token:
        return None
    row = await session.get(StaffSession, token_hash(token), populate_existing=True)
    if row is None:
        return None
    if row.expires_at <= now or (idle is not None and row.last_seen_at + idle <= now):
        await session.delete(row)
        await session.commit()
        log.info("session timed out", extra={"staff_id": row.staff_id})
        return None
    # Roles as they are now (populate_existing): one taken away ends its rights at the next request.
    staff = await session.scalar(
        select(Staff)
        .options(selectinload(Staff.roles))
        .where(Staff.id == row.staff_id, Staff.active.is_(True))
        .execution_options(populate_existing=True)
    )
    if staff is None:
        return None
    # Asked again on every request: an organisation may start requiring it at any time.
    pending = not row.second_factor_done and await needs_second_factor(session, staff)
    if pending and now - row.created_at >= SECOND_FACTOR_TIME:
        await session.delete(row)
        await session.commit()
        log.info("sign-in lapsed: no second factor given in time", extra={"staff_id": staff.id})
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        await session.commit()
    return SignInState(staff, row, pending)


def viewer_of(staff: Staff) -> Viewer:
    roles: dict[int, set[str]] = {}
    for role in staff.roles:
        roles.setdefault(role.organisation_id, set()).add(role.role)
    return Viewer(
        staff_id=staff.id,
        full_name=staff.full_name,
        email=staff.email,
        roles={org: frozenset(names) for org, names in roles.items()},
    )


async def find_viewer(
    session: AsyncSession, token: str | None, now: datetime, idle: timedelta | None = None
) -> Viewer | None:
    """The staff member behind a session token, with their roles; None when not valid
    or when the second factor is still due."""
    state = await find_sign_in(session, token, now, idle)
    if state is None or state.second_factor_pending:
        return None
    return viewer_of(state.staff)
