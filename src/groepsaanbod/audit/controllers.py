"""JSON API of the audit record: what the admin's page shows (audit/pages.py), one organisation, paged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from litestar import Response, get

from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.audit.models import AuditEvent
from groepsaanbod.audit.services import audit_events_page
from groepsaanbod.paged import NEXT_LINK, PAGED, paged_response
from groepsaanbod.paging import PageRequest
from groepsaanbod.web import Context


@dataclass
class AuditEventOut:
    id: int
    at: datetime
    #: The staff member who did it; both None when the participant or the system did.
    actor_staff_id: int | None
    actor_name: str | None
    participant_id: int | None
    #: read | change | export | erase | attendance
    action: str
    #: Where: a page, API or reason, in lower-case words (registrations_page, retention).
    subject: str
    #: The names of the fields read or changed, never their values.
    fields: list[str]


def event_out(row: tuple[AuditEvent, str | None]) -> AuditEventOut:
    event, name = row
    return AuditEventOut(
        event.id,
        event.at,
        event.actor_staff_id,
        name,
        event.participant_id,
        event.action,
        event.subject,
        list(event.fields),
    )


@get(
    "/api/v1/organisations/{organisation_id:int}/audit-events",
    opt={**needs_roles("admin"), "scope": "audit:read"},
    tags=["audit"],
    dependencies=PAGED,
    response_headers=NEXT_LINK,
)
async def api_audit_events(ctx: Context, organisation_id: int, page: PageRequest) -> Response[list[AuditEventOut]]:
    """Who saw or changed personal data in the organisation, newest first (admins of that organisation).
    Read only: nothing in the API changes or deletes an event."""
    return paged_response(ctx.request, await audit_events_page(ctx.db, ctx.staff, organisation_id, page), event_out)


ROUTES = [api_audit_events]
