"""Managing receivers through the API and the pages: who may, what is refused, the secret, the log."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from standardwebhooks import Webhook

from groepsaanbod.i18n.translations import gettext
from groepsaanbod.webhooks.addresses import URL_NOT_HTTPS, URL_PRIVATE, URL_TOO_LONG
from groepsaanbod.webhooks.errors import WebhookRefused
from groepsaanbod.webhooks.models import WebhookDelivery, WebhookSubscription
from groepsaanbod.webhooks.services.record import record_event
from groepsaanbod.webhooks.services.subscriptions import SubscriptionFields, create_subscription
from tests.conftest import NOW
from tests.factories import app_keys, make_organisation, make_staff, sign_in
from tests.integration.membership.world import become, nobody
from tests.integration.webhooks.helpers import admin_of, deliveries

BODY = {"url": "https://hooks.example.org/in", "events": ["registration.received", "session.moved"]}


async def _count(db) -> int:
    return await db.scalar(select(func.count()).select_from(WebhookSubscription))


async def test_an_admin_subscribes_and_sees_the_secret_once(client, db):
    org = await make_organisation(db)
    admin = await make_staff(db, org, "admin")
    await sign_in(client, admin)
    made = await client.post(
        f"/api/v1/organisations/{org.id}/webhooks", json={**BODY, "scopes": ["registrations:read"]}
    )
    assert made.status_code == 201, made.text
    secret = made.json()["secret"]
    assert secret.startswith("whsec_")
    Webhook(secret)  # a secret the library accepts
    row = await db.get(WebhookSubscription, made.json()["id"])
    assert secret not in row.secret_encrypted
    assert app_keys().decrypt(row.secret_encrypted) == secret
    listed = await client.get(f"/api/v1/organisations/{org.id}/webhooks")
    assert listed.status_code == 200
    assert listed.json()[0]["secret"] is None
    assert secret not in listed.text
    rotated = await client.post(f"/api/v1/webhooks/{row.id}/secret")
    assert rotated.status_code == 200
    assert rotated.json()["secret"] not in (None, secret)
    await db.refresh(row)
    assert app_keys().decrypt(row.secret_encrypted) == rotated.json()["secret"]
    paused = await client.patch(f"/api/v1/webhooks/{row.id}", json={**BODY, "active": False})
    assert paused.status_code == 200
    assert paused.json()["active"] is False
    kinds = await client.get("/api/v1/webhooks/events")
    assert {"name": "signal.raised", "detail_scope": "signals:read"} in kinds.json()
    gone = await client.delete(f"/api/v1/webhooks/{row.id}")
    assert gone.status_code == 204
    assert await _count(db) == 0


async def test_a_coordinator_another_organisation_and_nobody_cannot_manage(client, db):
    org, other = await make_organisation(db), await make_organisation(db, "Ander")
    await make_staff(db, org, "admin")
    coordinator = await make_staff(db, org, "coordinator", "midwife", "cjg_staff")
    stranger = await make_staff(db, other, "admin", "coordinator")
    made, _ = await create_subscription(
        db, admin_of(org.id), org.id, SubscriptionFields(BODY["url"], BODY["events"]),
        keys=app_keys(), allow_private=False, now=NOW,
    )  # fmt: skip
    await record_event(db, org.id, "session.moved", {"session_id": 1}, NOW)
    await db.commit()
    [delivery] = await deliveries(db)
    before = (made.url, list(made.events), made.secret_encrypted)
    attempts = [
        ("get", f"/api/v1/organisations/{org.id}/webhooks", None),
        ("post", f"/api/v1/organisations/{org.id}/webhooks", BODY),
        ("get", f"/api/v1/webhooks/{made.id}", None),
        ("patch", f"/api/v1/webhooks/{made.id}", {**BODY, "url": "https://evil.example.net/"}),
        ("post", f"/api/v1/webhooks/{made.id}/secret", None),
        ("delete", f"/api/v1/webhooks/{made.id}", None),
        ("get", f"/api/v1/webhooks/{made.id}/deliveries", None),
        ("post", f"/api/v1/webhooks/{made.id}/deliveries/{delivery.id}/send-again", None),
    ]
    for who in (coordinator, stranger, None):
        if who is None:
            await nobody(client)
        else:
            await become(client, who)
        for method, path, body in attempts:
            answer = await client.request(method, path, json=body)
            assert answer.status_code in (401, 403, 404), (who and who.email, method, path, answer.status_code)
            assert "whsec_" not in answer.text
            assert "hooks.example.org" not in answer.text
        page = await client.get(f"/nl/staff/webhooks/{made.id}", follow_redirects=False)
        assert page.status_code in (303, 403, 404)
    await db.refresh(made)
    assert (made.url, list(made.events), made.secret_encrypted) == before
    assert await _count(db) == 1
    await db.refresh(delivery)
    assert delivery.attempts == 0
    assert delivery.next_attempt_at is None


@pytest.mark.parametrize(
    ("url", "msgid"),
    [
        ("ftp://example.org/in", URL_NOT_HTTPS),
        ("javascript:alert(document.cookie)", URL_NOT_HTTPS),
        ("https://example.org/" + "x" * 10_240, URL_TOO_LONG),
    ],
)
@pytest.mark.parametrize("lang", ["nl", "ar"])
async def test_hostile_addresses_refused_in_the_readers_language(client, db, url, msgid, lang):
    org = await make_organisation(db)
    await sign_in(client, await make_staff(db, org, "admin"))
    answer = await client.post(
        f"/api/v1/organisations/{org.id}/webhooks", json={**BODY, "url": url}, headers={"Accept-Language": lang}
    )
    assert answer.status_code in (400, 422), answer.text
    if answer.status_code == 422:
        [problem] = [e for e in answer.json()["errors"] if e["field"] == "url"]
        assert problem["message"].split("%")[0][:20] == gettext(lang, msgid, max=500).split("%")[0][:20]
    assert await _count(db) == 0


@pytest.mark.parametrize(
    "url", ["https://10.1.2.3/in", "https://127.0.0.1/in", "https://localhost/in", "http://hooks.example.org/in"]
)
async def test_private_addresses_refused_in_production(db, url):
    org = await make_organisation(db)
    with pytest.raises(WebhookRefused) as refused:
        await create_subscription(
            db, admin_of(org.id), org.id, SubscriptionFields(url, ["session.moved"]),
            keys=app_keys(), allow_private=False, now=NOW,
        )  # fmt: skip
    assert refused.value.problems[0].field == "url"
    assert refused.value.problems[0].message.msgid in (URL_PRIVATE, URL_NOT_HTTPS)
    assert await _count(db) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [({"events": []}, "events"), ({"events": ["registration.deleted"]}, "events"),
     ({"scopes": ["audit:read"]}, "scopes"), ({"events": ["session.moved"] * 10_000}, "events"),
     ({"description": "x" * 201}, "description"), ({"description": "one\nTwo"}, "description")],
)  # fmt: skip
async def test_wrong_events_scopes_and_descriptions_are_named(client, db, change, field):
    org = await make_organisation(db)
    await sign_in(client, await make_staff(db, org, "admin"))
    answer = await client.post(f"/api/v1/organisations/{org.id}/webhooks", json={**BODY, **change})
    assert answer.status_code == 422, answer.text
    assert field in {e["field"] for e in answer.json()["errors"]}
    assert await _count(db) == 0


async def test_send_again_requeues_with_the_same_webhook_id(client, db):
    org = await make_organisation(db)
    admin = await make_staff(db, org, "admin")
    made, _ = await create_subscription(
        db, admin_of(org.id), org.id, SubscriptionFields(BODY["url"], BODY["events"]),
        keys=app_keys(), allow_private=False, now=NOW,
    )  # fmt: skip
    await record_event(db, org.id, "session.moved", {"session_id": 3}, NOW)
    await db.commit()
    [delivery] = await deliveries(db)
    delivery.attempts, delivery.failed_at, delivery.last_status = 10, NOW, 500
    await db.commit()
    event_id, body = delivery.event_id, delivery.payload
    await sign_in(client, admin)
    log = await client.get(f"/api/v1/webhooks/{made.id}/deliveries")
    assert log.json()[0]["status"] == "failed"
    assert log.json()[0]["last_status"] == 500
    again = await client.post(f"/api/v1/webhooks/{made.id}/deliveries/{delivery.id}/send-again")
    assert again.status_code == 202
    assert again.json()["status"] == "waiting"
    await db.refresh(delivery)
    assert (delivery.event_id, delivery.payload, delivery.attempts, delivery.failed_at) == (event_id, body, 0, None)
    # The page's button does the same (a form POST with its CSRF token).
    delivery.delivered_at = NOW
    await db.commit()
    page = await client.get(f"/nl/staff/webhooks/{made.id}")
    assert page.status_code == 200
    assert event_id in page.text
    assert "send-again" in page.text
    pressed = await client.post(
        f"/nl/staff/webhooks/{made.id}/deliveries/{delivery.id}/send-again", follow_redirects=False
    )
    assert pressed.status_code == 303
    await db.refresh(delivery)
    assert delivery.delivered_at is None
    assert delivery.event_id == event_id
    assert await db.scalar(select(func.count()).select_from(WebhookDelivery)) == 1


async def test_the_pages_add_a_webhook_and_show_its_secret_once(client, db):
    org = await make_organisation(db)
    await sign_in(client, await make_staff(db, org, "admin"))
    org_id = org.id  # a refused form rolls back, which expires the objects of the shared session
    page = await client.get("/en/staff/webhooks")
    assert page.status_code == 200
    assert "registration.received" in page.text
    refused = await client.post(
        "/en/staff/webhooks", data={"organisation_id": str(org_id), "url": "ftp://x.org", "events": "session.moved"}
    )
    assert refused.status_code == 400
    assert "https://" in refused.text
    assert await _count(db) == 0
    made = await client.post(
        "/en/staff/webhooks",
        data={"organisation_id": str(org_id), "url": "https://hooks.example.org/in", "events": ["session.moved"],
              "active": "yes"},
    )  # fmt: skip
    assert made.status_code == 200
    assert "whsec_" in made.text
    [row] = list(await db.scalars(select(WebhookSubscription)))
    assert row.events == ["session.moved"]
    assert row.active
    detail = await client.get(f"/en/staff/webhooks/{row.id}")
    assert detail.status_code == 200
    assert "whsec_" not in detail.text
