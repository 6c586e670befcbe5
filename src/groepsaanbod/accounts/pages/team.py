"""The organisation admin's page: the team per organisation, invitations sent, the
second-factor rule. Only the admin's own organisations are shown or changed.

People appear on the team only once they hold a role there (they accepted an
invitation, or were added by the CLI). An open invitation shows what the admin typed,
never the name of an account the address may have. Removing someone from the team is
a use case of the membership area (membership/pages.py)."""

from __future__ import annotations

from typing import Any

from litestar import Response, Router, get, post

from groepsaanbod import bounds
from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.access.roles import ROLES
from groepsaanbod.accounts.models import InvitationStatus, StaffInvitation
from groepsaanbod.accounts.services import invitations
from groepsaanbod.accounts.services.second_factor import require_second_factor
from groepsaanbod.accounts.services.team import team_overview
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context, act

ADMINS = needs_roles("admin")


def form_int(value: object) -> int:
    return bounds.form_id(value)


async def team_page_response(
    ctx: Context,
    *,
    problems: list[dict[str, Any]] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """The team page; with `problems` (and what was typed, `values`) after a refusal."""
    overview = await team_overview(ctx.db, ctx.staff, ctx.now())
    return ctx.render(
        "accounts/team.html",
        status_code=status,
        organisations=overview.organisations,
        teams={
            o.id: [(m.staff, sorted(m.roles)) for m in overview.members.get(o.id, [])] for o in overview.organisations
        },
        invitations=overview.invitations,
        roles=ROLES,
        problems=problems or [],
        values=values or {},
        done=ctx.request.query_params.get("done", ""),
    )


@get("/staff/team", opt=ADMINS)
async def team_page(ctx: Context) -> Response:
    return await team_page_response(ctx)


@post("/staff/team/invitations", opt=ADMINS)
async def invite_submit(ctx: Context, settings: Settings) -> Response:
    form = await ctx.request.form()
    values = {key: str(form.get(key, "")) for key in ("email", "full_name", "organisation_id", "language")}
    new = invitations.NewInvitation(
        organisation_id=form_int(values["organisation_id"]),
        email=values["email"],
        full_name=values["full_name"],
        roles=tuple(str(r) for r in form.getall("roles")) if "roles" in form else (),
        language=values["language"] or ctx.language,
    )

    def done(invitation: StaffInvitation) -> Response:
        return ctx.redirect(f"/staff/team?done={'invited' if invitation.status == InvitationStatus.OPEN else 'roles'}")

    async def show_form(problems: list[dict[str, Any]]) -> Response:
        return await team_page_response(ctx, problems=problems, values=values, status=400)

    return await act(
        ctx,
        lambda: invitations.invite_staff(ctx.db, ctx.staff, new, ctx.now(), base_url=settings.base_url),
        done=done,
        form=show_form,
    )


@post("/staff/team/invitations/{invitation_id:int}/withdraw", opt=ADMINS)
async def withdraw_submit(ctx: Context, invitation_id: int) -> Response:
    async def show_page(problems: list[dict[str, Any]]) -> Response:
        return await team_page_response(ctx, problems=problems, status=409)

    return await act(
        ctx,
        lambda: invitations.withdraw_invitation(ctx.db, ctx.staff, invitation_id, ctx.now()),
        done=lambda _: ctx.redirect("/staff/team?done=withdrawn"),
        form=show_page,
    )


@post("/staff/team/second-factor", opt=ADMINS)
async def second_factor_rule_submit(ctx: Context) -> Response:
    form = await ctx.request.form()
    required = str(form.get("required", "")) == "1"
    await require_second_factor(ctx.db, ctx.staff, form_int(form.get("organisation_id")), required=required)
    return ctx.redirect("/staff/team?done=saved")


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[team_page, invite_submit, withdraw_submit, second_factor_rule_submit],
        include_in_schema=False,
    )
]
