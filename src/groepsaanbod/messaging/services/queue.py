"""Queueing messages in the receiver's language: queue_message (or message_row, for a caller
that writes the outbox row itself). Who gets it is a Recipient, what it says a MessageContent.

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

from groepsaanbod.bounds import neutralise_line
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.rendering import render_template

log = logging.getLogger(__name__)
SUBJECT_LENGTH = 300  # OutboxMessage.subject


@dataclass(frozen=True)
class Recipient:
    language: str
    email: str | None = None
    phone: str | None = None
    #: A participant's id (participant_recipient sets it): the message is hers, for her data
    #: export and her erasure. None for staff and schools.
    participant_id: int | None = None


@dataclass(frozen=True)
class MessageContent:
    """What a message says: its kind (rendered from templates/messages/<kind>.*) and the values
    the templates are filled with."""

    kind: str
    context: dict[str, Any]


def _render(kind: str, part: str, language: str, context: dict[str, Any]) -> str | None:
    try:
        return render_template(f"messages/{kind}.{part}", language, **context).strip()
    except TemplateNotFound:
        return None


def render_message_parts(kind: str, language: str, context: dict[str, Any], channel: str) -> dict[str, str | None]:
    """Subject and the bodies the channel sends: text and HTML by email; the short SMS text
    (else the plain text) by SMS."""
    # One line, whatever the names in it hold: it becomes a mail header. At most what the
    # outbox column holds (a long group name and a long date could pass it).
    subject = neutralise_line(_render(kind, "subject.txt", language, context) or "")[:SUBJECT_LENGTH]
    if channel == "sms":
        text = _render(kind, "sms.txt", language, context) or _render(kind, "txt", language, context) or ""
        return {"subject": subject, "text": text, "html": None}
    return {
        "subject": subject,
        "text": _render(kind, "txt", language, context) or "",
        "html": _render(kind, "html", language, context),
    }


def message_row(
    recipient: Recipient, content: MessageContent, *, dedupe_key: str, now: datetime, organisation_id: int | None = None
) -> dict[str, Any] | None:
    """The outbox row of one message, rendered in the receiver's language: by email, or by SMS
    when there is only a phone number; None when there is neither. For callers that write the
    row in a statement of their own (the sign-up writes all its rows in one)."""
    if recipient.email:
        channel, to_address = "email", recipient.email
    elif recipient.phone:
        channel, to_address = "sms", recipient.phone
    else:
        return None
    parts = render_message_parts(content.kind, recipient.language, content.context, channel)
    return {
        "channel": channel,
        "to_address": to_address,
        "subject": parts["subject"],
        "body_text": parts["text"],
        "body_html": parts["html"],
        "dedupe_key": dedupe_key,
        "language": recipient.language,
        "kind": content.kind,
        "created_at": now,
        "organisation_id": organisation_id,
        "participant_id": recipient.participant_id,
        "attempts": 0,
    }


async def queue_message(
    session: AsyncSession,
    recipient: Recipient,
    content: MessageContent,
    *,
    dedupe_key: str,
    now: datetime,
    organisation_id: int | None = None,
) -> OutboxMessage | None:
    """One message by email, or by SMS when there is only a phone number."""
    row = message_row(recipient, content, dedupe_key=dedupe_key, now=now, organisation_id=organisation_id)
    if row is None:
        return None
    message = OutboxMessage(**row)
    session.add(message)
    log.info("message queued", extra={"kind": content.kind, "channel": message.channel})
    return message
