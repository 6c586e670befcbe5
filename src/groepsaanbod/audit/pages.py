"""The organisation admin reads who saw or changed personal data. Read only."""

from __future__ import annotations

from litestar import Response, Router, get

from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.audit.services import list_audit_events
from groepsaanbod.web import Context


@get("/staff/audit", opt=needs_roles("admin"))
async def audit_page(ctx: Context) -> Response:
    return ctx.render("audit/events.html", events=await list_audit_events(ctx.db, ctx.staff))


ROUTES = [Router(path="/{lang:str}", route_handlers=[audit_page], include_in_schema=False)]
