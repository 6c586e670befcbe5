"""Invitations to work with an organisation: invite_staff, invite_to_organisation,
list_invitations, withdraw_invitation, invitations_for, find_invitation_by_token,
settle_invitation, claim_account.

Joining an organisation needs the person's own consent. An address already on the
organisation's staff gets the roles at once (it joined before). Any other address
gets an invitation of its own: the person accepts or declines it signed in as the
account of that address; an address without a usable account (none yet, or one
nobody chose a password for) accepts by choosing a password through the link, which
shows they read that mailbox. Until then the organisation sees only what its admin
typed, and the same answer whether or not the address has an account elsewhere.

A link holds 256 random bits and only its hash is stored; it works for 7 days and
once: answering is one conditional UPDATE (open -> answered), so a replay or a
second answer at the same moment changes nothing.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod import bounds
from groepsaanbod.access.errors import NotPermitted
from groepsaanbod.access.roles import ROLES
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.common_passwords import common_passwords
from groepsaanbod.accounts.errors import InvitationNotFound
from groepsaanbod.accounts.models import InvitationStatus, Role, Staff, StaffInvitation, StaffSession
from groepsaanbod.accounts.password_policy import normalise_password, password_problems
from groepsaanbod.accounts.passwords import hash_new_password
from groepsaanbod.accounts.services.links import organisation_words
from groepsaanbod.accounts.services.staff import NO_PASSWORD, NewStaff, create_staff, normalise_email, token_hash
from groepsaanbod.db import begin_writing, take_write_lock
from groepsaanbod.i18n.languages import BY_CODE
from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.messaging.services.queue import MessageContent, Recipient, queue_message
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.refusals import Problem, Refused

log = logging.getLogger(__name__)

INVITATION_LIFETIME = timedelta(days=7)
#: An admin sees at most this many invitations of an organisation at once (newest first).
LISTED = 500

EMAIL_NEEDED = N_("Enter an email address, for example name@example.org.")
NAME_NEEDED = N_("Enter the person's name.")
ROLE_NEEDED = N_("Choose at least one role.")
INVITATION_CLOSED = N_(
    "This invitation is no longer open: it was answered or withdrawn already. "
    "Ask the organisation to invite you again if you want to join."
)
SIGN_IN_TO_ANSWER = N_("This email address already has an account. Sign in with it to accept or decline.")


class InvitationClosed(Refused):
    status_code = 409

    def __init__(self) -> None:
        super().__init__([Problem("invitation", Message(INVITATION_CLOSED))])


@dataclass(frozen=True)
class NewInvitation:
    organisation_id: int
    email: str
    full_name: str
    roles: tuple[str, ...]
    language: str = "nl"


def invitation_link(base_url: str, language: str, token: str) -> str:
    return f"{base_url}/{language}/staff/invitations/{token}"


def is_open(invitation: StaffInvitation, now: datetime) -> bool:
    return invitation.status == InvitationStatus.OPEN and invitation.expires_at > now


def shown_status(invitation: StaffInvitation, now: datetime) -> str:
    """open | accepted | declined | withdrawn | expired (an open one past its time)."""
    return (
        "expired" if invitation.status == InvitationStatus.OPEN and invitation.expires_at <= now else invitation.status
    )


def _checked(new: NewInvitation) -> tuple[str, list[str]]:
    # One line each: the address becomes a mail header, the name the greeting of the invitation.
    problems = [
        p
        for p in (
            bounds.check_line("email", new.email, bounds.EMAIL),
            bounds.check_line("full_name", new.full_name, bounds.NAME),
        )
        if p is not None
    ]
    refused = {p.field for p in problems}
    email = ""
    if "email" not in refused:
        try:
            email = normalise_email(validate_email(new.email.strip(), check_deliverability=False).normalized)
        except EmailNotValidError:
            problems.append(Problem("email", Message(EMAIL_NEEDED)))
    if "full_name" not in refused and not new.full_name.strip():
        problems.append(Problem("full_name", Message(NAME_NEEDED)))
    roles = sorted({r for r in new.roles if r in ROLES})
    if not roles or len(roles) != len(set(new.roles)):
        problems.append(Problem("roles", Message(ROLE_NEEDED)))
    if problems:
        raise Refused(problems)
    return email, roles


async def _holds_role_in(session: AsyncSession, staff_id: int, organisation_id: int) -> bool:
    found = await session.scalar(
        select(Role.id).where(Role.staff_id == staff_id, Role.organisation_id == organisation_id).limit(1)
    )
    return found is not None


async def _add_roles(session: AsyncSession, staff_id: int, organisation_id: int, roles: list[str]) -> list[str]:
    held = set(
        await session.scalars(
            select(Role.role).where(Role.staff_id == staff_id, Role.organisation_id == organisation_id)
        )
    )
    added = [role for role in roles if role not in held]
    session.add_all(Role(staff_id=staff_id, organisation_id=organisation_id, role=role) for role in added)
    await session.flush()
    return added


async def invite_staff(
    session: AsyncSession, viewer: Viewer, new: NewInvitation, now: datetime, *, base_url: str
) -> StaffInvitation:
    """An organisation admin invites a person with roles (team page, API)."""
    if new.organisation_id not in viewer.organisations_with({"admin"}):
        raise NotPermitted()
    email, roles = _checked(new)
    # One admin's invitation at a time per organisation: no two open ones for one address.
    await take_write_lock(session, Organisation.__table__, new.organisation_id)
    invitation = await invite_to_organisation(
        session,
        organisation_id=new.organisation_id,
        email=email,
        full_name=new.full_name.strip(),
        roles=roles,
        language=new.language if new.language in BY_CODE else "nl",
        invited_by=viewer,
        now=now,
        base_url=base_url,
    )
    await session.commit()
    return invitation


async def invite_to_organisation(
    session: AsyncSession,
    *,
    organisation_id: int,
    email: str,
    full_name: str,
    roles: list[str],
    language: str,
    invited_by: Viewer,
    now: datetime,
    base_url: str,
) -> StaffInvitation:
    """The invitation (accepted at once for someone already on this organisation's staff).

    For use cases that checked the permission already; the caller commits.
    """
    staff = await session.scalar(select(Staff).where(Staff.email == email))
    member = staff is not None and await _holds_role_in(session, staff.id, organisation_id)
    # A new invitation of the same address replaces the organisation's open one.
    await session.execute(
        update(StaffInvitation)
        .where(
            StaffInvitation.organisation_id == organisation_id,
            StaffInvitation.email == email,
            StaffInvitation.status == InvitationStatus.OPEN,
        )
        .values(status=InvitationStatus.WITHDRAWN, answered_at=now)
    )
    token = secrets.token_urlsafe(32)
    invitation = StaffInvitation(
        organisation_id=organisation_id,
        email=email,
        full_name=full_name,
        roles=list(roles),
        language=language,
        invited_by_id=invited_by.staff_id or None,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
        status=InvitationStatus.ACCEPTED if member else InvitationStatus.OPEN,
        answered_at=now if member else None,
        staff_id=staff.id if member and staff else None,
    )
    session.add(invitation)
    if member and staff is not None:
        added = await _add_roles(session, staff.id, organisation_id, list(roles))
        log.info(
            "roles given to a member of the organisation",
            extra={"staff_id": staff.id, "organisation_id": organisation_id, "roles": added, "by": invited_by.staff_id},
        )
    else:
        await _send(session, invitation, staff, token, invited_by.full_name, now, base_url)
    await session.flush()
    if not member:
        log.info(
            "staff invited",
            extra={"invitation_id": invitation.id, "organisation_id": organisation_id, "by": invited_by.staff_id},
        )
    return invitation


async def _send(
    session: AsyncSession,
    invitation: StaffInvitation,
    staff: Staff | None,
    token: str,
    inviter: str,
    now: datetime,
    base_url: str,
) -> None:
    organisation = await session.get(Organisation, invitation.organisation_id)
    if staff is None or staff.password_hash == NO_PASSWORD:
        # They answer by choosing a password through the link.
        kind, name = "staff_invitation", invitation.full_name
    else:
        kind, name = "staff_join_invitation", staff.full_name
    # An account reads its own language; a new address the one the admin chose.
    language = staff.language if staff is not None else invitation.language
    await queue_message(
        session,
        Recipient(language, invitation.email),
        MessageContent(
            kind,
            {
                "name": name,
                "inviter": inviter,
                "organisation": organisation.name if organisation else "",
                "roles": list(invitation.roles),
                "link": invitation_link(base_url, language, token),
            },
        ),
        dedupe_key=f"invitation:{token_hash(token)}",
        now=now,
        organisation_id=invitation.organisation_id,
    )


async def find_open_invitation(
    session: AsyncSession, organisation_id: int, email: str, now: datetime
) -> StaffInvitation | None:
    return await session.scalar(
        select(StaffInvitation).where(
            StaffInvitation.organisation_id == organisation_id,
            StaffInvitation.email == email,
            StaffInvitation.status == InvitationStatus.OPEN,
            StaffInvitation.expires_at > now,
        )
    )


async def list_invitations(
    session: AsyncSession, viewer: Viewer, organisation_id: int | None = None
) -> list[StaffInvitation]:
    """The invitations of the admin's organisations (or of one of them), newest first."""
    orgs = viewer.organisations_with({"admin"})
    if organisation_id is not None:
        if organisation_id not in orgs:
            raise NotPermitted()
        orgs = frozenset({organisation_id})
    return list(
        await session.scalars(
            select(StaffInvitation)
            .where(StaffInvitation.organisation_id.in_(orgs))
            .order_by(StaffInvitation.created_at.desc(), StaffInvitation.id.desc())
            .limit(LISTED)
        )
    )


async def withdraw_invitation(
    session: AsyncSession, viewer: Viewer, invitation_id: int, now: datetime
) -> StaffInvitation:
    """The admin takes an open invitation back; its link stops working."""
    await begin_writing(session)
    invitation = await session.get(StaffInvitation, invitation_id)
    if invitation is None or invitation.organisation_id not in viewer.organisations_with({"admin"}):
        raise InvitationNotFound()
    changed = await session.execute(
        update(StaffInvitation)
        .where(StaffInvitation.id == invitation_id, StaffInvitation.status == InvitationStatus.OPEN)
        .values(status=InvitationStatus.WITHDRAWN, answered_at=now)
    )
    if changed.rowcount != 1:
        raise InvitationClosed()
    await session.commit()
    await session.refresh(invitation)
    log.info("invitation withdrawn", extra={"invitation_id": invitation_id, "by": viewer.staff_id})
    return invitation


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
    if changed.rowcount != 1:
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
    added = await _add_roles(session, staff.id, invitation.organisation_id, list(invitation.roles)) if accept else []
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
    await _add_roles(session, staff.id, invitation.organisation_id, list(invitation.roles))
    log.info("account claimed through an invitation", extra={"staff_id": staff.id, "invitation_id": invitation.id})
    return staff
