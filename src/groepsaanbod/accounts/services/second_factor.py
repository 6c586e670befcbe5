"""Use cases of the second factor: start_set_up and set_up_second_factor (the server makes
the secret), give_second_factor, renew_recovery_codes, start_new_app (a new phone),
reset_second_factor (from the command line), require_second_factor (an organisation's
choice) and re_encrypt_secrets (key rotation).

The secret is made here, never taken from a client. Until a code from the app
confirms it, it waits encrypted in the sign-in's own session row; then it moves,
still encrypted, to the person, and no page or API shows it again.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.errors import NotPermitted
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts import recovery_codes, totp
from groepsaanbod.accounts.errors import SECOND_FACTOR_NEEDED, WRONG_CODE
from groepsaanbod.accounts.models import RecoveryCode, Staff, StaffSession
from groepsaanbod.accounts.services.code_check import CodeAccepted, accept_code, accept_totp_code
from groepsaanbod.accounts.services.staff import normalise_email
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.protection.encryption import KeyRing, SecretUnreadable
from groepsaanbod.refusals import Refused

log = logging.getLogger(__name__)


def may_set_up(row: StaffSession, staff: Staff) -> bool:
    """A first set-up (password given, no secret yet), or a new app in a sign-in that is complete."""
    return not staff.totp_secret or row.second_factor_done


async def start_set_up(session: AsyncSession, row: StaffSession, staff: Staff, keys: KeyRing) -> str:
    """The secret for the person's app: made once per sign-in and kept, encrypted, in its session row."""
    if not may_set_up(row, staff):
        raise NotPermitted()
    if row.pending_totp_secret:
        try:
            return keys.decrypt(row.pending_totp_secret)
        except SecretUnreadable:
            pass  # made under a key that is gone: make a new one
    secret = totp.new_secret()
    row.pending_totp_secret = keys.encrypt(secret)
    await session.commit()
    log.info("second factor set-up started", extra={"staff_id": staff.id})
    return secret


async def _new_recovery_codes(session: AsyncSession, staff_id: int, now: datetime) -> list[str]:
    await session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == staff_id))
    codes = recovery_codes.new_codes()
    session.add_all(
        RecoveryCode(staff_id=staff_id, code_hash=recovery_codes.code_hash(code), created_at=now) for code in codes
    )
    return codes


async def set_up_second_factor(
    session: AsyncSession, row: StaffSession, staff: Staff, *, code: str, now: datetime, keys: KeyRing
) -> list[str]:
    """A code from the app confirms the secret the server made; returns the new recovery codes
    (to be shown once). Replacing an app ends the person's other sessions."""
    if not row.pending_totp_secret or not may_set_up(row, staff):
        raise Refused.single("code", WRONG_CODE)
    try:
        secret = keys.decrypt(row.pending_totp_secret)
    except SecretUnreadable:
        raise Refused.single("code", WRONG_CODE) from None
    step = totp.accepted_step(secret, code, now, None)
    if step is None:
        log.info("second-factor set-up code refused", extra={"staff_id": staff.id})
        raise Refused.single("code", WRONG_CODE)
    replacing = bool(staff.totp_secret)
    staff.totp_secret, staff.totp_last_step = row.pending_totp_secret, step
    row.pending_totp_secret, row.second_factor_done = None, True
    if replacing:
        await session.execute(
            delete(StaffSession).where(StaffSession.staff_id == staff.id, StaffSession.token_hash != row.token_hash)
        )
    codes = await _new_recovery_codes(session, staff.id, now)
    await session.commit()
    log.info("second factor set up", extra={"staff_id": staff.id, "replaced": replacing})
    return codes


