"""Pages where a coordinator keeps the organisation's locations."""

from __future__ import annotations

from datetime import time
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import Provide
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod import bounds
from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.i18n.languages import LANGUAGE_CODES
from groepsaanbod.organisations import services
from groepsaanbod.organisations.errors import VenueError
from groepsaanbod.web import problems_for_page, provide_language, render

EDITORS = needs_roles(*PROGRAMME_EDITORS)
FIELDS = ("name", "street", "postcode", "city", "capacity")


async def _form_values(request: Request) -> dict[str, Any]:
    form = await request.form()
    values: dict[str, Any] = {key: str(form.get(key, "")) for key in FIELDS}
    values["accessibility"] = {code: str(form.get(f"accessibility-{code}", "")) for code in LANGUAGE_CODES}
    values["organisation_id"] = str(form.get("organisation_id", ""))
    return values


async def _list_page(
    request: Request,
    language: str,
    db_session: AsyncSession,
    viewer: Viewer,
    values: dict[str, Any] | None = None,
    problems: list[dict[str, Any]] | None = None,
    status: int = 200,
    saved: bool = False,
) -> Response:
    organisations = await services.list_organisations(db_session, viewer)
    return render(
        request,
        language,
        "organisations/venues.html",
        status_code=status,
        viewer=viewer,
        venues=await services.list_venues(db_session, viewer),
        organisations=organisations,
        values=values or {"accessibility": {}},
        problems=problems or [],
        saved=saved,
    )


@get("/staff/venues", opt=EDITORS)
async def venues_page(
    request: Request, language: str, db_session: AsyncSession, viewer: Viewer, saved: int = 0
) -> Response:
    return await _list_page(request, language, db_session, viewer, saved=bool(saved))


@post("/staff/venues", opt=EDITORS)
async def add_venue_submit(request: Request, language: str, db_session: AsyncSession, viewer: Viewer) -> Response:
    values = await _form_values(request)
    organisation_id = bounds.form_id(values["organisation_id"])
    try:
        await services.add_venue(db_session, viewer, organisation_id, values)
    except VenueError as refused:
        await db_session.rollback()
        return await _list_page(
            request, language, db_session, viewer, values, problems_for_page(refused.problems), status=400
        )
    return Redirect(f"/{language}/staff/venues?saved=1", status_code=303)


@get("/staff/venues/{venue_id:int}", opt=EDITORS)
async def venue_page(
    request: Request, language: str, venue_id: int, db_session: AsyncSession, viewer: Viewer, done: str = ""
) -> Response:
    venue = await services.get_venue(db_session, viewer, venue_id)
    values = {key: getattr(venue, key) for key in FIELDS} | {"accessibility": dict(venue.accessibility)}
    return render(
        request,
        language,
        "organisations/venue.html",
        viewer=viewer,
        venue=venue,
        values=values,
        problems=[],
        opening=await services.opening_hours(db_session, viewer, venue_id),
        done=done,
    )


@post("/staff/venues/{venue_id:int}", opt=EDITORS)
async def change_venue_submit(
    request: Request, language: str, venue_id: int, db_session: AsyncSession, viewer: Viewer
) -> Response:
    values = await _form_values(request)
    try:
        await services.change_venue(db_session, viewer, venue_id, values)
    except VenueError as refused:
        await db_session.rollback()
        venue = await services.get_venue(db_session, viewer, venue_id)
        return render(
            request,
            language,
            "organisations/venue.html",
            status_code=400,
            viewer=viewer,
            venue=venue,
            values=values,
            problems=problems_for_page(refused.problems),
            opening=await services.opening_hours(db_session, viewer, venue_id),
        )
    return Redirect(f"/{language}/staff/venues?saved=1", status_code=303)


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
async def opening_hours_submit(
    request: Request, language: str, venue_id: int, db_session: AsyncSession, viewer: Viewer
) -> Response:
    hours = hours_from_form(await request.form(), "opening")
    try:
        if hours is None:
            raise VenueError.single("opening", bounds.TIME_FORM)
        await services.set_opening_hours(db_session, viewer, venue_id, hours)
    except VenueError:
        await db_session.rollback()
        return Redirect(f"/{language}/staff/venues/{venue_id}?done=refused", status_code=303)
    return Redirect(f"/{language}/staff/venues/{venue_id}?done=saved", status_code=303)


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[venues_page, add_venue_submit, venue_page, change_venue_submit, opening_hours_submit],
        dependencies={"language": Provide(provide_language)},
        include_in_schema=False,
    )
]
