"""Sending webhook deliveries: deliver_due_webhooks, run by `groepsaanbod worker` beside the outbox.

The same claim-send-mark scheme as the outbox (messaging/services/delivery.py): a short transaction
claims due rows with a random token and a lease; each is sent, then marked in its own short
transaction only if the claim is still ours. A worker killed mid-send leaves that one delivery
claimed; after the lease another round sends it again with the same webhook-id, so every event
arrives at least once and receivers de-duplicate by id.

A delivery counts as delivered on any 2xx answer. Anything else (another code, a time-out, a refused
address) is tried again after backoff_seconds, until MAX_ATTEMPTS; then it ends as failed and the
delivery log shows it (with "send again").
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpx
from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from standardwebhooks import Webhook

from groepsaanbod.db import is_sqlite
from groepsaanbod.protection.encryption import KeyRing, SecretUnreadable
from groepsaanbod.webhooks.addresses import is_private
from groepsaanbod.webhooks.events import MAX_ATTEMPTS, backoff_seconds
from groepsaanbod.webhooks.models import WebhookDelivery, WebhookSubscription

log = logging.getLogger(__name__)
CLAIM_SIZE = 10
#: The log keeps a delivery this long after it was made (its payload may hold a due date or a place).
KEPT = timedelta(days=30)
#: A receiver answers within this, or the attempt counts as failed.
TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class WebhookSending:
    keys: KeyRing
    #: Development or GROEPSAANBOD_WEBHOOKS_ALLOW_PRIVATE: loopback and private receivers are fine.
    allow_private: bool
    lease: timedelta = timedelta(seconds=60)
    timeout: float = TIMEOUT_SECONDS


@dataclass
class WebhookReport:
    delivered: int = 0
    retried: int = 0
    failed: int = 0


@dataclass(frozen=True)
class _Claimed:
    id: int
    event_id: str
    payload: str
    attempts: int
    url: str
    secret_encrypted: str


class Undeliverable(Exception):
    """Not sent: the address resolves to a private network, or the secret cannot be read."""


async def _claim(factory: async_sessionmaker[AsyncSession], moment: datetime, lease: timedelta, token: str):
    async with factory() as db:
        due = (
            select(WebhookDelivery.id)
            .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
            .where(
                WebhookDelivery.delivered_at.is_(None),
                WebhookDelivery.failed_at.is_(None),
                WebhookSubscription.active.is_(True),  # a paused receiver's events wait for it
                or_(WebhookDelivery.next_attempt_at.is_(None), WebhookDelivery.next_attempt_at <= moment),
                or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until <= moment),
            )
            .order_by(WebhookDelivery.id)
            .limit(CLAIM_SIZE)
        )
        if not is_sqlite(db):  # SQLite has one writer at a time and no SKIP LOCKED
            due = due.with_for_update(of=WebhookDelivery, skip_locked=True)
        ids = list(await db.scalars(due))
        if ids:
            await db.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id.in_(ids))
                .values(claim_token=token, claimed_until=moment + lease)
            )
        rows = (
            await db.execute(
                select(
                    WebhookDelivery.id,
                    WebhookDelivery.event_id,
                    WebhookDelivery.payload,
                    WebhookDelivery.attempts,
                    WebhookSubscription.url,
                    WebhookSubscription.secret_encrypted,
                )
                .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
                .where(WebhookDelivery.id.in_(ids))
                .order_by(WebhookDelivery.id)
            )
        ).all()
        await db.commit()
    return [_Claimed(*row) for row in rows]


async def _renew(factory: async_sessionmaker[AsyncSession], token: str, until: datetime) -> datetime:
    async with factory() as db:
        await db.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.claim_token == token, WebhookDelivery.delivered_at.is_(None))
            .values(claimed_until=until)
        )
        await db.commit()
    return until


async def _public_only(url: str) -> None:
    """Refuse a name that resolves to a private address (checked when sending, not only when saved)."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    infos = await asyncio.to_thread(socket.getaddrinfo, parts.hostname, port, type=socket.SOCK_STREAM)
    if any(is_private(str(info[4][0])) for info in infos):
        raise Undeliverable("the address resolves to a private network")


