"""The local dev mailbox: every queued message, readable in development mode only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from litestar import Request, Response, Router, get
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.requirements import PUBLIC, needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.audit.services import DataUse, record_audit
from groepsaanbod.i18n.languages import BY_CODE
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.settings import Settings
from groepsaanbod.web import provide_language, render


@get("/dev/mailbox", opt=PUBLIC)
async def mailbox_page(request: Request, language: str, db_session: AsyncSession, settings: Settings) -> Response:
    if not settings.debug:
        raise NotFoundException()
    messages = list(await db_session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(100)))
    return render(
        request,
        language,
        "messaging/mailbox.html",
        messages=messages,
        rtl={code for code, lang in BY_CODE.items() if lang.rtl},
    )


@get("/staff/messages", opt=needs_roles(*PROGRAMME_EDITORS))
async def failed_messages_page(
    request: Request, language: str, db_session: AsyncSession, viewer: Viewer, now: Callable[[], datetime]
) -> Response:
    """Messages of the viewer's organisations that could not be sent, with the reason.
    They show receivers' addresses: each showing goes into the audit record."""
    orgs = viewer.organisations_with(PROGRAMME_EDITORS)
    messages = list(
        await db_session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.failed_at.is_not(None), OutboxMessage.organisation_id.in_(orgs))
            .order_by(OutboxMessage.failed_at.desc())
            .limit(200)
        )
    )
    for organisation_id in sorted({m.organisation_id for m in messages if m.organisation_id is not None}):
        record_audit(
            db_session,
            now(),
            DataUse("read", "failed_messages", ("email", "phone")),
            [None],
            actor_staff_id=viewer.staff_id,
            organisation_id=organisation_id,
        )
    if messages:
        await db_session.commit()
    return render(
        request,
        language,
        "messaging/failed.html",
        viewer=viewer,
        messages=messages,
        rtl={code for code, lang in BY_CODE.items() if lang.rtl},
    )


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[mailbox_page, failed_messages_page],
        dependencies={"language": Provide(provide_language)},
        include_in_schema=False,
    )
]
