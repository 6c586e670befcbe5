"""Pages of the participant's own side: their page (place, group, meetings) and stopping."""

from __future__ import annotations

from typing import Any

from litestar import Response, Router, get, post

from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.i18n.text import pick
from groepsaanbod.participants import services
from groepsaanbod.registration.services import offers
from groepsaanbod.registration.services.registrations import find_registration
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context, act


@get("/my/{token:str}", opt=PUBLIC)
async def my_page(ctx: Context, token: str) -> Response:
    return await _my_page(ctx, token)


async def _my_page(ctx: Context, token: str, offer_problems: list[dict[str, Any]] | None = None) -> Response:
    place = await services.own_place(ctx.db, token, ctx.now())
    return ctx.render(
        "participants/my.html",
        status_code=400 if offer_problems else 200,
        registration=place.registration,
        cohort=None if place.stopped else place.cohort,
        programme_name=pick(place.registration.programme.name, ctx.language),
        token=token,
        sessions=place.meetings,
        offer_problems=offer_problems or [],
    )


@post("/my/{token:str}/offer", opt=PUBLIC)
async def offer_submit(ctx: Context, token: str, settings: Settings) -> Response:
    """The answer to an offered place: accept or decline (registration/services/offers.py)."""
    form = await ctx.request.form()
    answer = str(form.get("action", ""))
    if answer not in ("accept", "decline"):
        return ctx.redirect(f"/my/{token}")

    async def answered() -> object:
        if answer == "accept":
            return await offers.accept_offer(ctx.db, token, ctx.now())
        return await offers.decline_offer(ctx.db, token, ctx.now(), settings.base_url)

    async def again(problems: list[dict[str, Any]]) -> Response:
        return await _my_page(ctx, token, problems)

    return await act(ctx, answered, done=lambda _: ctx.redirect(f"/my/{token}"), form=again)


@get("/my/{token:str}/withdraw", opt=PUBLIC)
async def withdraw_page(ctx: Context, token: str) -> Response:
    registration = await find_registration(ctx.db, token, ctx.now())
    if registration.status == RegistrationStatus.WITHDRAWN:
        return ctx.redirect(f"/my/{token}")
    return ctx.render(
        "participants/withdraw.html", token=token, programme_name=pick(registration.programme.name, ctx.language)
    )


@post("/my/{token:str}/withdraw", opt=PUBLIC)
async def withdraw_submit(ctx: Context, token: str, settings: Settings) -> Response:
    registration = await services.stop_taking_part(ctx.db, token, ctx.now(), settings.retention_months)
    return ctx.render(
        "participants/withdrawn.html", programme_name=pick(registration.programme.name, ctx.language), token=token
    )


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[my_page, offer_submit, withdraw_page, withdraw_submit],
        include_in_schema=False,
    )
]
