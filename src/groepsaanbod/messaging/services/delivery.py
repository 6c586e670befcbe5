"""Delivering the outbox: deliver_due_messages, a claimed batch at a time, one mark per message.

Why an outbox table with SELECT … FOR UPDATE SKIP LOCKED rather than a queue
library: messages must be written in the same transaction as the change they tell
about, and our database driver is asyncpg (procrastinate joins a transaction only
through psycopg). The outbox is that transaction's own table.

How a sender works, and why nothing is lost or sent twice:

1. Claim. One short transaction takes up to CLAIM_SIZE due rows (FOR UPDATE SKIP
   LOCKED, so two workers never take the same row) and writes a claim on them: a
   random claim token and a lease (claimed_until). Other workers skip claimed
   rows until the lease runs out.
2. Send, then mark. Each message is sent, then marked sent (or retried, or failed)
   in its own short transaction, only if the claim is still ours. The lease is
   renewed while a batch is long, so a live sender keeps its claim.
3. A sender that dies leaves at most one message sent but unmarked: the one in
   flight. It goes out again after the lease, with the same Message-ID; the rest
   of its batch is simply claimed again. Nothing is lost.

Claiming in batches but marking one by one keeps that promise while a claim costs
one transaction per CLAIM_SIZE messages instead of one lock held through each
SMTP conversation; on SQLite (no SKIP LOCKED, one writer) the write lock is then
held only for the short claim and mark transactions, never through a send.

Email goes over SMTP when GROEPSAANBOD_SMTP_URL is set, SMS through the gateway (transports.py)
chosen by GROEPSAANBOD_SMS_GATEWAY_URL; without them messages stay in the local
dev mailbox (the outbox itself, shown at /<lang>/dev/mailbox in development).
A failed attempt is retried with backoff; after MAX_ATTEMPTS it is marked failed
and shown to the organisation's staff.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import Row, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from groepsaanbod.db import WRITE_LOCK_OPTION
from groepsaanbod.messaging.models import OutboxMessage, message_id_of
from groepsaanbod.messaging.transports import HttpSmsGateway, SmtpConnection, SmtpServer, build_email

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
CLAIM_SIZE = 20
#: Long enough for a claimed batch between renewals, with an SMTP timeout to spare.
DEFAULT_LEASE = timedelta(seconds=60)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes, at most 6 hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), timedelta(hours=6))


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


_CLAIMED_COLUMNS = (
    OutboxMessage.id,
    OutboxMessage.channel,
    OutboxMessage.to_address,
    OutboxMessage.language,
    OutboxMessage.subject,
    OutboxMessage.body_text,
    OutboxMessage.body_html,
    OutboxMessage.attempts,
)


def _claimable(moment: datetime):
    return (
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.failed_at.is_(None),
        or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= moment),
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= moment),
    )


@dataclass
class Claim:
    token: str
    until: datetime
    messages: list[Row]


async def _write(connection: AsyncConnection, statement) -> Any:
    """One statement in its own short write transaction: rows, or how many rows it changed.

    Every write here is a single statement, so on PostgreSQL it runs in autocommit: one
    round trip instead of three (BEGIN, the statement, COMMIT), and just as atomic.
    """
    if connection.dialect.name == "sqlite":
        async with connection.begin():
            result = await connection.execute(statement)
            return result.all() if result.returns_rows else result.rowcount
    result = await connection.execute(statement)
    return result.all() if result.returns_rows else result.rowcount


async def _claim(connection: AsyncConnection, moment: datetime, size: int, lease: timedelta) -> Claim:
    due = select(OutboxMessage.id).where(*_claimable(moment)).order_by(OutboxMessage.id).limit(size)
    if connection.dialect.name != "sqlite":  # SQLite has one writer at a time and no SKIP LOCKED
        due = due.with_for_update(skip_locked=True)
    claim = Claim(token=secrets.token_hex(16), until=moment + lease, messages=[])
    statement = (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due.scalar_subquery()))
        .values(claim_token=claim.token, claimed_until=claim.until)
        .returning(*_CLAIMED_COLUMNS)
    )
    claim.messages = sorted(await _write(connection, statement), key=lambda row: row.id)
    return claim


def _ours(message_id: int, claim: Claim):
    return update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.claim_token == claim.token)


async def _renew(connection: AsyncConnection, claim: Claim, moment: datetime, lease: timedelta) -> None:
    claim.until = moment + lease
    await _write(
        connection,
        update(OutboxMessage)
        .where(OutboxMessage.claim_token == claim.token, OutboxMessage.sent_at.is_(None))
        .values(claimed_until=claim.until),
    )


async def _release(connection: AsyncConnection, claim: Claim) -> None:
    """Give back what this claim did not handle, so that another sender need not wait for the lease."""
    with contextlib.suppress(Exception):  # the lease runs out anyway
        await _write(
            connection,
            update(OutboxMessage)
            .where(OutboxMessage.claim_token == claim.token)
            .values(claim_token=None, claimed_until=None),
        )


@dataclass
class _Sender:
    factory: async_sessionmaker[AsyncSession]
    smtp: SmtpServer | None
    sms: HttpSmsGateway | None
    now: Callable[[], datetime]
    lease: timedelta
    report: DeliveryReport = field(default_factory=lambda: DeliveryReport())

    async def send(self, message: Row, connection: SmtpConnection | None) -> dict[str, Any]:
        """Send one message; the columns to write afterwards."""
        done = {"attempts": message.attempts + 1, "claim_token": None, "claimed_until": None}
        try:
            if message.channel == "email" and connection is not None:
                await asyncio.to_thread(connection.send, build_email(message, connection.server.sender))
                self.report.sent += 1
            elif message.channel == "sms" and self.sms is not None:
                await self.sms.send(message.to_address, message.body_text, message_id_of(message.id))
                self.report.sent += 1
            else:
                self.report.kept += 1  # the dev mailbox
            return done | {"sent_at": self.now()}
        except ValueError as error:
            # An address no mail server may be given (transports.build_email): trying again cannot help.
            self.report.failed += 1
            log.warning("message cannot be sent", extra={"message_id": message.id})
            return done | {"last_error": f"{type(error).__name__}: {error}"[:500], "failed_at": self.now()}
        except (OSError, smtplib.SMTPException, httpx.HTTPError) as error:
            done["last_error"] = f"{type(error).__name__}: {error}"[:500]
            if done["attempts"] >= MAX_ATTEMPTS:
                self.report.failed += 1
                log.warning("message failed for good", extra={"message_id": message.id})
                return done | {"failed_at": self.now()}
            self.report.retried += 1
            return done | {"next_attempt_at": self.now() + backoff(done["attempts"])}

    async def run(self, limit: int | None) -> DeliveryReport:
        # One connection per sender for all its short transactions: no pool checkout (and ping) per message.
        # On SQLite each of them begins with BEGIN IMMEDIATE (see db.begin_writing).
        engine: AsyncEngine = self.factory.kw["bind"]
        async with engine.connect() as plain:
            if plain.dialect.name == "sqlite":
                database = await plain.execution_options(**{WRITE_LOCK_OPTION: True})
            else:
                database = await plain.execution_options(isolation_level="AUTOCOMMIT")
            smtp = SmtpConnection(self.smtp) if self.smtp else None
            try:
                await self._deliver(database, smtp, limit)
            finally:
                if smtp is not None:
                    await asyncio.to_thread(smtp.close)
        return self.report

    async def _deliver(self, database: AsyncConnection, smtp: SmtpConnection | None, limit: int | None) -> None:
        handled = 0
        while limit is None or handled < limit:
            size = CLAIM_SIZE if limit is None else min(CLAIM_SIZE, limit - handled)
            claim = await _claim(database, self.now(), size, self.lease)
            if not claim.messages:
                return
            try:
                for message in claim.messages:
                    if claim.until - self.now() < self.lease / 2:
                        await _renew(database, claim, self.now(), self.lease)
                    outcome = await self.send(message, smtp)
                    if not await _write(database, _ours(message.id, claim).values(**outcome)):
                        log.warning("claim lost before the mark", extra={"message_id": message.id})
                    handled += 1
            finally:
                await _release(database, claim)


@dataclass(frozen=True)
class Channels:
    """Where messages go: email over SMTP (`smtp_url`, from `sender`) and SMS through the gateway
    (`sms_gateway_url`, `sms_gateway_token`). An empty URL keeps that channel's messages in the dev mailbox."""

    smtp_url: str
    sender: str
    sms_gateway_url: str = ""
    sms_gateway_token: str = ""


async def deliver_due_messages(
    factory: async_sessionmaker[AsyncSession],
    channels: Channels,
    now: Callable[[], datetime],
    *,
    batch: int | None = 50,
    concurrency: int = 1,
    lease: timedelta = DEFAULT_LEASE,
) -> DeliveryReport:
    """Deliver what is due now; `concurrency` senders work side by side (each claims its own rows).

    `lease`: how long a claim keeps other workers away; after a crash the claimed messages wait that long.
    """
    server = SmtpServer.from_url(channels.smtp_url, channels.sender) if channels.smtp_url else None
    sms = HttpSmsGateway(channels.sms_gateway_url, channels.sms_gateway_token) if channels.sms_gateway_url else None
    per_sender = None if batch is None else max(1, batch // max(concurrency, 1))
    senders = [_Sender(factory, server, sms, now, lease) for _ in range(concurrency)]
    reports = await asyncio.gather(*(sender.run(per_sender) for sender in senders))
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