async def give_second_factor(
    session: AsyncSession, row: StaffSession, staff: Staff, *, code: str, now: datetime, keys: KeyRing
) -> CodeAccepted:
    """A TOTP or recovery code completes this session's sign-in; each code works once."""
    accepted = await accept_code(session, staff, code=code, now=now, keys=keys)
    if accepted is None:
        log.info("second-factor code refused", extra={"staff_id": staff.id})
        raise Refused.single("code", WRONG_CODE)
    row.second_factor_done = True
    await session.commit()
    log.info("second factor given", extra={"staff_id": staff.id, "recovery": accepted.recovery_codes_left is not None})
    return accepted


async def renew_recovery_codes(
    session: AsyncSession, staff: Staff, *, code: str, now: datetime, keys: KeyRing
) -> list[str]:
    """New recovery codes for a current code from the app (not a recovery code); the old ones stop."""
    if totp.normalise_code(code) is None:
        raise Refused.single("code", SECOND_FACTOR_NEEDED)
    if await accept_totp_code(session, staff, code=code, now=now, keys=keys) is None:
        raise Refused.single("code", WRONG_CODE)
    codes = await _new_recovery_codes(session, staff.id, now)
    await session.commit()
    log.info("recovery codes renewed", extra={"staff_id": staff.id})
    return codes


async def start_new_app(
    session: AsyncSession, row: StaffSession, staff: Staff, *, code: str, now: datetime, keys: KeyRing
) -> None:
    """Set up another phone: a current code (or a recovery code, when the phone is lost) first.
    The old app keeps working until the new one is confirmed. A person without a second
    factor may set one up of their own accord."""
    if staff.totp_secret and await accept_code(session, staff, code=code, now=now, keys=keys) is None:
        raise Refused.single("code", WRONG_CODE)
    row.pending_totp_secret = None
    await start_set_up(session, row, staff, keys)


async def reset_second_factor(session: AsyncSession, email: str) -> bool:
    """Forget a person's second factor and recovery codes and end their sessions; False when unknown."""
    staff = await session.scalar(select(Staff).where(Staff.email == normalise_email(email)))
    if staff is None:
        return False
    staff.totp_secret = staff.totp_last_step = None
    await session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == staff.id))
    await session.execute(delete(StaffSession).where(StaffSession.staff_id == staff.id))
    await session.commit()
    log.info("second factor reset", extra={"staff_id": staff.id})
    return True


async def _admins_organisation(session: AsyncSession, viewer: Viewer, organisation_id: int) -> Organisation:
    if organisation_id not in viewer.organisations_with({"admin"}):
        raise NotPermitted()
    organisation = await session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotPermitted()
    return organisation


async def second_factor_policy(session: AsyncSession, viewer: Viewer, organisation_id: int) -> bool:
    """Whether all the organisation's staff must use a second factor (its admins read it)."""
    return (await _admins_organisation(session, viewer, organisation_id)).require_second_factor


async def require_second_factor(session: AsyncSession, viewer: Viewer, organisation_id: int, *, required: bool) -> None:
    """An organisation admin decides that all its staff must use a second factor."""
    organisation = await _admins_organisation(session, viewer, organisation_id)
    organisation.require_second_factor = required
    await session.commit()
    log.info(
        "second factor requirement changed",
        extra={"organisation_id": organisation_id, "required": required, "by": viewer.staff_id},
    )


async def re_encrypt_secrets(session: AsyncSession, keys: KeyRing) -> int:
    """Encrypt every stored secret with the first key (after a new key was put in front);
    the number changed. Raises SecretUnreadable when a secret opens with none of the keys."""
    changed = 0
    for staff in await session.scalars(select(Staff).where(Staff.totp_secret.is_not(None))):
        if staff.totp_secret and not keys.is_current(staff.totp_secret):
            staff.totp_secret = keys.rotate(staff.totp_secret)
            changed += 1
    for row in await session.scalars(select(StaffSession).where(StaffSession.pending_totp_secret.is_not(None))):
        if row.pending_totp_secret and not keys.is_current(row.pending_totp_secret):
            row.pending_totp_secret = keys.rotate(row.pending_totp_secret)
            changed += 1
    await session.commit()
    log.info("secrets re-encrypted", extra={"count": changed})
    return changed
