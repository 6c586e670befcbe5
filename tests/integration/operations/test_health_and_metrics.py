"""Liveness, readiness (database reachable, schema at the migrations' head), /metrics and the request id."""

from __future__ import annotations

import logging
from datetime import timedelta

import httpx
import pytest

from groepsaanbod.app import create_app
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.migrate import upgrade
from groepsaanbod.operations.health import migration_heads
from groepsaanbod.settings import Settings
from tests.conftest import NOW


def _client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_live_needs_no_database():
    app = create_app(Settings(database_url="postgresql://nobody@127.0.0.1:1/nothing"))
    async with _client(app) as client:
        response = await client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}


async def test_ready_when_the_schema_is_at_head(client):
    response = await client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


async def test_not_ready_while_the_database_is_unreachable():
    app = create_app(Settings(database_url="postgresql://nobody@127.0.0.1:1/nothing"))
    async with _client(app) as client:
        response = await client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["reason"] == "database unreachable"


async def test_not_ready_while_migrations_are_behind(tmp_path):
    url = f"sqlite:///{tmp_path / 'behind.db'}"
    upgrade(url, "0004")
    app = create_app(Settings(database_url=url))
    async with _client(app) as client:
        behind = await client.get("/health/ready")
        upgrade(url)
        caught_up = await client.get("/health/ready")
    assert behind.status_code == 503
    assert "schema at 0004" in behind.json()["reason"]
    assert all(h in behind.json()["reason"] for h in migration_heads())
    assert caught_up.status_code == 200


def _sample(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{") and line.split(" ")[0] == name:
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in:\n{text}")


async def test_metrics_count_requests_per_route_template_and_read_the_outbox(client, db):
    db.add_all(
        [
            OutboxMessage(
                dedupe_key=f"metrics:{n}",
                channel="email",
                to_address="ouder@example.org",
                language="nl",
                kind="session_reminder",
                subject="Herinnering",
                body_text="Tot morgen.",
                created_at=NOW - timedelta(minutes=10),
                next_attempt_at=NOW - timedelta(minutes=n),
                sent_at=NOW if n == 3 else None,
            )
            for n in (1, 2, 3)
        ]
        + [
            OutboxMessage(
                dedupe_key="metrics:later",
                channel="email",
                to_address="ouder@example.org",
                language="nl",
                kind="session_reminder",
                subject="Later",
                body_text="Later.",
                created_at=NOW,
                next_attempt_at=NOW + timedelta(hours=1),
            )
        ]
    )
    await db.commit()
    for _ in range(3):
        await client.get("/feeds/not-a-real-token-abcdefghijklmnop.ics")
    text = (await client.get("/metrics")).text

    feed_404 = 'groepsaanbod_http_requests_total{method="GET",route="/feeds/{name}",status="404"}'
    assert any(line.startswith(feed_404) and float(line.rsplit(" ", 1)[1]) >= 3 for line in text.splitlines())
    assert "not-a-real-token" not in text
    assert 'groepsaanbod_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/feeds/{name}"}' in (text)
    assert _sample(text, "groepsaanbod_outbox_depth") == 3  # two due, one later; the sent one not
    assert _sample(text, "groepsaanbod_outbox_oldest_due_age_seconds") == 120
    assert _sample(text, "groepsaanbod_messages_sent_total") == 1
    assert _sample(text, "groepsaanbod_messages_failed_total") == 0
    assert 'groepsaanbod_registrations{status="confirmed"}' in text


async def test_metrics_token_when_set(db):
    async def shared():
        yield db

    app = create_app(Settings(database_url="sqlite:///unused.db", metrics_token="s3cret"), db_session_provider=shared)
    async with _client(app) as client:
        refused = await client.get("/metrics")
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        allowed = await client.get("/metrics", headers={"Authorization": "Bearer s3cret"})
    assert (refused.status_code, wrong.status_code, allowed.status_code) == (401, 401, 200)


async def test_each_answer_carries_a_request_id_and_the_log_names_the_route_not_the_path(client, caplog):
    with caplog.at_level(logging.INFO, logger="groepsaanbod.requests"):
        fresh = await client.get("/feeds/secret-feed-token-0123456789.ics")
        kept = await client.get("/api/v1/catalogue", headers={"X-Request-ID": "proxy-given-id-42"})
        odd = await client.get("/api/v1/catalogue", headers={"X-Request-ID": "bad id with spaces"})
    assert len(fresh.headers["x-request-id"]) == 32
    assert kept.headers["x-request-id"] == "proxy-given-id-42"
    assert odd.headers["x-request-id"] != "bad id with spaces"
    lines = [r for r in caplog.records if r.name == "groepsaanbod.requests"]
    assert [r.route for r in lines] == ["/feeds/{name}", "/api/v1/catalogue", "/api/v1/catalogue"]
    assert [r.status for r in lines] == [404, 200, 200]
    ours = [r for r in caplog.records if r.name.startswith("groepsaanbod")]
    assert ours
    assert all("secret-feed-token" not in repr(vars(r)) for r in ours)


@pytest.mark.parametrize("path", ["/health/live", "/health/ready", "/metrics"])
async def test_operator_routes_are_public_and_out_of_the_api_document(app, path):
    handler = next(h for r in app.routes if r.path == path for h in r.route_handlers)
    assert handler.opt.get("public") is True
