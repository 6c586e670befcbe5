"""JSON API of joining and leaving: a person's invitations (list, accept, decline) and an
admin's team (invite, list, withdraw, list members, remove from the organisation)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from litestar import delete, get, post
from litestar.params import JSONBody
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.errors import NotPermitted
from groepsaanbod.access.requirements import needs_account, needs_roles
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import Role, Staff, StaffInvitation
from groepsaanbod.accounts.services import invitations
from groepsaanbod.membership import services
from groepsaanbod.membership.schemas import (
    AnswerOut,
    InvitationIn,
    InvitationOut,
    MyInvitationOut,
    RemovalOut,
    TeamMemberOut,
)
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.settings import Settings

ADMINS = needs_roles("admin")


def invitation_out(invitation: StaffInvitation, now: datetime) -> InvitationOut:
    return InvitationOut(
        id=invitation.id,
        organisation_id=invitation.organisation_id,
        email=invitation.email,
        full_name=invitation.full_name,
        roles=list(invitation.roles),
        status=invitations.shown_status(invitation, now),
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
    )


def answer_out(invitation: StaffInvitation) -> AnswerOut:
    return AnswerOut(invitation.id, invitation.organisation_id, invitation.status, list(invitation.roles))


@get("/api/v1/me/invitations", opt=needs_account(), tags=["accounts"])
async def api_my_invitations(
    db_session: AsyncSession, viewer: Viewer, now: Callable[[], datetime]
) -> list[MyInvitationOut]:
    """Open invitations to your email address, from organisations that ask you to work with them."""
    found = await invitations.invitations_for(db_session, viewer.email, now())
    names = dict(
        (
            await db_session.execute(
                select(Organisation.id, Organisation.name).where(
                    Organisation.id.in_({i.organisation_id for i in found})
                )
            )
        ).all()
    )
    return [
        MyInvitationOut(i.id, i.organisation_id, names.get(i.organisation_id, ""), list(i.roles), i.expires_at)
        for i in found
    ]


@post("/api/v1/me/invitations/{invitation_id:int}/accept", opt=needs_account(), tags=["accounts"], status_code=200)
async def api_accept(
    invitation_id: int, db_session: AsyncSession, viewer: Viewer, now: Callable[[], datetime]
) -> AnswerOut:
    """Join the organisation with the invitation's roles. Only an invitation to your own address (404
    otherwise); 409 when it was answered or withdrawn already, or expired."""
    return answer_out(await services.accept_invitation(db_session, viewer, invitation_id, now()))


@post("/api/v1/me/invitations/{invitation_id:int}/decline", opt=needs_account(), tags=["accounts"], status_code=200)
async def api_decline(
    invitation_id: int, db_session: AsyncSession, viewer: Viewer, now: Callable[[], datetime]
) -> AnswerOut:
    """Say no to an invitation to your own address; nothing else changes. 409 when no longer open."""
    return answer_out(await services.decline_invitation(db_session, viewer, invitation_id, now()))


@get("/api/v1/organisations/{organisation_id:int}/invitations", opt=ADMINS, tags=["accounts"])
async def api_invitations(
    organisation_id: int, db_session: AsyncSession, viewer: Viewer, now: Callable[[], datetime]
) -> list[InvitationOut]:
    """The organisation's invitations, newest first (admins of that organisation)."""
    moment = now()
    return [invitation_out(i, moment) for i in await invitations.list_invitations(db_session, viewer, organisation_id)]


@post("/api/v1/organisations/{organisation_id:int}/invitations", opt=ADMINS, tags=["accounts"], status_code=201)
async def api_invite(
    organisation_id: int,
    data: JSONBody[InvitationIn],
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
    settings: Settings,
) -> InvitationOut:
    """Invite a person with roles. They join only when they accept (`status` open); someone already on
    the organisation's staff gets the roles at once (`status` accepted). The answer is the same whether
    or not the address has an account elsewhere."""
    new = invitations.NewInvitation(organisation_id, data.email, data.full_name, tuple(data.roles), data.language)
    moment = now()
    return invitation_out(
        await invitations.invite_staff(db_session, viewer, new, moment, base_url=settings.base_url), moment
    )


@post("/api/v1/invitations/{invitation_id:int}/withdraw", opt=ADMINS, tags=["accounts"], status_code=200)
async def api_withdraw(
    invitation_id: int, db_session: AsyncSession, viewer: Viewer, now: Callable[[], datetime]
) -> InvitationOut:
    """Take back an open invitation of your organisation; its link stops working. 409 when answered."""
    moment = now()
    return invitation_out(await invitations.withdraw_invitation(db_session, viewer, invitation_id, moment), moment)


@get("/api/v1/organisations/{organisation_id:int}/staff", opt=ADMINS, tags=["accounts"])
async def api_team(organisation_id: int, db_session: AsyncSession, viewer: Viewer) -> list[TeamMemberOut]:
    """The people who work for the organisation, with their roles there (admins of that organisation)."""
    if organisation_id not in viewer.organisations_with({"admin"}):
        raise NotPermitted()
    rows = (
        await db_session.execute(
            select(Staff, Role.role)
            .join(Role, Role.staff_id == Staff.id)
            .where(Role.organisation_id == organisation_id)
            .order_by(Staff.full_name, Staff.id)
        )
    ).all()
    team: dict[int, TeamMemberOut] = {}
    for person, role in rows:
        member = team.setdefault(person.id, TeamMemberOut(person.id, person.full_name, person.email, [], person.active))
        member.roles.append(role)
    return list(team.values())


@delete(
    "/api/v1/organisations/{organisation_id:int}/staff/{staff_id:int}",
    opt=ADMINS,
    tags=["accounts"],
    status_code=200,
)
async def api_remove(
    organisation_id: int, staff_id: int, db_session: AsyncSession, viewer: Viewer, now: Callable[[], datetime]
) -> RemovalOut:
    """Take a person off the organisation's team: their roles there go, with their place on its meetings
    to come and in its groups, their hours there, its classes' mentorship and the calendar links they
    made for it. Their account and other organisations stay. 404 for someone not on your team; 422 when
    the organisation would have no administrator left."""
    removal = await services.remove_from_organisations(
        db_session, viewer, staff_id, now(), organisation_id=organisation_id
    )
    return RemovalOut(
        list(removal.organisation_ids),
        list(removal.roles_removed),
        removal.meetings_left,
        removal.feeds_stopped,
        removal.works_elsewhere,
    )


ROUTES = [
    api_my_invitations,
    api_accept,
    api_decline,
    api_invitations,
    api_invite,
    api_withdraw,
    api_team,
    api_remove,
]
