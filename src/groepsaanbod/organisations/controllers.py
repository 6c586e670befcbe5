"""JSON API of organisations and their venues."""

from __future__ import annotations

from litestar import get, patch, post
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
from groepsaanbod.web import Context

EDITORS = needs_roles(*PROGRAMME_EDITORS)


@get("/api/v1/organisations", opt=EDITORS, tags=["organisations"])
async def api_list_organisations(ctx: Context) -> list[OrganisationOut]:
    """The organisations where you are coordinator or admin."""
    return [organisation_out(o) for o in await services.list_organisations(ctx.db, ctx.staff)]


@get("/api/v1/venues", opt=EDITORS, tags=["organisations"])
async def api_list_venues(ctx: Context) -> list[VenueOut]:
    """Locations of your organisations."""
    return [venue_out(v) for v in await services.list_venues(ctx.db, ctx.staff)]


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
