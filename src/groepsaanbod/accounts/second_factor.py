"""Use cases of the second factor: set_up_second_factor, give_second_factor,
reset_second_factor (lost phone, from the command line), require_second_factor
(an organisation's choice)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.accounts import totp
from groepsaanbod.accounts.errors import WRONG_CODE, NotPermitted
from groepsaanbod.accounts.models import Staff, StaffSession
from groepsaanbod.accounts.services import normalise_email
from groepsaanbod.accounts.viewer import Viewer
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.refusals import Refused

log = logging.getLogger(__name__)


async def set_up_second_factor(
    session: AsyncSession, row: StaffSession, staff: Staff, secret: str, code: str, now: datetime
) -> None:
    """Store the secret the person's app now holds, once a code from it proves so."""
    if staff.totp_secret:
        raise Refused.single("code", WRONG_CODE)
    step = totp.accepted_step(secret, code, now, None)
    if step is None:
        raise Refused.single("code", WRONG_CODE)
    staff.totp_secret, staff.totp_last_step = secret, step
    row.second_factor_done = True
    await session.commit()
    log.info("second factor set up", extra={"staff_id": staff.id})


async def give_second_factor(session: AsyncSession, row: StaffSession, staff: Staff, code: str, now: datetime) -> None:
    """The code completes this session's sign-in; each code works once."""
    step = totp.accepted_step(staff.totp_secret or "", code, now, staff.totp_last_step) if staff.totp_secret else None
    if step is None:
        log.info("second-factor code refused", extra={"staff_id": staff.id})
        raise Refused.single("code", WRONG_CODE)
    staff.totp_last_step = step
    row.second_factor_done = True
    await session.commit()
    log.info("second factor given", extra={"staff_id": staff.id})


async def reset_second_factor(session: AsyncSession, email: str) -> bool:
    """Forget a person's second factor (lost phone) and end their sessions; False when unknown."""
    staff = await session.scalar(select(Staff).where(Staff.email == normalise_email(email)))
    if staff is None:
        return False
    staff.totp_secret = staff.totp_last_step = None
    await session.execute(delete(StaffSession).where(StaffSession.staff_id == staff.id))
    await session.commit()
    log.info("second factor reset", extra={"staff_id": staff.id})
    return True


async def require_second_factor(session: AsyncSession, viewer: Viewer, organisation_id: int, required: bool) -> None:
    """An organisation admin decides that all its staff must use a second factor."""
    if organisation_id not in viewer.organisations_with({"admin"}):
        raise NotPermitted()
    organisation = await session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotPermitted()
    organisation.require_second_factor = required
    await session.commit()
    log.info(
        "second factor requirement changed",
        extra={"organisation_id": organisation_id, "required": required, "by": viewer.staff_id},
    )
