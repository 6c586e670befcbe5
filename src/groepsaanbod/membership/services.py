"""Joining and leaving organisations: accept_invitation, decline_invitation,
accept_with_password, remove_from_organisations, disable_own_account, disable_account,
enable_account; and what the person's pages show: invitation_view, open_invitations,
account_overview.

This area sits above scheduling and calendars: leaving an organisation ends what
the roles there allowed (meetings to come and groups, working hours, the mentorship
of its classes, the calendar links the person made for it), and accepting an
invitation makes the person mentor of the classes that waited for them. Only the
person (or a platform operator through the CLI) disables a whole account; an
organisation's admin removes the person from their own organisations only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.errors import InvitationNotFound, StaffNotFound
from groepsaanbod.accounts.models import Role, Staff, StaffInvitation, StaffSession
from groepsaanbod.accounts.password_policy import normalise_password
from groepsaanbod.accounts.passwords import password_matches
from groepsaanbod.accounts.services import invitation_answers
from groepsaanbod.accounts.services.staff import NO_PASSWORD, normalise_email
from groepsaanbod.calendars.services import stop_feeds_of_leaver, stop_own_feed
from groepsaanbod.db import begin_writing, lock_row
from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.refusals import Problem, Refused
from groepsaanbod.scheduling.services.staffing import release_staff, take_up_mentorships

log = logging.getLogger(__name__)

LAST_ADMIN = N_(
    "%(organisation)s would have no administrator left. Make someone else administrator first, then try again."
)
PASSWORD_NOT_RIGHT = N_("This password is not right. Enter the password you sign in with.")
CONFIRM_NEEDED = N_("Tick the box to confirm that you want to disable your account.")
SOLE_ADMIN = N_(
    "You are the only administrator of %(organisation)s. Make someone else administrator first, "
    "so the organisation can still manage its team."
)


async def _person(session: AsyncSession, viewer: Viewer) -> Staff:
    staff = await session.get(Staff, viewer.staff_id)
    if staff is None:
        raise InvitationNotFound()
    return staff


async def accept_invitation(
    session: AsyncSession, viewer: Viewer, invitation_id: int, now: datetime
) -> StaffInvitation:
    """The signed-in person joins the organisation with the invitation's roles."""
    await begin_writing(session)
    staff = await _person(session, viewer)
    invitation = await invitation_answers.invitation_of(session, staff, invitation_id)
    await invitation_answers.settle_invitation(session, invitation, staff, accept=True, now=now)
    await take_up_mentorships(session, invitation.id, staff.id)
    await session.commit()
    await session.refresh(invitation)
    return invitation


async def decline_invitation(
    session: AsyncSession, viewer: Viewer, invitation_id: int, now: datetime
) -> StaffInvitation:
    """The signed-in person says no; the organisation sees it declined, nothing else changes."""
    await begin_writing(session)
    staff = await _person(session, viewer)
    invitation = await invitation_answers.invitation_of(session, staff, invitation_id)
    await invitation_answers.settle_invitation(session, invitation, staff, accept=False, now=now)
    await session.commit()
    await session.refresh(invitation)
    return invitation


async def accept_with_password(session: AsyncSession, token: str, password: str, now: datetime) -> Staff:
    """An address without a usable account accepts by choosing its password through the link."""
    await begin_writing(session)
    invitation = await invitation_answers.find_invitation_by_token(session, token, now)
    if invitation is None:
        raise InvitationNotFound()
    staff = await invitation_answers.claim_account(session, invitation, password, now)
    await take_up_mentorships(session, invitation.id, staff.id)
    await session.commit()
    return staff


@dataclass(frozen=True)
class Removal:
    organisation_ids: tuple[int, ...]
    roles_removed: tuple[str, ...]
    meetings_left: int
    feeds_stopped: int
    #: The person still works for another organisation (their account and sign-ins stay).
    works_elsewhere: bool


async def _admins_left(session: AsyncSession, organisation_id: int, leaving: int) -> int:
    return (
        await session.scalar(
            select(func.count(func.distinct(Role.staff_id)))
            .join(Staff, Staff.id == Role.staff_id)
            .where(
                Role.organisation_id == organisation_id,
                Role.role == "admin",
                Role.staff_id != leaving,
                Staff.active.is_(True),
            )
        )
        or 0
    )


async def remove_from_organisations(
    session: AsyncSession,
    viewer: Viewer,
    staff_id: int,
    now: datetime,
    *,
    organisation_id: int | None = None,
) -> Removal:
    """An admin takes a person off the team of their own organisations (or of the one named).

    The person's roles there go, and what they allowed there ends; their account, their
    other organisations and, while they still work anywhere, their sign-ins stay. Refused
    when an organisation would be left without an administrator (also an admin's own last
    admin role). Unknown here: anyone who holds no role in these organisations (404).
    """
    admin_of = viewer.organisations_with({"admin"})
    scope = admin_of if organisation_id is None else admin_of & {organisation_id}
    if not scope:
        raise StaffNotFound()
    await begin_writing(session)
    # Two admins removing each other at once: the second waits, then counts one admin left.
    for org in sorted(scope):
        await lock_row(session, Organisation.__table__, org)
    held = list(await session.scalars(select(Role).where(Role.staff_id == staff_id, Role.organisation_id.in_(scope))))
    if not held:
        raise StaffNotFound()
    orgs = sorted({role.organisation_id for role in held})
    for org in orgs:
        if any(r.role == "admin" and r.organisation_id == org for r in held) and not await _admins_left(
            session, org, staff_id
        ):
            organisation = await session.get(Organisation, org)
            raise Refused.single("staff_id", LAST_ADMIN, organisation=organisation.name if organisation else "")
    await session.execute(delete(Role).where(Role.staff_id == staff_id, Role.organisation_id.in_(orgs)))
    meetings = await release_staff(session, staff_id, orgs, now)
    elsewhere = bool(await session.scalar(select(func.count()).select_from(Role).where(Role.staff_id == staff_id)))
    feeds = await stop_feeds_of_leaver(session, staff_id, orgs, now, own_feed=not elsewhere)
    if not elsewhere:
        # Nothing left to sign in for: every sign-in of the person ends.
        await session.execute(delete(StaffSession).where(StaffSession.staff_id == staff_id))
    await session.commit()
    removal = Removal(tuple(orgs), tuple(sorted({r.role for r in held})), meetings, feeds, elsewhere)
    log.info(
        "staff removed from organisations",
        extra={
            "staff_id": staff_id,
            "organisations": orgs,
            "by": viewer.staff_id,
            "meetings": meetings,
            "feeds": feeds,
            "works_elsewhere": elsewhere,
        },
    )
    return removal


