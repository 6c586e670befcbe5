"""Pages of the AVG: the privacy statement, a new private link, a participant's own
data as JSON, erasing it; and the JSON API for the last two."""

from __future__ import annotations

import json
from typing import Any

from litestar import Response, Router, delete, get, post
from litestar.status_codes import HTTP_204_NO_CONTENT

from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.accounts.guards import client_address
from groepsaanbod.i18n.text import shown
from groepsaanbod.privacy.services.rights import erase_participant, export_participant_data
from groepsaanbod.protection.rate_limits import take
from groepsaanbod.registration.services.private_links import link_limit, resend_private_link
from groepsaanbod.registration.services.registrations import CONSENT_VERSION, PrivateLinks, find_registration
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context


@get("/privacy", opt=PUBLIC)
async def privacy_page(ctx: Context, settings: Settings) -> Response:
    return ctx.render(
        "privacy/statement.html",
        version=CONSENT_VERSION,
        months=settings.retention_months,
        waiting=settings.waiting_months,
        link_days=settings.participant_link_days,
    )


@get("/new-link", opt=PUBLIC)
async def new_link_page(ctx: Context) -> Response:
    return ctx.render("privacy/new_link.html", sent=False)


@post("/new-link", opt=PUBLIC)
async def new_link_submit(ctx: Context, settings: Settings) -> Response:
    form = await ctx.request.form()
    moment = ctx.now()
    await take(ctx.db, link_limit(settings), client_address(ctx.request), moment)
    await resend_private_link(ctx.db, str(form.get("contact", "")), moment, PrivateLinks.of(settings))
    return ctx.render("privacy/new_link.html", sent=True)


def _json_download(data: dict[str, Any]) -> Response:
    return Response(
        content=json.dumps(data, ensure_ascii=False, indent=2).encode(),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="my-data.json"'},
    )


@get("/my/{token:str}/data.json", opt=PUBLIC)
async def my_data_download(ctx: Context, token: str) -> Response:
    return _json_download(await export_participant_data(ctx.db, token, ctx.now()))


@get("/my/{token:str}/erase", opt=PUBLIC)
async def erase_page(ctx: Context, token: str) -> Response:
    registration = await find_registration(ctx.db, token, ctx.now())
    return ctx.render(
        "privacy/erase.html",
        token=token,
        programme_name=shown(registration.programme.name, ctx.language),
        stopped=registration.status == RegistrationStatus.WITHDRAWN,
    )


@post("/my/{token:str}/erase", opt=PUBLIC)
async def erase_submit(ctx: Context, token: str) -> Response:
    await erase_participant(ctx.db, token, ctx.now())
    return ctx.render("privacy/erased.html")


@get("/api/v1/my/{token:str}/data", opt=PUBLIC, tags=["privacy"])
async def api_my_data(ctx: Context, token: str) -> dict[str, Any]:
    """Everything kept about you, as JSON (the same as the download on your private page)."""
    return await export_participant_data(ctx.db, token, ctx.now())


@delete("/api/v1/my/{token:str}", opt=PUBLIC, tags=["privacy"], status_code=HTTP_204_NO_CONTENT)
async def api_erase(ctx: Context, token: str) -> None:
    """Stop and erase your personal data; anonymous counts stay. The link stops working."""
    await erase_participant(ctx.db, token, ctx.now())


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[privacy_page, new_link_page, new_link_submit, my_data_download, erase_page, erase_submit],
        include_in_schema=False,
    ),
    api_my_data,
    api_erase,
]
