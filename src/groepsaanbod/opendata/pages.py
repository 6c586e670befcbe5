"""The public programme page, with its offer as schema.org JSON-LD for search engines and
social maps. It lives here, above scheduling, because the JSON-LD names the groups' meetings."""

from __future__ import annotations

from litestar import Response, Router, get
from litestar.exceptions import NotFoundException
from markupsafe import Markup

from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.i18n.formatting import local_date
from groepsaanbod.opendata.filters import check_offer_query
from groepsaanbod.opendata.linked_data import event_series, script_text
from groepsaanbod.opendata.services import find_open_programme
from groepsaanbod.programmes.services import catalogue
from groepsaanbod.programmes.services.set_up import SLUG
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context


@get("/programmes/{slug:str}", opt=PUBLIC)
async def programme_page(ctx: Context, settings: Settings, slug: str) -> Response:
    entry = await catalogue.find_in_catalogue(ctx.db, slug, ctx.language) if SLUG.fullmatch(slug) else None
    if entry is None:
        raise NotFoundException()
    query = check_offer_query(local_date(ctx.now()), lang=ctx.language)
    offer = await find_open_programme(ctx.db, slug, query, settings.base_url)
    # script_text escapes every `<`, `>` and `&`: no programme text can end the script block.
    linked_data = Markup(script_text(event_series(offer))) if offer else None  # noqa: S704
    return ctx.render("programmes/programme.html", entry=entry, linked_data=linked_data)


ROUTES = [Router(path="/{lang:str}", route_handlers=[programme_page], include_in_schema=False)]
