"""Delivering the outbox: deliver_due_messages, one message per transaction.

Why an outbox table with SELECT … FOR UPDATE SKIP LOCKED rather than a queue
library: messages must be written in the same transaction as the change they tell
about, and our database driver is asyncpg (procrastinate joins a transaction only
through psycopg). The outbox is that transaction's own table; workers claim one
row at a time with SKIP LOCKED, so several workers never take the same message,
send it, and mark it sent in the same transaction. A worker that dies mid-send
leaves its row unmarked and unlocked: that one message (the one in flight) may go
out twice, with the same Message-ID; no message is lost. SQLite has no SKIP
LOCKED: there each claim takes the database's write lock (one worker at a time).

Email goes over SMTP when GROEPSAANBOD_SMTP_URL is set, SMS through the gateway
chosen by GROEPSAANBOD_SMS_GATEWAY_URL; without them messages stay in the local
dev mailbox (the outbox itself, shown at /<lang>/dev/mailbox in development).
A failed attempt is retried with backoff; after MAX_ATTEMPTS it is marked failed
and shown to the organisation's staff.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import httpx
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from groepsaanbod.db import begin_writing, is_sqlite
from groepsaanbod.messaging.models import OutboxMessage

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes, at most 6 hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), timedelta(hours=6))


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
    email["Message-ID"] = message.message_id
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    # After the body: set_content drops earlier Content-* headers.
    email["Content-Language"] = message.language
    return email


class SmtpConnection:
    """One SMTP connection kept open across messages, opened again after an error."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server
        self.smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        smtp_class = smtplib.SMTP_SSL if self.server.port == 465 else smtplib.SMTP
        smtp = smtp_class(self.server.host, self.server.port, timeout=30)
        if self.server.starttls:
            smtp.starttls()
        if self.server.username:
            smtp.login(self.server.username, self.server.password or "")
        return smtp

    def send(self, email: EmailMessage) -> None:
        if self.smtp is None:
            self.smtp = self._open()
        try:
            self.smtp.send_message(email)
        except (OSError, smtplib.SMTPException):
            self.close()
            raise

    def close(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.smtp.quit()
            self.smtp = None


class HttpSmsGateway:
    """SMS through a provider's HTTP API: POST {"to", "text", "message_id"} as JSON."""

    def __init__(self, url: str, token: str = "") -> None:
        self.url, self.token = url, token

    async def send(self, to: str, text: str, message_id: str) -> None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(
                self.url, json={"to": to, "text": text, "message_id": message_id}, headers=headers
            )
            response.raise_for_status()


@dataclass
class DeliveryReport:
    sent: int = 0
    kept: int = 0
    retried: int = 0
    failed: int = 0
    by_sender: list[int] = field(default_factory=list)

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.kept += other.kept
        self.retried += other.retried
        self.failed += other.failed


async def _claim(session: AsyncSession, moment: datetime) -> OutboxMessage | None:
    await begin_writing(session)
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= moment),
        )
        .order_by(OutboxMessage.id)
        .limit(1)
    )
    if not is_sqlite(session):
        query = query.with_for_update(skip_locked=True)
    return await session.scalar(query)


async def _sender(
    factory: async_sessionmaker[AsyncSession],
    smtp: SmtpServer | None,
    sms: HttpSmsGateway | None,
    now: Callable[[], datetime],
    limit: int | None,
) -> DeliveryReport:
    report = DeliveryReport()
    connection = SmtpConnection(smtp) if smtp else None
    handled = 0
    try:
        while limit is None or handled < limit:
            async with factory() as session:
                message = await _claim(session, now())
                if message is None:
                    await session.rollback()
                    break
                handled += 1
                message.attempts += 1
                try:
                    if message.channel == "email" and connection is not None:
                        await asyncio.to_thread(connection.send, build_email(message, smtp.sender))
                        report.sent += 1
                    elif message.channel == "sms" and sms is not None:
                        await sms.send(message.to_address, message.body_text, message.message_id)
                        report.sent += 1
                    else:
                        report.kept += 1  # the dev mailbox
                    message.sent_at = now()
                except (OSError, smtplib.SMTPException, httpx.HTTPError) as error:
                    message.last_error = f"{type(error).__name__}: {error}"[:500]
                    if message.attempts >= MAX_ATTEMPTS:
                        message.failed_at = now()
                        report.failed += 1
                        log.warning("message failed for good", extra={"message_id": message.id})
                    else:
                        message.next_attempt_at = now() + backoff(message.attempts)
                        report.retried += 1
                await session.commit()
    finally:
        if connection is not None:
            await asyncio.to_thread(connection.close)
    return report


async def deliver_due_messages(
    factory: async_sessionmaker[AsyncSession],
    smtp_url: str,
    sender: str,
    now: Callable[[], datetime],
    batch: int | None = 50,
    concurrency: int = 1,
    sms_gateway_url: str = "",
    sms_gateway_token: str = "",
) -> DeliveryReport:
    """Deliver what is due now; `concurrency` senders work side by side (each claims its own rows)."""
    server = SmtpServer.from_url(smtp_url, sender) if smtp_url else None
    sms = HttpSmsGateway(sms_gateway_url, sms_gateway_token) if sms_gateway_url else None
    per_sender = None if batch is None else max(1, batch // max(concurrency, 1))
    reports = await asyncio.gather(*(_sender(factory, server, sms, now, per_sender) for _ in range(concurrency)))
    total = DeliveryReport()
    for report in reports:
        total.add(report)
        total.by_sender.append(report.sent + report.kept)
    if total.sent or total.kept or total.failed or total.retried:
        log.info(
            "outbox delivered",
            extra={"sent": total.sent, "kept": total.kept, "retried": total.retried, "failed": total.failed},
        )
    return total
