"""JSON API of organisations and their venues."""

from __future__ import annotations

from litestar import Response, get, patch, post
from litestar.params import JSONBody

from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS
from groepsaanbod.organisations import services
from groepsaanbod.organisations.schemas import (
    OpeningHoursIn,
    OrganisationOut,
    VenueChange,
    VenueIn,
    VenueOut,
    hours_of,
    organisation_out,
    venue_out,
)
from groepsaanbod.paged import NEXT_LINK, PAGED, paged_response
from groepsaanbod.paging import PageRequest, page_list
from groepsaanbod.web import Context

EDITORS = needs_roles(*PROGRAMME_EDITORS)


@get("/api/v1/organisations", opt=EDITORS, tags=["organisations"], dependencies=PAGED, response_headers=NEXT_LINK)
async def api_list_organisations(ctx: Context, page: PageRequest) -> Response[list[OrganisationOut]]:
    """The organisations where you are coordinator or admin, by id."""
    found = page_list(await services.list_organisations(ctx.db, ctx.staff), page, lambda o: o.id)
    return paged_response(ctx.request, found, organisation_out)


@get("/api/v1/venues", opt=EDITORS, tags=["organisations"], dependencies=PAGED, response_headers=NEXT_LINK)
async def api_list_venues(ctx: Context, page: PageRequest) -> Response[list[VenueOut]]:
    """Locations of your organisations, by id."""
    return paged_response(
        ctx.request, page_list(await services.list_venues(ctx.db, ctx.staff), page, lambda v: v.id), venue_out
    )


@post("/api/v1/venues", opt=EDITORS, tags=["organisations"])
async def api_add_venue(ctx: Context, data: JSONBody[VenueIn]) -> VenueOut:
    """Add a location: name, street, Dutch postcode, town, how many people fit in the room."""
    raw = {k: v for k, v in data.__dict__.items() if k != "organisation_id"}
    return venue_out(await services.add_venue(ctx.db, ctx.staff, data.organisation_id, raw))


@patch("/api/v1/venues/{venue_id:int}", opt=EDITORS, tags=["organisations"])
async def api_change_venue(ctx: Context, venue_id: int, data: JSONBody[VenueChange]) -> VenueOut:
    return venue_out(await services.change_venue(ctx.db, ctx.staff, venue_id, dict(data.__dict__)))


@post("/api/v1/venues/{venue_id:int}/opening-hours", opt=EDITORS, tags=["organisations"], status_code=200)
async def api_opening_hours(ctx: Context, venue_id: int, data: JSONBody[OpeningHoursIn]) -> dict[str, str]:
    await services.set_opening_hours(ctx.db, ctx.staff, venue_id, hours_of(data.hours))
    return {"status": "ok"}


ROUTES = [api_list_organisations, api_list_venues, api_add_venue, api_change_venue, api_opening_hours]
