"""JSON API of webhooks: an organisation's receivers (admins of that organisation), their delivery
log and "send again". Service tokens use the scope family `webhooks`."""

from __future__ import annotations

from litestar import delete, get, patch, post
from litestar.params import JSONBody

from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.protection.encryption import key_ring
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context
from groepsaanbod.webhooks.events import CATALOGUE
from groepsaanbod.webhooks.models import WebhookDelivery, WebhookSubscription
from groepsaanbod.webhooks.schemas import DeliveryOut, EventKindOut, SubscriptionIn, SubscriptionOut
from groepsaanbod.webhooks.services import log as delivery_log
from groepsaanbod.webhooks.services import subscriptions
from groepsaanbod.webhooks.services.subscriptions import SubscriptionFields

READ = {**needs_roles("admin"), "scope": "webhooks:read"}
WRITE = {**needs_roles("admin"), "scope": "webhooks:write"}


def subscription_out(s: WebhookSubscription, secret: str | None = None) -> SubscriptionOut:
    return SubscriptionOut(
        s.id, s.organisation_id, s.url, s.description, list(s.events), list(s.scopes), s.active,
        s.created_at, s.updated_at, secret,
    )  # fmt: skip


def delivery_out(d: WebhookDelivery) -> DeliveryOut:
    return DeliveryOut(
        d.id, d.event_id, d.event_type, delivery_log.delivery_status(d), d.attempts, d.last_status, d.last_error,
        d.created_at, d.next_attempt_at, d.delivered_at, d.failed_at, d.payload,
    )  # fmt: skip


def _fields(data: SubscriptionIn) -> SubscriptionFields:
    return SubscriptionFields(data.url, data.events, data.scopes, data.description, data.active)


@get("/api/v1/webhooks/events", opt=READ, tags=["webhooks"])
async def api_event_kinds(ctx: Context) -> list[EventKindOut]:
    """The events a receiver can subscribe to, with the scope that adds detail to their payloads."""
    return [EventKindOut(kind.name, f"{kind.family}:read") for kind in CATALOGUE]


@get("/api/v1/organisations/{organisation_id:int}/webhooks", opt=READ, tags=["webhooks"])
async def api_subscriptions(ctx: Context, organisation_id: int) -> list[SubscriptionOut]:
    """The organisation's receivers (admins of that organisation; 403 otherwise). Never their secrets."""
    return [subscription_out(s) for s in await subscriptions.list_subscriptions(ctx.db, ctx.staff, organisation_id)]


@post("/api/v1/organisations/{organisation_id:int}/webhooks", opt=WRITE, tags=["webhooks"], status_code=201)
async def api_subscribe(
    ctx: Context, organisation_id: int, data: JSONBody[SubscriptionIn], settings: Settings
) -> SubscriptionOut:
    """A new receiver. The answer holds its signing secret (`secret`, whsec_…) this once: keep it.
    422 names each wrong field (an address that is not https, in a private network, too long)."""
    made, secret = await subscriptions.create_subscription(
        ctx.db, ctx.staff, organisation_id, _fields(data),
        keys=key_ring(settings), allow_private=settings.webhooks_to_private, now=ctx.now(),
    )  # fmt: skip
    return subscription_out(made, secret)


@get("/api/v1/webhooks/{subscription_id:int}", opt=READ, tags=["webhooks"])
async def api_subscription(ctx: Context, subscription_id: int) -> SubscriptionOut:
    return subscription_out(await subscriptions.get_subscription(ctx.db, ctx.staff, subscription_id))


@patch("/api/v1/webhooks/{subscription_id:int}", opt=WRITE, tags=["webhooks"])
async def api_change(
    ctx: Context, subscription_id: int, data: JSONBody[SubscriptionIn], settings: Settings
) -> SubscriptionOut:
    """Change the address, events, scopes, description; `active: false` pauses it. All fields are given."""
    changed = await subscriptions.change_subscription(
        ctx.db, ctx.staff, subscription_id, _fields(data), allow_private=settings.webhooks_to_private, now=ctx.now()
    )
    return subscription_out(changed)


@post("/api/v1/webhooks/{subscription_id:int}/secret", opt=WRITE, tags=["webhooks"], status_code=200)
async def api_rotate(ctx: Context, subscription_id: int, settings: Settings) -> SubscriptionOut:
    """A new signing secret, in this answer only; what is sent from now on is signed with it."""
    changed, secret = await subscriptions.rotate_secret(
        ctx.db, ctx.staff, subscription_id, keys=key_ring(settings), now=ctx.now()
    )
    return subscription_out(changed, secret)


@delete("/api/v1/webhooks/{subscription_id:int}", opt=WRITE, tags=["webhooks"], status_code=204)
async def api_unsubscribe(ctx: Context, subscription_id: int) -> None:
    """The receiver and its delivery log go."""
    await subscriptions.delete_subscription(ctx.db, ctx.staff, subscription_id)


@get("/api/v1/webhooks/{subscription_id:int}/deliveries", opt=READ, tags=["webhooks"])
async def api_deliveries(ctx: Context, subscription_id: int) -> list[DeliveryOut]:
    """The newest 100 deliveries: status, attempts, the last answer code, the next try."""
    return [delivery_out(d) for d in await delivery_log.list_deliveries(ctx.db, ctx.staff, subscription_id)]


@post(
    "/api/v1/webhooks/{subscription_id:int}/deliveries/{delivery_id:int}/send-again",
    opt=WRITE,
    tags=["webhooks"],
    status_code=202,
)
async def api_send_again(ctx: Context, subscription_id: int, delivery_id: int) -> DeliveryOut:
    """Queue a delivery again with the same webhook-id and payload."""
    return delivery_out(await delivery_log.send_again(ctx.db, ctx.staff, subscription_id, delivery_id, ctx.now()))


ROUTES = [
    api_event_kinds,
    api_subscriptions,
    api_subscribe,
    api_subscription,
    api_change,
    api_rotate,
    api_unsubscribe,
    api_deliveries,
    api_send_again,
]
