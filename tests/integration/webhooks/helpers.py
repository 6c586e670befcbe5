"""Receivers for the webhook tests: a subscription made through the service, read back as rows."""

from __future__ import annotations

import json

from sqlalchemy import select

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.webhooks.events import CATALOGUE
from groepsaanbod.webhooks.models import WebhookDelivery
from groepsaanbod.webhooks.services.subscriptions import SubscriptionFields, create_subscription
from tests.conftest import NOW
from tests.factories import app_keys

EVERY_EVENT = [kind.name for kind in CATALOGUE]


def admin_of(organisation_id: int) -> Viewer:
    return Viewer(staff_id=0, full_name="admin", email="", roles={organisation_id: frozenset({"admin"})})


async def subscribe(db, organisation_id: int, *, scopes=(), events=None, url="https://hooks.example.org/in"):
    made, secret = await create_subscription(
        db, admin_of(organisation_id), organisation_id, SubscriptionFields(url, events or EVERY_EVENT, list(scopes)),
        keys=app_keys(), allow_private=False, now=NOW,
    )  # fmt: skip
    return made, secret


async def deliveries(db, subscription_id: int | None = None) -> list[WebhookDelivery]:
    query = select(WebhookDelivery).order_by(WebhookDelivery.id)
    if subscription_id is not None:
        query = query.where(WebhookDelivery.subscription_id == subscription_id)
    return list(await db.scalars(query))


def data_of(delivery: WebhookDelivery) -> dict:
    return json.loads(delivery.payload)["data"]
