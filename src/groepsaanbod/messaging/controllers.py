"""JSON API of the messages that could not be sent: what the staff page /staff/messages shows, paged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from litestar import Response, get

from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.messaging.services.mailbox import failed_messages_page
from groepsaanbod.paged import NEXT_LINK, PAGED, paged_response
from groepsaanbod.paging import PageRequest
from groepsaanbod.web import Context


@dataclass
class FailedMessageOut:
    id: int
    organisation_id: int | None
    #: email | sms
    channel: str
    to_address: str
    #: The language the message was written in.
    language: str
    #: What it is about, e.g. registration_confirmed.
    kind: str
    subject: str
    attempts: int
    #: Why the last attempt failed, as the mail or SMS service said it.
    last_error: str | None
    created_at: datetime
    failed_at: datetime | None


def failed_out(m: OutboxMessage) -> FailedMessageOut:
    return FailedMessageOut(
        m.id,
        m.organisation_id,
        m.channel,
        m.to_address,
        m.language,
        m.kind,
        m.subject,
        m.attempts,
        m.last_error,
        m.created_at,
        m.failed_at,
    )


@get(
    "/api/v1/failed-messages",
    opt={**needs_roles(*PROGRAMME_EDITORS), "scope": "messages:read"},
    tags=["messages"],
    dependencies=PAGED,
    response_headers=NEXT_LINK,
)
async def api_failed_messages(ctx: Context, page: PageRequest) -> Response[list[FailedMessageOut]]:
    """Messages of your organisations that could not be sent, with the reason, newest first
    (coordinators and admins). They show addresses: each page read is in the audit record."""
    return paged_response(ctx.request, await failed_messages_page(ctx.db, ctx.staff, ctx.now(), page), failed_out)


ROUTES = [api_failed_messages]
