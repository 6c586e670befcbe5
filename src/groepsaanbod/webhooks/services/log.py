"""The delivery log of a subscription (list_deliveries) and sending one again (send_again)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.webhooks.errors import DeliveryNotFound
from groepsaanbod.webhooks.models import WebhookDelivery
from groepsaanbod.webhooks.services.subscriptions import get_subscription

log = logging.getLogger(__name__)
#: The log shows the newest deliveries; older ones stay in the table.
SHOWN = 100


def delivery_status(delivery: WebhookDelivery) -> str:
    """delivered, failed (gave up), retrying (failed before, will try again) or waiting."""
    if delivery.delivered_at is not None:
        return "delivered"
    if delivery.failed_at is not None:
        return "failed"
    return "retrying" if delivery.attempts else "waiting"


async def list_deliveries(db: AsyncSession, viewer: Viewer, subscription_id: int) -> list[WebhookDelivery]:
    subscription = await get_subscription(db, viewer, subscription_id)
    return list(
        await db.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.subscription_id == subscription.id)
            .order_by(WebhookDelivery.id.desc())
            .limit(SHOWN)
        )
    )


async def send_again(
    db: AsyncSession, viewer: Viewer, subscription_id: int, delivery_id: int, now: datetime
) -> WebhookDelivery:
    """Queue the delivery again, as it was: the same webhook-id and payload, a fresh set of attempts.
    The receiver can tell it is the same event."""
    subscription = await get_subscription(db, viewer, subscription_id)
    delivery = await db.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.subscription_id != subscription.id:
        raise DeliveryNotFound()
    delivery.delivered_at, delivery.failed_at = None, None
    delivery.next_attempt_at, delivery.attempts = now, 0
    delivery.claim_token, delivery.claimed_until = None, None
    await db.commit()
    log.info("webhook delivery queued again", extra={"delivery_id": delivery.id, "by": viewer.staff_id})
    return delivery
