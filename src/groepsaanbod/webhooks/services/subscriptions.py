"""Managing an organisation's webhook receivers (its admins): list_subscriptions, get_subscription,
create_subscription, change_subscription, rotate_secret, delete_subscription.

The signing secret (whsec_…) is shown once, when made or rotated, and kept encrypted with the key
ring: the worker must sign with it, so it cannot be a hash.
"""

from __future__ import annotations

import base64
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.errors import NotPermitted
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.bounds import check_line
from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.protection.encryption import KeyRing
from groepsaanbod.refusals import Problem
from groepsaanbod.webhooks.addresses import url_problem
from groepsaanbod.webhooks.errors import SubscriptionNotFound, WebhookRefused
from groepsaanbod.webhooks.events import DETAIL_SCOPES, EVENTS
from groepsaanbod.webhooks.models import WebhookDelivery, WebhookSubscription

log = logging.getLogger(__name__)

MANAGERS = frozenset({"admin"})
#: Receivers per organisation: enough for a few systems, a bound on the work per change.
MAX_SUBSCRIPTIONS = 20
MAX_DESCRIPTION = 200

NO_EVENTS = N_("Choose at least one event.")
UNKNOWN_EVENT = N_("Choose events from the list.")
UNKNOWN_SCOPE = N_("Choose scopes from the list.")
TOO_MANY = N_("An organisation has at most %(max)s webhook receivers. Delete one first.")


@dataclass(frozen=True)
class SubscriptionFields:
    url: str
    events: Sequence[str]
    scopes: Sequence[str] = ()
    description: str = ""
    active: bool = True


def new_secret() -> str:
    """Standard Webhooks' secret form: whsec_ and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _checked(fields: SubscriptionFields, allow_private: bool) -> SubscriptionFields:
    problems: list[Problem] = []
    url = fields.url.strip()
    wrong = url_problem(url, allow_private=allow_private)
    if wrong is not None:
        problems.append(Problem("url", Message(wrong[0], wrong[1])))
    events = list(dict.fromkeys(fields.events))
    if not events:
        problems.append(Problem("events", Message(NO_EVENTS)))
    elif len(fields.events) > len(EVENTS) or any(e not in EVENTS for e in events):
        problems.append(Problem("events", Message(UNKNOWN_EVENT)))
    scopes = list(dict.fromkeys(fields.scopes))
    if len(fields.scopes) > len(DETAIL_SCOPES) or any(s not in DETAIL_SCOPES for s in scopes):
        problems.append(Problem("scopes", Message(UNKNOWN_SCOPE)))
    description = fields.description.strip()
    wrong_description = check_line("description", description, MAX_DESCRIPTION)
    if wrong_description is not None:
        problems.append(wrong_description)
    if problems:
        raise WebhookRefused(problems)
    return SubscriptionFields(url, events, scopes, description, fields.active)


async def list_subscriptions(
    db: AsyncSession, viewer: Viewer, organisation_id: int | None = None
) -> list[WebhookSubscription]:
    orgs = viewer.organisations_with(MANAGERS)
    if organisation_id is not None:
        if organisation_id not in orgs:
            raise NotPermitted()
        orgs = frozenset({organisation_id})
    return list(
        await db.scalars(
            select(WebhookSubscription)
            .where(WebhookSubscription.organisation_id.in_(orgs))
            .order_by(WebhookSubscription.organisation_id, WebhookSubscription.id)
        )
    )


async def get_subscription(db: AsyncSession, viewer: Viewer, subscription_id: int) -> WebhookSubscription:
    subscription = await db.get(WebhookSubscription, subscription_id)
    if subscription is None or subscription.organisation_id not in viewer.organisations_with(MANAGERS):
        raise SubscriptionNotFound()
    return subscription


async def create_subscription(
    db: AsyncSession,
    viewer: Viewer,
    organisation_id: int,
    fields: SubscriptionFields,
    *,
    keys: KeyRing,
    allow_private: bool,
    now: datetime,
) -> tuple[WebhookSubscription, str]:
    """A new receiver and its signing secret (shown this once)."""
    if organisation_id not in viewer.organisations_with(MANAGERS):
        raise NotPermitted()
    clean = _checked(fields, allow_private)
    count = await db.scalar(
        select(func.count())
        .select_from(WebhookSubscription)
        .where(WebhookSubscription.organisation_id == organisation_id)
    )
    if (count or 0) >= MAX_SUBSCRIPTIONS:
        raise WebhookRefused.single("url", TOO_MANY, max=MAX_SUBSCRIPTIONS)
    secret = new_secret()
    subscription = WebhookSubscription(
        organisation_id=organisation_id,
        url=clean.url,
        description=clean.description,
        events=list(clean.events),
        scopes=list(clean.scopes),
        active=clean.active,
        secret_encrypted=keys.encrypt(secret),
        created_at=now,
        updated_at=now,
    )
    db.add(subscription)
    await db.commit()
    log.info(
        "webhook subscription created",
        extra={"subscription_id": subscription.id, "organisation_id": organisation_id, "by": viewer.staff_id},
    )
    return subscription, secret


async def change_subscription(
    db: AsyncSession,
    viewer: Viewer,
    subscription_id: int,
    fields: SubscriptionFields,
    *,
    allow_private: bool,
    now: datetime,
) -> WebhookSubscription:
    """New URL, events, scopes, description, or paused/active; all or nothing."""
    subscription = await get_subscription(db, viewer, subscription_id)
    clean = _checked(fields, allow_private)
    subscription.url, subscription.description = clean.url, clean.description
    subscription.events, subscription.scopes = list(clean.events), list(clean.scopes)
    subscription.active, subscription.updated_at = clean.active, now
    await db.commit()
    log.info(
        "webhook subscription changed",
        extra={"subscription_id": subscription.id, "active": clean.active, "by": viewer.staff_id},
    )
    return subscription


async def rotate_secret(
    db: AsyncSession, viewer: Viewer, subscription_id: int, *, keys: KeyRing, now: datetime
) -> tuple[WebhookSubscription, str]:
    """A new signing secret (shown this once); deliveries from now on are signed with it."""
    subscription = await get_subscription(db, viewer, subscription_id)
    secret = new_secret()
    subscription.secret_encrypted, subscription.updated_at = keys.encrypt(secret), now
    await db.commit()
    log.info("webhook secret rotated", extra={"subscription_id": subscription.id, "by": viewer.staff_id})
    return subscription, secret


async def delete_subscription(db: AsyncSession, viewer: Viewer, subscription_id: int) -> None:
    """The receiver and its delivery log go; nothing more is sent to it."""
    subscription = await get_subscription(db, viewer, subscription_id)
    await db.execute(delete(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription.id))
    await db.delete(subscription)
    await db.commit()
    log.info("webhook subscription deleted", extra={"subscription_id": subscription_id, "by": viewer.staff_id})


async def re_encrypt_webhook_secrets(db: AsyncSession, keys: KeyRing) -> int:
    """`groepsaanbod keys rotate`: every signing secret encrypted with the first key."""
    changed = 0
    for subscription in await db.scalars(select(WebhookSubscription)):
        if not keys.is_current(subscription.secret_encrypted):
            subscription.secret_encrypted = keys.rotate(subscription.secret_encrypted)
            changed += 1
    await db.commit()
    return changed
