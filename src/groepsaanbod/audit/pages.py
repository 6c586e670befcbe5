"""The organisation admin reads who saw or changed personal data. Read only."""

from __future__ import annotations

from litestar import Request, Response, Router, get
from litestar.di import Provide
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.audit.services import list_audit_events
from groepsaanbod.web import provide_language, render


@get("/staff/audit", opt=needs_roles("admin"))
async def audit_page(request: Request, language: str, db_session: AsyncSession, viewer: Viewer) -> Response:
    events = await list_audit_events(db_session, viewer)
    return render(request, language, "audit/events.html", viewer=viewer, events=events)


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[audit_page],
        dependencies={"language": Provide(provide_language)},
        include_in_schema=False,
    )
]
