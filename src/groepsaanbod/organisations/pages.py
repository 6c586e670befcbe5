"""Pages where a coordinator keeps the organisation's locations."""

from __future__ import annotations

from datetime import time
from typing import Any

from litestar import Request, Response, Router, get, post

from groepsaanbod import bounds
from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS
from groepsaanbod.i18n.languages import LANGUAGE_CODES
from groepsaanbod.organisations import services
from groepsaanbod.organisations.errors import VenueError
from groepsaanbod.web import Context, act

EDITORS = needs_roles(*PROGRAMME_EDITORS)
FIELDS = ("name", "street", "postcode", "city", "capacity")


async def _form_values(request: Request) -> dict[str, Any]:
    form = await request.form()
    values: dict[str, Any] = {key: str(form.get(key, "")) for key in FIELDS}
    values["accessibility"] = {code: str(form.get(f"accessibility-{code}", "")) for code in LANGUAGE_CODES}
    values["organisation_id"] = str(form.get("organisation_id", ""))
    return values


async def _list_page(
    ctx: Context,
    *,
    values: dict[str, Any] | None = None,
    problems: list[dict[str, Any]] | None = None,
    saved: bool = False,
) -> Response:
    return ctx.render(
        "organisations/venues.html",
        status_code=400 if problems else 200,
        venues=await services.list_venues(ctx.db, ctx.staff),
        organisations=await services.list_organisations(ctx.db, ctx.staff),
        values=values or {"accessibility": {}},
        problems=problems or [],
        saved=saved,
    )


async def _venue_page(
    ctx: Context,
    venue_id: int,
    *,
    values: dict[str, Any] | None = None,
    problems: list[dict[str, Any]] | None = None,
    done: str = "",
) -> Response:
    venue = await services.get_venue(ctx.db, ctx.staff, venue_id)
    if values is None:
        values = {key: getattr(venue, key) for key in FIELDS} | {"accessibility": dict(venue.accessibility)}
    return ctx.render(
        "organisations/venue.html",
        status_code=400 if problems else 200,
        venue=venue,
        values=values,
        problems=problems or [],
        opening=await services.opening_hours(ctx.db, ctx.staff, venue_id),
        done=done,
    )


@get("/staff/venues", opt=EDITORS)
async def venues_page(ctx: Context, saved: int = 0) -> Response:
    return await _list_page(ctx, saved=bool(saved))


@post("/staff/venues", opt=EDITORS)
async def add_venue_submit(ctx: Context) -> Response:
    values = await _form_values(ctx.request)
    organisation_id = bounds.form_id(values["organisation_id"])

    async def show_form(problems: list[dict[str, Any]]) -> Response:
        return await _list_page(ctx, values=values, problems=problems)

    return await act(
        ctx,
        lambda: services.add_venue(ctx.db, ctx.staff, organisation_id, values),
        done=lambda _: ctx.redirect("/staff/venues?saved=1"),
        form=show_form,
    )


@get("/staff/venues/{venue_id:int}", opt=EDITORS)
async def venue_page(ctx: Context, venue_id: int, done: str = "") -> Response:
    return await _venue_page(ctx, venue_id, done=done)


@post("/staff/venues/{venue_id:int}", opt=EDITORS)
async def change_venue_submit(ctx: Context, venue_id: int) -> Response:
    values = await _form_values(ctx.request)

    async def show_form(problems: list[dict[str, Any]]) -> Response:
        return await _venue_page(ctx, venue_id, values=values, problems=problems)

    return await act(
        ctx,
        lambda: services.change_venue(ctx.db, ctx.staff, venue_id, values),
        done=lambda _: ctx.redirect("/staff/venues?saved=1"),
        form=show_form,
    )


def hours_from_form(form: Any, prefix: str) -> list[tuple[int, time, time]] | None:
    """Seven rows of from/to; an empty row is a day off. None when a time cannot be read."""
    hours = []
    for weekday in range(7):
        raw_from, raw_to = str(form.get(f"{prefix}-{weekday}-from", "")), str(form.get(f"{prefix}-{weekday}-to", ""))
        if not raw_from.strip() and not raw_to.strip():
            continue
        starts, ends = bounds.time_of_day(raw_from), bounds.time_of_day(raw_to)
        if starts is None or ends is None:
            return None
        hours.append((weekday, starts, ends))
    return hours


@post("/staff/venues/{venue_id:int}/opening-hours", opt=EDITORS)
async def opening_hours_submit(ctx: Context, venue_id: int) -> Response:
    hours = hours_from_form(await ctx.request.form(), "opening")

    async def set_hours() -> None:
        if hours is None:
            raise VenueError.single("opening", bounds.TIME_FORM)
        await services.set_opening_hours(ctx.db, ctx.staff, venue_id, hours)

    async def say_refused(_problems: list[dict[str, Any]]) -> Response:
        return ctx.redirect(f"/staff/venues/{venue_id}?done=refused")

    return await act(
        ctx, set_hours, done=lambda _: ctx.redirect(f"/staff/venues/{venue_id}?done=saved"), form=say_refused
    )


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[venues_page, add_venue_submit, venue_page, change_venue_submit, opening_hours_submit],
        include_in_schema=False,
    )
]
