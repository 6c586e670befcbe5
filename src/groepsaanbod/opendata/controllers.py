"""The open API: the public offer for anyone, read-only, no token, no cookie.

Under /api/v1/open/: a municipality's website, a search engine or a social map may fetch it from
any origin (`Access-Control-Allow-Origin: *`, added by protection/headers.py for this prefix) and
keep it for a while (`Cache-Control: public, max-age=300` and an `ETag`; `If-None-Match` gets 304).
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Annotated, Any, cast

from litestar import Response, get
from litestar.exceptions import NotFoundException
from litestar.openapi import ResponseSpec
from litestar.params import QueryParameter
from litestar.serialization import encode_json

from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.i18n.formatting import local_date
from groepsaanbod.opendata.filters import MAX_PROGRAMMES, OfferQuery, check_offer_query
from groepsaanbod.opendata.linked_data import FREE_OF_CHARGE, PublicProgramme, event_series, offer_graph
from groepsaanbod.opendata.schemas import OpenOffer, OpenProgramme, open_programme_out
from groepsaanbod.opendata.services import find_open_programme, list_open_offer
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context

OPEN_PREFIX = "/api/v1/open"
MAX_AGE = 300
LINKED_DATA = "application/ld+json"

Place = QueryParameter(name="place", description="A town, e.g. Dordrecht.")
Language = QueryParameter(
    name="language", description="Only programmes offered in, and groups speaking, this language."
)
Lang = QueryParameter(name="lang", description="The language of the texts (nl when not given).")
From = QueryParameter(name="from", description="First day of meetings (default today).")
To = QueryParameter(name="to", description="Last day of meetings (default two years ahead).")
#: Documented besides 200 and 400: what a cache and an unknown programme get.
NOT_MODIFIED = {304: ResponseSpec(None, description="Not Modified: the `If-None-Match` ETag is still current.")}
ONE = {**NOT_MODIFIED, 404: ResponseSpec(None, description="No published programme with this slug.")}


def _cached(ctx: Context, content: Any, media_type: str = "application/json") -> Response[Any]:
    """The answer with its ETag and max-age; 304 when the caller already holds this version."""
    body = encode_json(content)
    tag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {"Cache-Control": f"public, max-age={MAX_AGE}", "ETag": tag}
    held = {t.strip() for t in ctx.request.headers.get("if-none-match", "").split(",")}
    if tag in held:
        return Response(content=b"", status_code=304, headers=headers)
    return Response(content=body, media_type=media_type, headers=headers)


def _query(ctx: Context, **asked: Any) -> OfferQuery:
    return check_offer_query(local_date(ctx.now()), **asked)


def _out(settings: Settings, programme: PublicProgramme, query: OfferQuery) -> OpenProgramme:
    linked_data = f"{settings.base_url}{OPEN_PREFIX}/linked-data/{programme.slug}?lang={query.text_language}"
    return open_programme_out(programme, linked_data, free=FREE_OF_CHARGE)


@get(f"{OPEN_PREFIX}/programmes", opt=PUBLIC, tags=["open data"], responses=NOT_MODIFIED)
async def api_open_offer(
    ctx: Context,
    settings: Settings,
    place: Annotated[str | None, Place] = None,
    language: Annotated[str | None, Language] = None,
    lang: Annotated[str | None, Lang] = None,
    from_: Annotated[date | None, From] = None,
    to: Annotated[date | None, To] = None,
) -> Response[OpenOffer]:
    """The public offer: published programmes with their groups open for sign-up or running and
    those groups' meetings in the period. No personal data. At most 200 programmes."""
    query = _query(ctx, place=place, language=language, lang=lang, first_day=from_, last_day=to)
    offer, more = await list_open_offer(ctx.db, query, settings.base_url)
    answer = OpenOffer([_out(settings, p, query) for p in offer], more, MAX_PROGRAMMES)
    return cast("Response[OpenOffer]", _cached(ctx, answer))


@get(f"{OPEN_PREFIX}/programmes/{{slug:str}}", opt=PUBLIC, tags=["open data"], responses=ONE)
async def api_open_programme(
    ctx: Context,
    settings: Settings,
    slug: str,
    lang: Annotated[str | None, Lang] = None,
    from_: Annotated[date | None, From] = None,
    to: Annotated[date | None, To] = None,
) -> Response[OpenProgramme]:
    """One published programme with its groups and their meetings in the period."""
    query = _query(ctx, lang=lang, first_day=from_, last_day=to)
    programme = await find_open_programme(ctx.db, slug, query, settings.base_url)
    if programme is None:
        raise NotFoundException()
    return cast("Response[OpenProgramme]", _cached(ctx, _out(settings, programme, query)))


@get(f"{OPEN_PREFIX}/linked-data", opt=PUBLIC, tags=["open data"], media_type=LINKED_DATA, responses=NOT_MODIFIED)
async def api_open_linked_data(
    ctx: Context,
    settings: Settings,
    place: Annotated[str | None, Place] = None,
    language: Annotated[str | None, Language] = None,
    lang: Annotated[str | None, Lang] = None,
    from_: Annotated[date | None, From] = None,
    to: Annotated[date | None, To] = None,
) -> Response[dict[str, Any]]:
    """The same offer as schema.org JSON-LD: an EventSeries per programme, its meetings as
    subEvent Events, in one @graph."""
    query = _query(ctx, place=place, language=language, lang=lang, first_day=from_, last_day=to)
    offer, _more = await list_open_offer(ctx.db, query, settings.base_url)
    return _cached(ctx, offer_graph(offer), LINKED_DATA)


@get(f"{OPEN_PREFIX}/linked-data/{{slug:str}}", opt=PUBLIC, tags=["open data"], media_type=LINKED_DATA, responses=ONE)
async def api_open_programme_linked_data(
    ctx: Context,
    settings: Settings,
    slug: str,
    lang: Annotated[str | None, Lang] = None,
    from_: Annotated[date | None, From] = None,
    to: Annotated[date | None, To] = None,
) -> Response[dict[str, Any]]:
    """One programme as a schema.org EventSeries (what its page carries too)."""
    query = _query(ctx, lang=lang, first_day=from_, last_day=to)
    programme = await find_open_programme(ctx.db, slug, query, settings.base_url)
    if programme is None:
        raise NotFoundException()
    return _cached(ctx, event_series(programme), LINKED_DATA)


ROUTES = [api_open_offer, api_open_programme, api_open_linked_data, api_open_programme_linked_data]
