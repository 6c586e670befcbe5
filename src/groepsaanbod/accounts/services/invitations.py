"""Invitations to work with an organisation (the admin's side): invite_staff,
invite_to_organisation, find_open_invitation, list_invitations, withdraw_invitation.
(Answering them: invitation_answers.py.)

Joining an organisation needs the person's own consent. An address already on the
organisation's staff gets the roles at once (it joined before). Any other address
gets an invitation of its own, which the person accepts or declines. Until then the
organisation sees only what its admin typed, and the same answer whether or not the
address has an account elsewhere.

A link holds 256 random bits and only its hash is stored; it works for 7 days and once.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, cast

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod import bounds
from groepsaanbod.access.errors import NotPermitted
from groepsaanbod.access.roles import ROLES
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.errors import InvitationNotFound
from groepsaanbod.accounts.models import InvitationStatus, Role, Staff, StaffInvitation
from groepsaanbod.accounts.services.staff import NO_PASSWORD, normalise_email, token_hash
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


async def add_roles(session: AsyncSession, staff_id: int, organisation_id: int, roles: list[str]) -> list[str]:
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
    checked = replace(
        new,
        email=email,
        full_name=new.full_name.strip(),
        roles=tuple(roles),
        language=new.language if new.language in BY_CODE else "nl",
    )
    invitation = await invite_to_organisation(session, checked, invited_by=viewer, now=now, base_url=base_url)
    await session.commit()
    return invitation


async def invite_to_organisation(
    session: AsyncSession, new: NewInvitation, *, invited_by: Viewer, now: datetime, base_url: str
) -> StaffInvitation:
    """The invitation (accepted at once for someone already on this organisation's staff).

    For use cases that checked the permission and the invitation (a normalised address, known
    roles) already; the caller commits.
    """
    organisation_id, email, roles = new.organisation_id, new.email, list(new.roles)
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
        full_name=new.full_name,
        roles=list(roles),
        language=new.language,
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
        added = await add_roles(session, staff.id, organisation_id, roles)
        log.info(
            "roles given to a member of the organisation",
            extra={"staff_id": staff.id, "organisation_id": organisation_id, "roles": added, "by": invited_by.staff_id},
        )
    else:
        await _send(session, invitation, staff, token=token, inviter=invited_by.full_name, base_url=base_url)
    await session.flush()
    if not member:
        log.info(
            "staff invited",
            extra={"invitation_id": invitation.id, "organisation_id": organisation_id, "by": invited_by.staff_id},
        )
    return invitation


async def _send(
    session: AsyncSession, invitation: StaffInvitation, staff: Staff | None, *, token: str, inviter: str, base_url: str
) -> None:
    """The invitation's message, queued with it (at the moment it was made)."""
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
        now=invitation.created_at,
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
    if cast(CursorResult[Any], changed).rowcount != 1:
        raise InvitationClosed()
    await session.commit()
    await session.refresh(invitation)
    log.info("invitation withdrawn", extra={"invitation_id": invitation_id, "by": viewer.staff_id})
    return invitation
