"""record_event: one delivery row per matching active subscription, in the caller's transaction.

Called by the use cases where the change happens (registration, cohorts, scheduling, attendance),
before their commit: a change that rolls back takes its deliveries with it, and one that commits
has them, so none is lost and none is sent for what did not happen.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.programmes.models import Programme
from groepsaanbod.webhooks.events import EVENTS, payload
from groepsaanbod.webhooks.models import WebhookDelivery, WebhookSubscription

log = logging.getLogger(__name__)


def new_event_id() -> str:
    """Standard Webhooks' message id: the same on every attempt, so receivers can de-duplicate."""
    return f"msg_{secrets.token_urlsafe(18)}"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):  # a date
        return value.isoformat()
    return value


async def record_event(
    db: AsyncSession, organisation_id: int, name: str, data: Mapping[str, Any], now: datetime
) -> int:
    """Queue `name` with `data` (ids and what changed) for the organisation's subscribers to it;
    each gets only what its scopes allow. How many deliveries were queued."""
    if name not in EVENTS:
        raise ValueError(f"unknown webhook event {name!r}")
    subscriptions = (
        await db.scalars(
            select(WebhookSubscription).where(
                WebhookSubscription.organisation_id == organisation_id, WebhookSubscription.active.is_(True)
            )
        )
    ).all()
    wanted = [s for s in subscriptions if name in s.events]
    if not wanted:
        return 0
    plain = {key: _plain(value) for key, value in data.items()}
    event_id = new_event_id()
    for subscription in wanted:
        body = json.dumps(payload(name, plain, subscription.scopes, now), separators=(",", ":"), sort_keys=True)
        db.add(
            WebhookDelivery(
                subscription_id=subscription.id,
                organisation_id=organisation_id,
                event_id=event_id,
                event_type=name,
                payload=body,
                created_at=now,
                attempts=0,
            )
        )
    log.info("webhook event recorded", extra={"event": name, "deliveries": len(wanted)})
    return len(wanted)


async def organisation_of_programme(db: AsyncSession, programme_id: int) -> int:
    """The organisation a programme belongs to, for callers that hold only a cohort or a meeting."""
    return (await db.get_one(Programme, programme_id)).organisation_id