async def sole_admin_of(session: AsyncSession, staff_id: int) -> list[Organisation]:
    """The organisations where this person is the only active administrator."""
    orgs = list(
        await session.scalars(select(Role.organisation_id).where(Role.staff_id == staff_id, Role.role == "admin"))
    )
    alone = [org for org in orgs if not await _admins_left(session, org, staff_id)]
    if not alone:
        return []
    return list(
        await session.scalars(select(Organisation).where(Organisation.id.in_(alone)).order_by(Organisation.name))
    )


async def disable_account(session: AsyncSession, staff_id: int, now: datetime) -> bool:
    """The whole account stops: no sign-in anywhere, every session and the person's own
    calendar link end. Their roles stay, so each organisation sees the account disabled.
    Only the person themself (account page) or a platform operator (CLI) does this."""
    staff = await session.get(Staff, staff_id)
    if staff is None:
        return False
    staff.active = False
    await session.execute(delete(StaffSession).where(StaffSession.staff_id == staff_id))
    await stop_own_feed(session, staff_id, now)
    await session.commit()
    log.info("account disabled", extra={"staff_id": staff_id})
    return True


async def disable_own_account(
    session: AsyncSession, viewer: Viewer, *, confirmed: bool, password: str, now: datetime
) -> None:
    """The person disables their own whole account, confirmed with the box and their password.
    Refused (nothing changes) while they are the only administrator of an organisation."""
    staff = await session.get(Staff, viewer.staff_id)
    problems: list[Problem] = []
    if not confirmed:
        problems.append(Problem("confirm", Message(CONFIRM_NEEDED)))
    if staff is None or not await password_matches(staff.password_hash, normalise_password(password)):
        problems.append(Problem("password", Message(PASSWORD_NOT_RIGHT)))
    for organisation in await sole_admin_of(session, viewer.staff_id):
        problems.append(Problem("confirm", Message(SOLE_ADMIN, {"organisation": organisation.name})))
    if problems:
        raise Refused(problems)
    await disable_account(session, viewer.staff_id, now)


async def find_account(session: AsyncSession, email: str) -> Staff | None:
    return await session.scalar(select(Staff).where(Staff.email == normalise_email(email)))


async def enable_account(session: AsyncSession, staff_id: int) -> bool:
    """A platform operator turns a disabled account back on (CLI)."""
    staff = await session.get(Staff, staff_id)
    if staff is None:
        return False
    staff.active = True
    await session.commit()
    log.info("account enabled", extra={"staff_id": staff_id})
    return True


@dataclass(frozen=True)
class InvitationView:
    """What the invitation page decides on: the inviting organisation's name and the account
    of the invited address (None when it has none)."""

    organisation_name: str
    account: Staff | None

    @property
    def choose_password(self) -> bool:
        """No usable account: the person accepts by choosing a password through the link."""
        return self.account is None or self.account.password_hash == NO_PASSWORD


async def invitation_view(session: AsyncSession, invitation: StaffInvitation) -> InvitationView:
    account = await session.scalar(select(Staff).where(Staff.email == invitation.email))
    organisation = await session.get(Organisation, invitation.organisation_id)
    return InvitationView(organisation.name if organisation else "", account)


async def open_invitations(session: AsyncSession, viewer: Viewer, now: datetime) -> list[tuple[StaffInvitation, str]]:
    """The open invitations to the person's address, oldest first, each with its organisation's name."""
    found = await invitation_answers.invitations_for(session, viewer.email, now)
    names = dict(
        (
            await session.execute(
                select(Organisation.id, Organisation.name).where(
                    Organisation.id.in_({i.organisation_id for i in found})
                )
            )
        ).all()
    )
    return [(i, names.get(i.organisation_id, "")) for i in found]


@dataclass(frozen=True)
class AccountOverview:
    """The person's own account page: their roles per organisation (by name) and the
    invitations they can answer."""

    memberships: dict[str, list[str]]
    invitations: list[tuple[StaffInvitation, str]]


async def account_overview(session: AsyncSession, viewer: Viewer, now: datetime) -> AccountOverview:
    rows = (
        await session.execute(
            select(Organisation.name, Role.role)
            .join(Role, Role.organisation_id == Organisation.id)
            .where(Role.staff_id == viewer.staff_id)
            .order_by(Organisation.name)
        )
    ).all()
    memberships: dict[str, list[str]] = {}
    for name, role in rows:
        memberships.setdefault(name, []).append(role)
    return AccountOverview(
        memberships={name: sorted(held) for name, held in memberships.items()},
        invitations=await open_invitations(session, viewer, now),
    )