async def _send(client: httpx.AsyncClient, sending: WebhookSending, item: _Claimed, now: Callable[[], datetime]) -> int:
    """POST the payload, signed; the answer's status code."""
    try:
        secret = sending.keys.decrypt(item.secret_encrypted)
    except SecretUnreadable as error:
        raise Undeliverable("the signing secret cannot be read") from error
    if not sending.allow_private:
        await _public_only(item.url)
    moment = now()
    headers = {
        "content-type": "application/json",
        "webhook-id": item.event_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": Webhook(secret).sign(item.event_id, moment, item.payload),
    }
    answer = await client.post(item.url, content=item.payload.encode(), headers=headers)
    return answer.status_code


def _outcome(item: _Claimed, code: int | None, error: str | None, moment: datetime) -> dict:
    attempts = item.attempts + 1
    done: dict = {"attempts": attempts, "last_status": code, "claim_token": None, "claimed_until": None}
    if code is not None and 200 <= code < 300:
        return done | {"delivered_at": moment, "last_error": None, "next_attempt_at": None}
    done["last_error"] = (error or f"HTTP {code}")[:300]
    if attempts >= MAX_ATTEMPTS:
        return done | {"failed_at": moment}
    return done | {"next_attempt_at": moment + timedelta(seconds=backoff_seconds(attempts))}


async def forget_old_deliveries(db: AsyncSession, now: datetime) -> int:
    """Delete the deliveries made more than KEPT ago that are done (delivered or failed)."""
    result = await db.execute(
        delete(WebhookDelivery).where(
            WebhookDelivery.created_at < now - KEPT,
            or_(WebhookDelivery.delivered_at.is_not(None), WebhookDelivery.failed_at.is_not(None)),
        )
    )
    await db.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def deliver_due_webhooks(
    factory: async_sessionmaker[AsyncSession],
    sending: WebhookSending,
    now: Callable[[], datetime],
    *,
    limit: int | None = None,
) -> WebhookReport:
    """Send what is due now, a claimed batch at a time, until nothing is due (or `limit` were handled)."""
    report, handled = WebhookReport(), 0
    async with factory() as db:
        await forget_old_deliveries(db, now())
    # No redirects: a receiver may not send our request on to an address we would refuse.
    async with httpx.AsyncClient(timeout=sending.timeout, follow_redirects=False) as client:
        while limit is None or handled < limit:
            token = secrets.token_hex(16)
            claimed = await _claim(factory, now(), sending.lease, token)
            if not claimed:
                break
            until = now() + sending.lease
            for item in claimed:
                if until - now() < sending.lease / 2:  # a long batch: keep the claim while alive
                    until = await _renew(factory, token, now() + sending.lease)
                code, error = None, None
                try:
                    code = await _send(client, sending, item, now)
                except (httpx.HTTPError, OSError, Undeliverable) as failure:
                    error = f"{type(failure).__name__}: {failure}"
                outcome = _outcome(item, code, error, now())
                report.delivered += "delivered_at" in outcome
                report.failed += "failed_at" in outcome
                report.retried += "next_attempt_at" in outcome and outcome["next_attempt_at"] is not None
                async with factory() as db:
                    marked = await db.execute(
                        update(WebhookDelivery)
                        .where(WebhookDelivery.id == item.id, WebhookDelivery.claim_token == token)
                        .values(**outcome)
                    )
                    await db.commit()
                if not marked.rowcount:  # type: ignore[attr-defined]
                    log.warning("webhook claim lost before the mark", extra={"delivery_id": item.id})
                handled += 1
    if report.delivered or report.retried or report.failed:
        log.info(
            "webhooks delivered",
            extra={"delivered": report.delivered, "retried": report.retried, "failed": report.failed},
        )
    return report
