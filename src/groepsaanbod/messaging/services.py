"""Queueing messages in the receiver's language: queue_message.

Messages are rendered from templates/messages/<kind>.* in the receiver's
language and written to the outbox in the caller's transaction. Delivery
(SMTP, SMS gateway, the dev mailbox) reads the outbox.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jinja2 import TemplateNotFound
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.rendering import render_template

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recipient:
    language: str
    email: str | None = None
    phone: str | None = None


def _render(kind: str, part: str, language: str, context: dict[str, Any]) -> str | None:
    try:
        return render_template(f"messages/{kind}.{part}", language, **context).strip()
    except TemplateNotFound:
        return None


def render_message_parts(kind: str, language: str, context: dict[str, Any]) -> dict[str, str | None]:
    return {
        "subject": _render(kind, "subject.txt", language, context) or "",
        "text": _render(kind, "txt", language, context) or "",
        "html": _render(kind, "html", language, context),
        "sms": _render(kind, "sms.txt", language, context),
    }


async def queue_message(
    session: AsyncSession,
    recipient: Recipient,
    kind: str,
    context: dict[str, Any],
    dedupe_key: str,
    now: datetime,
    organisation_id: int | None = None,
) -> OutboxMessage | None:
    """One message by email, or by SMS when there is only a phone number."""
    parts = render_message_parts(kind, recipient.language, context)
    if recipient.email:
        message = OutboxMessage(
            channel="email",
            to_address=recipient.email,
            subject=parts["subject"],
            body_text=parts["text"],
            body_html=parts["html"],
        )
    elif recipient.phone:
        message = OutboxMessage(
            channel="sms",
            to_address=recipient.phone,
            subject=parts["subject"],
            body_text=parts["sms"] or parts["text"],
            body_html=None,
        )
    else:
        return None
    message.dedupe_key = dedupe_key
    message.language = recipient.language
    message.kind = kind
    message.created_at = now
    message.organisation_id = organisation_id
    session.add(message)
    log.info("message queued", extra={"kind": kind, "channel": message.channel})
    return message
