"""Pages of the participant's own side: their page (place, group, meetings) and stopping."""

from __future__ import annotations

from litestar import Response, Router, get, post

from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.i18n.text import pick
from groepsaanbod.participants import services
from groepsaanbod.registration.services.registrations import find_registration
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context


@get("/my/{token:str}", opt=PUBLIC)
async def my_page(ctx: Context, token: str) -> Response:
    place = await services.own_place(ctx.db, token, ctx.now())
    return ctx.render(
        "participants/my.html",
        registration=place.registration,
        cohort=None if place.stopped else place.cohort,
        programme_name=pick(place.registration.programme.name, ctx.language),
        token=token,
        sessions=place.meetings,
    )


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


ROUTES = [Router(path="/{lang:str}", route_handlers=[my_page, withdraw_page, withdraw_submit], include_in_schema=False)]
