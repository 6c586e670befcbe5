"""JSON API of joining and leaving: a person's invitations (list, accept, decline) and an
admin's team (invite, list, withdraw, list members, remove from the organisation)."""

from __future__ import annotations

from datetime import datetime

from litestar import Response, delete, get, post
from litestar.params import JSONBody

from groepsaanbod.access.requirements import needs_account, needs_roles
from groepsaanbod.accounts.models import StaffInvitation
from groepsaanbod.accounts.services import invitations
from groepsaanbod.accounts.services.team import team_of
from groepsaanbod.membership import services
from groepsaanbod.membership.schemas import (
    AnswerOut,
    InvitationIn,
    InvitationOut,
    MyInvitationOut,
    RemovalOut,
    TeamMemberOut,
)
from groepsaanbod.paged import NEXT_LINK, PAGED, paged_response
from groepsaanbod.paging import PageRequest, page_list
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context

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


@get("/api/v1/me/invitations", opt=needs_account(), tags=["accounts"], dependencies=PAGED, response_headers=NEXT_LINK)
async def api_my_invitations(ctx: Context, page: PageRequest) -> Response[list[MyInvitationOut]]:
    """Open invitations to your email address, from organisations that ask you to work with them."""
    found = await services.open_invitations(ctx.db, ctx.staff, ctx.now())
    return paged_response(
        ctx.request,
        page_list(found, page, lambda row: row[0].id, newest_first=True),
        lambda row: MyInvitationOut(row[0].id, row[0].organisation_id, row[1], list(row[0].roles), row[0].expires_at),
    )


@post("/api/v1/me/invitations/{invitation_id:int}/accept", opt=needs_account(), tags=["accounts"], status_code=200)
async def api_accept(ctx: Context, invitation_id: int) -> AnswerOut:
    """Join the organisation with the invitation's roles. Only an invitation to your own address (404
    otherwise); 409 when it was answered or withdrawn already, or expired."""
    return answer_out(await services.accept_invitation(ctx.db, ctx.staff, invitation_id, ctx.now()))


@post("/api/v1/me/invitations/{invitation_id:int}/decline", opt=needs_account(), tags=["accounts"], status_code=200)
async def api_decline(ctx: Context, invitation_id: int) -> AnswerOut:
    """Say no to an invitation to your own address; nothing else changes. 409 when no longer open."""
    return answer_out(await services.decline_invitation(ctx.db, ctx.staff, invitation_id, ctx.now()))


@get(
    "/api/v1/organisations/{organisation_id:int}/invitations",
    opt=ADMINS,
    tags=["accounts"],
    dependencies=PAGED,
    response_headers=NEXT_LINK,
)
async def api_invitations(ctx: Context, organisation_id: int, page: PageRequest) -> Response[list[InvitationOut]]:
    """The organisation's invitations, newest first (admins of that organisation)."""
    moment = ctx.now()
    found = await invitations.list_invitations(ctx.db, ctx.staff, organisation_id)
    return paged_response(
        ctx.request, page_list(found, page, lambda i: i.id, newest_first=True), lambda i: invitation_out(i, moment)
    )


@post("/api/v1/organisations/{organisation_id:int}/invitations", opt=ADMINS, tags=["accounts"], status_code=201)
async def api_invite(
    ctx: Context, organisation_id: int, data: JSONBody[InvitationIn], settings: Settings
) -> InvitationOut:
    """Invite a person with roles. They join only when they accept (`status` open); someone already on
    the organisation's staff gets the roles at once (`status` accepted). The answer is the same whether
    or not the address has an account elsewhere."""
    new = invitations.NewInvitation(organisation_id, data.email, data.full_name, tuple(data.roles), data.language)
    moment = ctx.now()
    return invitation_out(
        await invitations.invite_staff(ctx.db, ctx.staff, new, moment, base_url=settings.base_url), moment
    )


@post("/api/v1/invitations/{invitation_id:int}/withdraw", opt=ADMINS, tags=["accounts"], status_code=200)
async def api_withdraw(ctx: Context, invitation_id: int) -> InvitationOut:
    """Take back an open invitation of your organisation; its link stops working. 409 when answered."""
    moment = ctx.now()
    return invitation_out(await invitations.withdraw_invitation(ctx.db, ctx.staff, invitation_id, moment), moment)


@get(
    "/api/v1/organisations/{organisation_id:int}/staff",
    opt=ADMINS,
    tags=["accounts"],
    dependencies=PAGED,
    response_headers=NEXT_LINK,
)
async def api_team(ctx: Context, organisation_id: int, page: PageRequest) -> Response[list[TeamMemberOut]]:
    """The people who work for the organisation, with their roles there, by staff id (admins of that
    organisation). Give a member more roles by inviting them again with those roles."""
    return paged_response(
        ctx.request,
        page_list(await team_of(ctx.db, ctx.staff, organisation_id), page, lambda m: m.staff.id),
        lambda m: TeamMemberOut(m.staff.id, m.staff.full_name, m.staff.email, list(m.roles), m.staff.active),
    )


@delete(
    "/api/v1/organisations/{organisation_id:int}/staff/{staff_id:int}",
    opt=ADMINS,
    tags=["accounts"],
    status_code=200,
)
async def api_remove(ctx: Context, organisation_id: int, staff_id: int) -> RemovalOut:
    """Take a person off the organisation's team: their roles there go, with their place on its meetings
    to come and in its groups, their hours there, its classes' mentorship and the calendar links they
    made for it. Their account and other organisations stay. 404 for someone not on your team; 422 when
    the organisation would have no administrator left."""
    removal = await services.remove_from_organisations(
        ctx.db, ctx.staff, staff_id, ctx.now(), organisation_id=organisation_id
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
