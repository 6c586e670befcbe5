"""Pages to make a calendar link (shown once, with a QR code to scan)."""

from __future__ import annotations

from litestar import Response, Router, post

from groepsaanbod.access.requirements import PUBLIC, needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS, ROLES
from groepsaanbod.calendars import services
from groepsaanbod.calendars.links import feed_links
from groepsaanbod.organisations.services import get_venue
from groepsaanbod.registration.services.registrations import find_registration
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.scheduling.services.planning import check_cohort
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context


def _show(ctx: Context, settings: Settings, new: services.NewFeed, back: str) -> Response:
    """The new link, once; `back` is the page it was made from (without the language)."""
    return ctx.render(
        "calendars/subscribe.html", links=feed_links(settings.base_url, new.path()), back=f"/{ctx.language}{back}"
    )


@post("/staff/agenda/feed", opt=needs_roles(*ROLES))
async def staff_feed_submit(ctx: Context, settings: Settings) -> Response:
    new = await services.create_feed(ctx.db, "staff", ctx.staff.staff_id, language=ctx.language, now=ctx.now())
    return _show(ctx, settings, new, "/staff/agenda")


@post("/staff/cohorts/{cohort_id:int}/feed", opt=needs_roles(*PROGRAMME_EDITORS))
async def cohort_feed_submit(ctx: Context, cohort_id: int, settings: Settings) -> Response:
    await check_cohort(ctx.db, ctx.staff, cohort_id)  # 404 unless the cohort is the viewer's organisation's
    new = await services.create_feed(
        ctx.db, "cohort", cohort_id, language=ctx.language, now=ctx.now(), made_by=ctx.staff.staff_id
    )
    return _show(ctx, settings, new, f"/staff/cohorts/{cohort_id}/schedule")


@post("/staff/venues/{venue_id:int}/feed", opt=needs_roles(*PROGRAMME_EDITORS))
async def venue_feed_submit(ctx: Context, venue_id: int, settings: Settings) -> Response:
    await get_venue(ctx.db, ctx.staff, venue_id)
    new = await services.create_feed(
        ctx.db, "venue", venue_id, language=ctx.language, now=ctx.now(), made_by=ctx.staff.staff_id
    )
    return _show(ctx, settings, new, f"/staff/venues/{venue_id}")


@post("/my/{token:str}/feed", opt=PUBLIC)
async def participant_feed_submit(ctx: Context, token: str, settings: Settings) -> Response:
    registration = await find_registration(ctx.db, token, ctx.now())
    if registration.status == RegistrationStatus.WITHDRAWN:  # the page no longer offers it: show why
        return ctx.redirect(f"/my/{token}")
    new = await services.create_feed(
        ctx.db, "participant", registration.id, language=registration.participant.language, now=ctx.now()
    )
    return _show(ctx, settings, new, f"/my/{token}")


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[staff_feed_submit, cohort_feed_submit, venue_feed_submit, participant_feed_submit],
        include_in_schema=False,
    )
]
