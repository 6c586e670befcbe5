"""The accessibility statement (toegankelijkheidsverklaring): Dutch public bodies must publish
one. It says what was tested, how, and what is known not to be met; keep it true when that changes."""

from __future__ import annotations

from datetime import date

from litestar import Response, Router, get

from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.i18n.formatting import long_date
from groepsaanbod.organisations.services import list_public_contacts
from groepsaanbod.web import Context

#: The day the statement was last checked against the tests (tests/browser/test_beyond_axe.py).
STATEMENT_DATE = date(2026, 12, 4)


@get("/accessibility", opt=PUBLIC)
async def accessibility_page(ctx: Context) -> Response:
    return ctx.render(
        "privacy/accessibility.html",
        statement_date=long_date(STATEMENT_DATE, ctx.language),
        contacts=await list_public_contacts(ctx.db),
    )


ROUTES = [Router(path="/{lang:str}", route_handlers=[accessibility_page], include_in_schema=False)]
