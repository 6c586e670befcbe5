"""Pages of a location's schedule: its meetings in a week, and closing it for a while."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from litestar import Response, Router, get, post

from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS
from groepsaanbod.scheduling.pages.forms import form_date
from groepsaanbod.scheduling.services import closures, views
from groepsaanbod.web import Context, act

EDITORS = needs_roles(*PROGRAMME_EDITORS)


@get("/staff/venues/{venue_id:int}/week", opt=EDITORS)
async def venue_week_page(ctx: Context, venue_id: int, monday: str = "", affected: int | None = None) -> Response:
    start = form_date(monday) or ctx.now().date()
    start = start - timedelta(days=start.weekday())
    view = await views.venue_week_view(ctx.db, ctx.staff, venue_id, monday=start, now=ctx.now())
    return ctx.render(
        "scheduling/venue_week.html",
        venue=view.venue,
        sessions=view.sessions,
        monday=start,
        previous=start - timedelta(days=7),
        next=start + timedelta(days=7),
        affected=affected,
    )


@post("/staff/venues/{venue_id:int}/closures", opt=EDITORS)
async def closure_submit(ctx: Context, venue_id: int) -> Response:
    form = await ctx.request.form()
    refused = f"/staff/venues/{venue_id}?done=refused"
    try:
        starts = datetime.fromisoformat(str(form.get("closed_from", "")))
        ends = datetime.fromisoformat(str(form.get("closed_until", "")))
    except ValueError:
        return ctx.redirect(refused)
    closure = closures.Closure(starts.replace(tzinfo=None), ends.replace(tzinfo=None), str(form.get("reason", "")))
    monday = starts.date() - timedelta(days=starts.weekday())

    async def say_refused(_problems: list[dict[str, Any]]) -> Response:
        return ctx.redirect(refused)

    return await act(
        ctx,
        lambda: closures.close_venue(ctx.db, ctx.staff, venue_id, closure, now=ctx.now()),
        done=lambda affected: ctx.redirect(
            f"/staff/venues/{venue_id}/week?monday={monday.isoformat()}&affected={len(affected)}"
        ),
        form=say_refused,
    )


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[closure_submit, venue_week_page],
        include_in_schema=False,
    )
]
