"""Checking a second-factor code: a TOTP code from the app, or a recovery code.

Shared by the sign-in (API, with `code`) and the second-factor pages. Each code
works once, also when the same code arrives in parallel: the step of the TOTP
code is moved forward, and a recovery code marked used, in one conditional
UPDATE each, and only the request that changed the row is let in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from groepsaanbod.accounts import recovery_codes, totp
from groepsaanbod.accounts.models import RecoveryCode, Staff
from groepsaanbod.db import begin_writing
from groepsaanbod.messaging.services.queue import MessageContent, Recipient, queue_message
from groepsaanbod.protection.encryption import KeyRing, SecretUnreadable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CodeAccepted:
    #: None for a TOTP code; for a recovery code, how many the person has left.
    recovery_codes_left: int | None = None


def stored_secret(staff: Staff, keys: KeyRing) -> str | None:
    """The person's TOTP secret in the clear; None when none is set up or no key opens it."""
    if not staff.totp_secret:
        return None
    try:
        return keys.decrypt(staff.totp_secret)
    except SecretUnreadable:
        # An operator dropped a key before `groepsaanbod keys rotate`: nobody gets in on it.
        log.error("second-factor secret cannot be decrypted with the configured keys", extra={"staff_id": staff.id})
        return None


async def accept_totp_code(
    session: AsyncSession, staff: Staff, *, code: str, now: datetime, keys: KeyRing
) -> CodeAccepted | None:
    secret = stored_secret(staff, keys)
    step = totp.accepted_step(secret, code, now, staff.totp_last_step) if secret else None
    if step is None:
        return None
    await begin_writing(session)  # SQLite: the write lock first, so parallel checks wait their turn
    moved = await session.execute(
        update(Staff)
        .where(Staff.id == staff.id, or_(Staff.totp_last_step.is_(None), Staff.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], moved).rowcount != 1:
        return None  # the same code, just used by a parallel request
    set_committed_value(staff, "totp_last_step", step)
    return CodeAccepted()


async def recovery_codes_left(session: AsyncSession, staff_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.staff_id == staff_id, RecoveryCode.used_at.is_(None))
        )
        or 0
    )


async def accept_recovery_code(session: AsyncSession, staff: Staff, code: str, now: datetime) -> CodeAccepted | None:
    normalised = recovery_codes.normalise(code)
    if normalised is None or not staff.totp_secret:
        return None
    digest = recovery_codes.code_hash(normalised)
    await begin_writing(session)
    used = await session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.staff_id == staff.id, RecoveryCode.code_hash == digest, RecoveryCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], used).rowcount != 1:
        return None
    left = await recovery_codes_left(session, staff.id)
    log.warning("recovery code used", extra={"staff_id": staff.id, "recovery_codes_left": left})
    # Told every time: it may not have been them, and a phone may be lost.
    await queue_message(
        session,
        Recipient(staff.language, staff.email),
        MessageContent(
            "recovery_code_used", {"name": staff.full_name, "left": left, "few": left <= recovery_codes.FEW_LEFT}
        ),
        dedupe_key=f"recovery-code:{staff.id}:{digest}",
        now=now,
    )
    return CodeAccepted(recovery_codes_left=left)


async def accept_code(
    session: AsyncSession, staff: Staff, *, code: str, now: datetime, keys: KeyRing
) -> CodeAccepted | None:
    """A TOTP code or a recovery code of this person, each accepted once; None when wrong.
    The caller commits (with the session it completes)."""
    if totp.normalise_code(code) is not None:
        return await accept_totp_code(session, staff, code=code, now=now, keys=keys)
    return await accept_recovery_code(session, staff, code, now)
