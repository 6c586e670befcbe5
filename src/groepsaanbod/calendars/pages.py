"""Pages to make a calendar link (shown once, with a QR code to scan)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from litestar import Request, Response, Router, post
from litestar.di import Provide
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.requirements import PUBLIC, needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS, ROLES
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.calendars import services
from groepsaanbod.calendars.links import feed_links
from groepsaanbod.settings import Settings
from groepsaanbod.web import provide_language, render


def _show(
    request: Request, language: str, settings: Settings, new: services.NewFeed, back: str, viewer: Viewer | None = None
) -> Response:
    return render(
        request,
        language,
        "calendars/subscribe.html",
        viewer=viewer,
        links=feed_links(settings.base_url, new.path()),
        back=back,
    )


@post("/staff/agenda/feed", opt=needs_roles(*ROLES))
async def staff_feed_submit(
    request: Request,
    language: str,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
    settings: Settings,
) -> Response:
    new = await services.create_feed(db_session, "staff", viewer.staff_id, language, now())
    return _show(request, language, settings, new, f"/{language}/staff/agenda", viewer)


@post("/staff/cohorts/{cohort_id:int}/feed", opt=needs_roles(*PROGRAMME_EDITORS))
async def cohort_feed_submit(
    request: Request,
    language: str,
    cohort_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
    settings: Settings,
) -> Response:
    from groepsaanbod.scheduling.services.planning import check_cohort

    await check_cohort(db_session, viewer, cohort_id)
    new = await services.create_feed(db_session, "cohort", cohort_id, language, now(), made_by=viewer.staff_id)
    return _show(request, language, settings, new, f"/{language}/staff/cohorts/{cohort_id}/schedule", viewer)


@post("/staff/venues/{venue_id:int}/feed", opt=needs_roles(*PROGRAMME_EDITORS))
async def venue_feed_submit(
    request: Request,
    language: str,
    venue_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
    settings: Settings,
) -> Response:
    from groepsaanbod.organisations.services import get_venue

    await get_venue(db_session, viewer, venue_id)
    new = await services.create_feed(db_session, "venue", venue_id, language, now(), made_by=viewer.staff_id)
    return _show(request, language, settings, new, f"/{language}/staff/venues/{venue_id}", viewer)


@post("/my/{token:str}/feed", opt=PUBLIC)
async def participant_feed_submit(
    request: Request,
    language: str,
    token: str,
    db_session: AsyncSession,
    now: Callable[[], datetime],
    settings: Settings,
) -> Response:
    from groepsaanbod.registration.services.registrations import find_registration

    registration = await find_registration(db_session, token, now())
    if registration.status == "withdrawn":  # the page no longer offers it: show why
        return Redirect(f"/{language}/my/{token}", status_code=303)
    new = await services.create_feed(db_session, "participant", registration.id, registration.language, now())
    return _show(request, language, settings, new, f"/{language}/my/{token}")


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[staff_feed_submit, cohort_feed_submit, venue_feed_submit, participant_feed_submit],
        dependencies={"language": Provide(provide_language)},
        include_in_schema=False,
    )
]
