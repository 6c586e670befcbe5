"""Delivering the outbox: deliver_due_messages.

Email goes over SMTP when GROEPSAANBOD_SMTP_URL is set; otherwise, and for SMS
until a gateway is configured, messages stay in the local dev mailbox (the
outbox itself, readable at /dev/mailbox in development). Each message is taken by
one worker only (FOR UPDATE SKIP LOCKED on PostgreSQL; the write lock on SQLite)
and marked sent in the same transaction.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from groepsaanbod.db import begin_writing, is_sqlite
from groepsaanbod.messaging.models import OutboxMessage

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    username: str | None
    password: str | None
    starttls: bool
    sender: str

    @classmethod
    def from_url(cls, url: str, sender: str) -> SmtpServer:
        """smtp://user:password@host:587 (STARTTLS) or smtps://…:465; ?from=… sets the sender."""
        parts = urlsplit(url)
        query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
        return cls(
            host=parts.hostname or "localhost",
            port=parts.port or (465 if parts.scheme == "smtps" else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            starttls=parts.scheme == "smtp" and (parts.port or 25) == 587,
            sender=unquote(query.get("from", sender)),
        )


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    # After the body: set_content drops earlier Content-* headers.
    email["Content-Language"] = message.language
    return email


def send_smtp(server: SmtpServer, email: EmailMessage) -> None:
    smtp_class = smtplib.SMTP_SSL if server.port == 465 else smtplib.SMTP
    with smtp_class(server.host, server.port, timeout=30) as smtp:
        if server.starttls:
            smtp.starttls()
        if server.username:
            smtp.login(server.username, server.password or "")
        smtp.send_message(email)


@dataclass(frozen=True)
class DeliveryReport:
    sent: int
    kept: int
    failed: int


async def deliver_due_messages(
    factory: async_sessionmaker[AsyncSession], smtp_url: str, sender: str, now: Callable[[], datetime], batch: int = 50
) -> DeliveryReport:
    sent = kept = failed = 0
    server = SmtpServer.from_url(smtp_url, sender) if smtp_url else None
    async with factory() as session:
        await begin_writing(session)
        query = (
            select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
            .order_by(OutboxMessage.id)
            .limit(batch)
        )
        if not is_sqlite(session):
            query = query.with_for_update(skip_locked=True)
        for message in await session.scalars(query):
            message.attempts += 1
            if message.channel == "email" and server is not None:
                try:
                    await asyncio.to_thread(send_smtp, server, build_email(message, server.sender))
                except (OSError, smtplib.SMTPException) as error:
                    message.last_error = f"{type(error).__name__}: {error}"[:500]
                    failed += 1
                    log.warning("message not sent", extra={"message_id": message.id, "error": type(error).__name__})
                    continue
                sent += 1
            else:
                kept += 1  # the dev mailbox: the message stays readable in the outbox
            message.sent_at = now()
        await session.commit()
    if sent or kept or failed:
        log.info("outbox delivered", extra={"sent": sent, "kept": kept, "failed": failed})
    return DeliveryReport(sent, kept, failed)
