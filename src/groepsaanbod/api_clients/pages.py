"""The admin's page of API clients: the list (with when each last called), making one (its token is
shown once, on the page that answers the form) and revoking one."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from litestar import Response, Router, get, post

from groepsaanbod import bounds
from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.api_clients import services
from groepsaanbod.api_clients.models import ApiClient
from groepsaanbod.api_clients.scopes import ACCESS, FAMILIES
from groepsaanbod.api_clients.tokens import NAME_LENGTH, latest_expiry
from groepsaanbod.i18n.text import N_
from groepsaanbod.refusals import Refused
from groepsaanbod.web import Context, problems_for_page

ADMINS = needs_roles("admin")

#: The families of scopes in plain words, as the page names them.
FAMILY_NAMES = {
    "programmes": N_("Programmes and templates"),
    "registrations": N_("Sign-ups"),
    "cohorts": N_("Groups"),
    "sessions": N_("Meetings"),
    "attendance": N_("Attendance"),
    "reports": N_("Reports"),
    "venues": N_("Locations"),
    "signals": N_("Who may be dropping out"),
    "team": N_("Team and invitations"),
    "audit": N_("Who saw or changed personal data"),
    "messages": N_("Messages"),
    "webhooks": N_("Webhooks"),
}
ACCESS_NAMES = {"read": N_("read"), "write": N_("change")}


def _form_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


async def _page(
    ctx: Context,
    *,
    problems: list[dict[str, Any]] | None = None,
    values: dict[str, Any] | None = None,
    made: tuple[ApiClient, str] | None = None,
    status: int = 200,
) -> Response:
    today = ctx.now().date()
    return ctx.render(
        "api_clients/clients.html",
        status_code=status,
        clients=[
            (c, org, services.shown_status(c, ctx.now()))
            for c, org in await services.list_api_clients(ctx.db, ctx.staff)
        ],
        organisations=await services.admin_organisations(ctx.db, ctx.staff),
        families=FAMILIES,
        access=ACCESS,
        family_names=FAMILY_NAMES,
        access_names=ACCESS_NAMES,
        name_length=NAME_LENGTH,
        tomorrow=(today + timedelta(days=1)).isoformat(),
        latest=latest_expiry(today).isoformat(),
        problems=problems or [],
        values=values or {"expires_on": (today + timedelta(days=365)).isoformat(), "scopes": []},
        made=made,
        done=ctx.request.query_params.get("done", ""),
    )


@get("/staff/api-clients", opt=ADMINS)
async def clients_page(ctx: Context) -> Response:
    return await _page(ctx)


@post("/staff/api-clients", opt=ADMINS)
async def create_submit(ctx: Context) -> Response:
    form = await ctx.request.form()
    scopes = [str(s) for s in form.getall("scopes")] if "scopes" in form else []
    values: dict[str, Any] = {
        "name": str(form.get("name", "")),
        "organisation_id": str(form.get("organisation_id", "")),
        "expires_on": str(form.get("expires_on", "")),
        "scopes": scopes,
    }
    organisation_id = bounds.form_id(values["organisation_id"])

    try:
        result = await services.create_api_client(
            ctx.db, ctx.staff, organisation_id, values["name"], scopes, _form_date(values["expires_on"]), ctx.now()
        )
    except Refused as refused:
        # As web.act: nothing half-saved, the form again with what is wrong.
        await ctx.db.rollback()
        return await _page(ctx, problems=problems_for_page(refused.problems), values=values, status=400)
    # The one time the token is shown: on this answer, never stored, never in a link.
    return await _page(ctx, made=result, status=201)


@post("/staff/api-clients/{client_id:int}/revoke", opt=ADMINS)
async def revoke_submit(ctx: Context, client_id: int) -> Response:
    await services.revoke_api_client(ctx.db, ctx.staff, client_id, ctx.now())
    return ctx.redirect("/staff/api-clients?done=revoked")


ROUTES = [
    Router(path="/{lang:str}", route_handlers=[clients_page, create_submit, revoke_submit], include_in_schema=False)
]
