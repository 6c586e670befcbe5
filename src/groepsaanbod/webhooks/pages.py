"""Pages of webhooks (admins): the organisation's receivers, adding and changing one, a new secret
(shown once), and each receiver's delivery log with "send again"."""

from __future__ import annotations

from typing import Any

from litestar import Response, Router, get, post
from sqlalchemy import select

from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.bounds import form_id
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.protection.encryption import key_ring
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context, act
from groepsaanbod.webhooks.events import CATALOGUE, DETAIL_SCOPES
from groepsaanbod.webhooks.models import WebhookSubscription
from groepsaanbod.webhooks.services import log as delivery_log
from groepsaanbod.webhooks.services import subscriptions
from groepsaanbod.webhooks.services.subscriptions import MANAGERS, SubscriptionFields

ADMINS = needs_roles("admin")


def _fields(form: Any) -> SubscriptionFields:
    return SubscriptionFields(
        url=str(form.get("url", "")),
        events=[str(v) for v in form.getall("events")] if "events" in form else [],
        scopes=[str(v) for v in form.getall("scopes")] if "scopes" in form else [],
        description=str(form.get("description", "")),
        active=str(form.get("active", "")) == "yes",
    )


def _values(fields: SubscriptionFields | WebhookSubscription) -> dict[str, Any]:
    return {
        "url": fields.url,
        "events": list(fields.events),
        "scopes": list(fields.scopes),
        "description": fields.description,
        "active": fields.active,
    }


async def _organisations(ctx: Context) -> dict[int, str]:
    ids = ctx.staff.organisations_with(MANAGERS)
    rows = await ctx.db.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids)))
    return dict(sorted(((i, n) for i, n in rows.all()), key=lambda pair: pair[1]))


async def _list_page(ctx: Context, problems: list[dict[str, Any]] | None = None, **shown: Any) -> Response:
    organisations = await _organisations(ctx)
    return ctx.render(
        "webhooks/list.html",
        status_code=400 if problems else 200,
        subscriptions=await subscriptions.list_subscriptions(ctx.db, ctx.staff),
        organisations=organisations,
        catalogue=CATALOGUE,
        detail_scopes=DETAIL_SCOPES,
        problems=problems or [],
        values=shown.pop("values", {"events": [], "scopes": [], "active": True}),
        **shown,
    )


async def _detail_page(
    ctx: Context, subscription_id: int, problems: list[dict[str, Any]] | None = None, **shown: Any
) -> Response:
    subscription = await subscriptions.get_subscription(ctx.db, ctx.staff, subscription_id)
    return ctx.render(
        "webhooks/detail.html",
        status_code=400 if problems else 200,
        subscription=subscription,
        deliveries=await delivery_log.list_deliveries(ctx.db, ctx.staff, subscription_id),
        status_of=delivery_log.delivery_status,
        catalogue=CATALOGUE,
        detail_scopes=DETAIL_SCOPES,
        problems=problems or [],
        values=shown.pop("values", None) or _values(subscription),
        done=ctx.request.query_params.get("done", ""),
        **shown,
    )


@get("/staff/webhooks", opt=ADMINS)
async def webhooks_page(ctx: Context) -> Response:
    return await _list_page(ctx)


@post("/staff/webhooks", opt=ADMINS)
async def subscribe_submit(ctx: Context, settings: Settings) -> Response:
    form = await ctx.request.form()
    fields = _fields(form)
    organisation_id = form_id(form.get("organisation_id"))

    async def show_form(problems: list[dict[str, Any]]) -> Response:
        return await _list_page(ctx, problems, values=_values(fields))

    async def made() -> tuple[WebhookSubscription, str]:
        return await subscriptions.create_subscription(
            ctx.db, ctx.staff, organisation_id, fields,
            keys=key_ring(settings), allow_private=settings.webhooks_to_private, now=ctx.now(),
        )  # fmt: skip

    # The secret is shown on this answer only (never in a URL or a later page).
    return await act(
        ctx, made, done=lambda result: ctx.render("webhooks/secret.html", subscription=result[0], secret=result[1]),
        form=show_form,
    )  # fmt: skip


@get("/staff/webhooks/{subscription_id:int}", opt=ADMINS)
async def subscription_page(ctx: Context, subscription_id: int) -> Response:
    return await _detail_page(ctx, subscription_id)


@post("/staff/webhooks/{subscription_id:int}", opt=ADMINS)
async def change_submit(ctx: Context, subscription_id: int, settings: Settings) -> Response:
    fields = _fields(await ctx.request.form())

    async def show_form(problems: list[dict[str, Any]]) -> Response:
        return await _detail_page(ctx, subscription_id, problems, values=_values(fields))

    return await act(
        ctx,
        lambda: subscriptions.change_subscription(
            ctx.db, ctx.staff, subscription_id, fields, allow_private=settings.webhooks_to_private, now=ctx.now()
        ),
        done=lambda _: ctx.redirect(f"/staff/webhooks/{subscription_id}?done=saved"),
        form=show_form,
    )


@post("/staff/webhooks/{subscription_id:int}/secret", opt=ADMINS)
async def rotate_submit(ctx: Context, subscription_id: int, settings: Settings) -> Response:
    subscription, secret = await subscriptions.rotate_secret(
        ctx.db, ctx.staff, subscription_id, keys=key_ring(settings), now=ctx.now()
    )
    return ctx.render("webhooks/secret.html", subscription=subscription, secret=secret)


@post("/staff/webhooks/{subscription_id:int}/delete", opt=ADMINS)
async def delete_submit(ctx: Context, subscription_id: int) -> Response:
    await subscriptions.delete_subscription(ctx.db, ctx.staff, subscription_id)
    return ctx.redirect("/staff/webhooks?done=deleted")


@post("/staff/webhooks/{subscription_id:int}/deliveries/{delivery_id:int}/send-again", opt=ADMINS)
async def send_again_submit(ctx: Context, subscription_id: int, delivery_id: int) -> Response:
    await delivery_log.send_again(ctx.db, ctx.staff, subscription_id, delivery_id, ctx.now())
    return ctx.redirect(f"/staff/webhooks/{subscription_id}?done=queued")


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[
            webhooks_page,
            subscribe_submit,
            subscription_page,
            change_submit,
            rotate_submit,
            delete_submit,
            send_again_submit,
        ],
        include_in_schema=False,
    )
]
