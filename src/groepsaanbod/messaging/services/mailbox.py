"""Reading the outbox: dev_mailbox (every queued message, for development) and failed_messages
(what could not be sent, for the organisation's staff)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.roles import PROGRAMME_EDITORS
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.audit.services import DataUse, record_audit
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.paging import Page, PageRequest, keyset, page_of

#: The dev mailbox shows the newest messages only.
MAILBOX_SIZE = 100
FAILED_SHOWN = 200


async def dev_mailbox(session: AsyncSession) -> list[OutboxMessage]:
    """The newest messages of the outbox, whatever their state (the dev mailbox)."""
    return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(MAILBOX_SIZE)))


def _failed_of(viewer: Viewer) -> Select[OutboxMessage]:
    orgs = viewer.organisations_with(PROGRAMME_EDITORS)
    return select(OutboxMessage).where(OutboxMessage.failed_at.is_not(None), OutboxMessage.organisation_id.in_(orgs))


async def _shown(session: AsyncSession, viewer: Viewer, now: datetime, messages: list[OutboxMessage]) -> None:
    """They show receivers' addresses: each showing goes into the audit record (committed)."""
    for organisation_id in sorted({m.organisation_id for m in messages if m.organisation_id is not None}):
        record_audit(
            session,
            now,
            DataUse("read", "failed_messages", ("email", "phone")),
            [None],
            actor_staff_id=viewer.staff_id,
            organisation_id=organisation_id,
        )
    if messages:
        await session.commit()


async def failed_messages(session: AsyncSession, viewer: Viewer, now: datetime) -> list[OutboxMessage]:
    """Messages of the viewer's organisations that could not be sent, newest failure first."""
    messages = list(
        await session.scalars(_failed_of(viewer).order_by(OutboxMessage.failed_at.desc()).limit(FAILED_SHOWN))
    )
    await _shown(session, viewer, now, messages)
    return messages


async def failed_messages_page(
    session: AsyncSession, viewer: Viewer, now: datetime, page: PageRequest
) -> Page[OutboxMessage]:
    """One page of the same messages, newest first by id (the API's lists page by id), audited alike."""
    rows = list(await session.scalars(keyset(_failed_of(viewer), OutboxMessage.id, page, newest_first=True)))
    result = page_of(rows, page, lambda m: m.id)
    await _shown(session, viewer, now, result.items)
    return result
