"""Answering an invitation (the invited person's side): invitations_for, find_invitation_by_token,
invitation_of, settle_invitation, claim_account. (Sending and withdrawing them: invitations.py.)

Joining an organisation needs the person's own consent: they accept or decline signed in
as the account of the invited address; an address without a usable account (none yet, or
one nobody chose a password for) accepts by choosing a password through the link, which
shows they read that mailbox.

Answering is one conditional UPDATE (open -> answered), so a replay or a second answer at
the same moment changes nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.accounts.common_passwords import common_passwords
from groepsaanbod.accounts.errors import InvitationNotFound
from groepsaanbod.accounts.models import InvitationStatus, Staff, StaffInvitation, StaffSession
from groepsaanbod.accounts.password_policy import normalise_password, password_problems
from groepsaanbod.accounts.passwords import hash_new_password
from groepsaanbod.accounts.services.invitations import InvitationClosed, add_roles, is_open
from groepsaanbod.accounts.services.links import organisation_words
from groepsaanbod.accounts.services.staff import NO_PASSWORD, NewStaff, create_staff, normalise_email, token_hash
from groepsaanbod.i18n.text import N_
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.refusals import Refused

log = logging.getLogger(__name__)

SIGN_IN_TO_ANSWER = N_("This email address already has an account. Sign in with it to accept or decline.")


async def invitations_for(session: AsyncSession, email: str, now: datetime) -> list[StaffInvitation]:
    """The open invitations to this address, oldest first."""
    return list(
        await session.scalars(
            select(StaffInvitation)
            .where(
                StaffInvitation.email == normalise_email(email),
                StaffInvitation.status == InvitationStatus.OPEN,
                StaffInvitation.expires_at > now,
            )
            .order_by(StaffInvitation.created_at, StaffInvitation.id)
        )
    )


async def find_invitation_by_token(session: AsyncSession, token: str, now: datetime) -> StaffInvitation | None:
    """The open invitation of a link; None when unknown, answered, withdrawn or expired."""
    invitation = await session.scalar(
        select(StaffInvitation)
        .where(StaffInvitation.token_hash == token_hash(token))
        .execution_options(populate_existing=True)
    )
    return invitation if invitation is not None and is_open(invitation, now) else None


async def invitation_of(session: AsyncSession, staff: Staff, invitation_id: int) -> StaffInvitation:
    """An invitation to this person's address, whatever its status; else InvitationNotFound."""
    invitation = await session.get(StaffInvitation, invitation_id, populate_existing=True)
    if invitation is None or invitation.email != staff.email:
        raise InvitationNotFound()
    return invitation


async def _close(
    session: AsyncSession, invitation: StaffInvitation, status: InvitationStatus, staff_id: int | None, now: datetime
) -> None:
    """open -> `status` in one conditional UPDATE: of two answers at the same moment (or a replay)
    exactly one finds it open; on PostgreSQL the second waits for the first's row lock and then
    sees it answered."""
    changed = await session.execute(
        update(StaffInvitation)
        .where(
            StaffInvitation.id == invitation.id,
            StaffInvitation.status == InvitationStatus.OPEN,
            StaffInvitation.expires_at > now,
        )
        .values(status=status, answered_at=now, staff_id=staff_id)
    )
    if cast(CursorResult[Any], changed).rowcount != 1:
        raise InvitationClosed()


async def settle_invitation(
    session: AsyncSession, invitation: StaffInvitation, staff: Staff, *, accept: bool, now: datetime
) -> list[str]:
    """Record the person's answer; accepting gives the roles. The caller commits.

    Refused when the invitation is for another address (InvitationNotFound) or no longer
    open (InvitationClosed): answered, withdrawn or expired.
    """
    if invitation.email != staff.email or not staff.active:
        raise InvitationNotFound()
    await _close(session, invitation, InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED, staff.id, now)
    added = await add_roles(session, staff.id, invitation.organisation_id, list(invitation.roles)) if accept else []
    log.info(
        "invitation accepted" if accept else "invitation declined",
        extra={"invitation_id": invitation.id, "staff_id": staff.id, "organisation_id": invitation.organisation_id},
    )
    return added


async def claim_account(session: AsyncSession, invitation: StaffInvitation, password: str, now: datetime) -> Staff:
    """Accept through the link by choosing a password: makes the account, or completes one
    nobody chose a password for yet. Refused for an address whose account has a password
    (they sign in and answer there). The caller commits."""
    staff = await session.scalar(select(Staff).where(Staff.email == invitation.email))
    if staff is not None and staff.password_hash != NO_PASSWORD:
        raise Refused.single("token", SIGN_IN_TO_ANSWER)
    if staff is not None and not staff.active:
        raise InvitationNotFound()
    name = staff.full_name if staff is not None else invitation.full_name
    inviting = await session.get(Organisation, invitation.organisation_id)
    words = [inviting.name, inviting.slug] if inviting is not None else []
    if staff is not None:
        words += await organisation_words(session, staff.id)
    problems = password_problems(password, common_passwords(), (invitation.email, name), organisations=words)
    if problems:
        raise Refused(problems)
    # Closed first: a second submit of the same link waits here and is refused, before it
    # could make a second account.
    await _close(session, invitation, InvitationStatus.ACCEPTED, staff.id if staff is not None else None, now)
    password = normalise_password(password)
    if staff is None:
        staff = await create_staff(session, NewStaff(invitation.email, name, password, invitation.language), {})
        invitation.staff_id = staff.id
    else:
        staff.password_hash = await hash_new_password(password)
        await session.execute(delete(StaffSession).where(StaffSession.staff_id == staff.id))
    await add_roles(session, staff.id, invitation.organisation_id, list(invitation.roles))
    log.info("account claimed through an invitation", extra={"staff_id": staff.id, "invitation_id": invitation.id})
    return staff
