"""Feeds (/feeds/<token>.ics) and the API to make, replace and stop feed links."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated

from litestar import Response, delete, get, head, post
from litestar.exceptions import NotFoundException
from litestar.params import Parameter

from groepsaanbod.access.requirements import PUBLIC, needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS, ROLES
from groepsaanbod.calendars import services
from groepsaanbod.calendars.errors import refuse_when_stopped
from groepsaanbod.calendars.links import feed_links
from groepsaanbod.organisations.services import get_venue
from groepsaanbod.registration.services.registrations import find_registration
from groepsaanbod.scheduling.services.planning import check_cohort
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context

#: Litestar adds "; charset=utf-8" to text/ types itself: naming it here too doubled it.
ICS = "text/calendar"


@dataclass
class FeedOut:
    #: Shown once: the link holds a secret that is stored only as a hash.
    url: str
    webcal: str


def _out(settings: Settings, new: services.NewFeed) -> FeedOut:
    links = feed_links(settings.base_url, new.path())
    return FeedOut(links.https, links.webcal)


async def _feed_answer(ctx: Context, name: str, *, with_body: bool) -> Response:
    if not name.endswith(".ics"):
        raise NotFoundException()
    feed = await services.find_feed(ctx.db, name[: -len(".ics")])
    etag, last_modified = await services.feed_version(ctx.db, feed, ctx.now())
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(last_modified, usegmt=True),
    }
    if ctx.request.headers.get("if-none-match") == etag:
        return Response(None, status_code=304, headers=headers)
    since = ctx.request.headers.get("if-modified-since")
    if since and "if-none-match" not in ctx.request.headers:
        try:
            if last_modified.replace(microsecond=0) <= parsedate_to_datetime(since):
                return Response(None, status_code=304, headers=headers)
        except (TypeError, ValueError):
            pass
    body = await services.feed_calendar(ctx.db, feed, ctx.now(), etag)
    if with_body:
        return Response(body, media_type=ICS, headers=headers)
    # HEAD: the headers a GET would send, and no body.
    headers |= {"Content-Type": f"{ICS}; charset=utf-8", "Content-Length": str(len(body))}
    return Response(b"", media_type=ICS, headers=headers)


@get("/feeds/{name:str}", opt=PUBLIC, tags=["calendars"], media_type=ICS)
async def serve_feed(ctx: Context, name: str) -> Response:
    """A calendar feed (iCalendar). Answers 304 when nothing changed since the ETag or date the
    calendar app sends; an unknown or stopped link, and the link of a person who stopped
    (a disabled staff account, a withdrawn or erased participant), is a 404 that reveals nothing."""
    return await _feed_answer(ctx, name, with_body=True)


@head("/feeds/{name:str}", opt=PUBLIC, tags=["calendars"], media_type=ICS)
async def serve_feed_head(ctx: Context, name: str) -> Response[None]:
    """The feed's headers (ETag, Last-Modified, length) without the feed."""
    return await _feed_answer(ctx, name, with_body=False)


@post("/api/v1/me/feed", opt=needs_roles(*ROLES), tags=["calendars"], status_code=200)
async def api_my_feed(ctx: Context, settings: Settings) -> FeedOut:
    """A (new) link to subscribe to all your meetings; an earlier link stops working."""
    new = await services.create_feed(ctx.db, "staff", ctx.staff.staff_id, language=ctx.language, now=ctx.now())
    return _out(settings, new)


@delete("/api/v1/me/feed", opt=needs_roles(*ROLES), tags=["calendars"], status_code=204)
async def api_stop_my_feed(ctx: Context) -> None:
    await services.revoke_feeds(ctx.db, "staff", ctx.staff.staff_id, ctx.now())


@post("/api/v1/cohorts/{cohort_id:int}/feed", opt=needs_roles(*PROGRAMME_EDITORS), tags=["calendars"], status_code=200)
async def api_cohort_feed(ctx: Context, cohort_id: int, settings: Settings) -> FeedOut:
    await check_cohort(ctx.db, ctx.staff, cohort_id)  # 404 unless the cohort is the viewer's organisation's
    new = await services.create_feed(
        ctx.db, "cohort", cohort_id, language=ctx.language, now=ctx.now(), made_by=ctx.staff.staff_id
    )
    return _out(settings, new)


@post("/api/v1/venues/{venue_id:int}/feed", opt=needs_roles(*PROGRAMME_EDITORS), tags=["calendars"], status_code=200)
async def api_venue_feed(ctx: Context, venue_id: int, settings: Settings) -> FeedOut:
    await get_venue(ctx.db, ctx.staff, venue_id)
    new = await services.create_feed(
        ctx.db, "venue", venue_id, language=ctx.language, now=ctx.now(), made_by=ctx.staff.staff_id
    )
    return _out(settings, new)


@post("/api/v1/my/{token:str}/feed", opt=PUBLIC, tags=["calendars"], status_code=200)
async def api_participant_feed(ctx: Context, token: str, settings: Settings) -> FeedOut:
    """A link to subscribe to the meetings of your group, in the language you read."""
    registration = await find_registration(ctx.db, token, ctx.now())
    refuse_when_stopped(registration.status)
    new = await services.create_feed(
        ctx.db, "participant", registration.id, language=registration.participant.language, now=ctx.now()
    )
    return _out(settings, new)


@get("/api/v1/my/{token:str}/calendar.ics", opt=PUBLIC, tags=["calendars"], media_type=ICS)
async def api_participant_download(
    ctx: Context,
    token: str,
    session_id: Annotated[int | None, Parameter(query="sessionId")] = None,
    # The name of API 1.0 (links in pages and messages sent before 1.1 carry it): still read, not documented.
    old_session_id: Annotated[int | None, Parameter(query="session_id", include_in_schema=False)] = None,
) -> Response:
    """Your group's meetings as a file to add to your calendar (or one meeting, with ?sessionId=),
    in the language you read."""
    session_id = old_session_id if session_id is None else session_id
    registration = await find_registration(ctx.db, token, ctx.now())
    refuse_when_stopped(registration.status)
    body = await services.cohort_calendar(
        ctx.db, registration.cohort_id, registration.participant.language, session_id, registration.id
    )
    if body is None:
        raise NotFoundException()
    return Response(body, media_type=ICS, headers={"Content-Disposition": 'attachment; filename="groepsaanbod.ics"'})


ROUTES = [
    serve_feed,
    serve_feed_head,
    api_my_feed,
    api_stop_my_feed,
    api_cohort_feed,
    api_venue_feed,
    api_participant_feed,
    api_participant_download,
]
