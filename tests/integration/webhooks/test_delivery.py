"""Webhook delivery end to end: a loopback receiver that checks every signature with standardwebhooks,
the real worker process killed (SIGKILL) in the middle of a delivery and started again, and the
backoff that ends a delivery that keeps failing as failed.

Every wait has a deadline; worker processes are stopped in `finally` blocks.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, select
from standardwebhooks import Webhook, WebhookVerificationError

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.db import make_engine, make_session_factory
from groepsaanbod.migrate import upgrade
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.protection.encryption import KeyRing, new_key
from groepsaanbod.settings import normalise_database_url
from groepsaanbod.webhooks.events import MAX_ATTEMPTS, backoff_seconds
from groepsaanbod.webhooks.models import WebhookDelivery
from groepsaanbod.webhooks.services.delivery import WebhookSending, deliver_due_webhooks
from groepsaanbod.webhooks.services.record import record_event
from groepsaanbod.webhooks.services.subscriptions import SubscriptionFields, create_subscription
from tests.conftest import backends
from tests.databases import run_async, separate_database
from tests.processes import STARTUP_SECONDS, free_port, wait_for
from tests.processes import stop as stop_process

EVENTS = 6


@dataclass
class Receiver:
    """Keeps every arrival: (webhook-id, signature valid, body). The first request hangs until released."""

    secret: str = ""
    hang_first: bool = True
    status: int = 204
    arrivals: list[tuple[str, bool, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    first_arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def received(self) -> list[tuple[str, bool, str]]:
        with self.lock:
            return list(self.arrivals)


@contextmanager
def receiver(state: Receiver) -> Iterator[int]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's hook name)
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            try:
                Webhook(state.secret).verify(body, dict(self.headers.items()))
                valid = True
            except WebhookVerificationError:
                valid = False
            with state.lock:
                state.arrivals.append((self.headers.get("webhook-id", ""), valid, body.decode()))
                first = len(state.arrivals) == 1
            if first and state.hang_first:
                state.first_arrived.set()
                state.release.wait(STARTUP_SECONDS)  # the worker is killed meanwhile
            self.send_response(state.status)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()


async def _subscribe_and_record(url: str, hook_url: str, keys: KeyRing, count: int) -> tuple[str, list[str]]:
    """An organisation subscribed to `hook_url`, then `count` events, each in its own committed change."""
    engine = make_engine(normalise_database_url(url))
    factory = make_session_factory(engine)
    now = datetime.now(UTC)
    try:
        async with factory() as db:
            org = Organisation(slug="hooks", name="Stichting Hooks", kind="cjg", city="Eindhoven")
            db.add(org)
            await db.commit()
            admin = Viewer(staff_id=0, full_name="admin", email="", roles={org.id: frozenset({"admin"})})
            _, secret = await create_subscription(
                db, admin, org.id, SubscriptionFields(hook_url, ["session.moved", "registration.received"]),
                keys=keys, allow_private=True, now=now,
            )  # fmt: skip
            for n in range(count):
                await record_event(db, org.id, "session.moved", {"session_id": n + 1}, now)
                await db.commit()
            ids = list(await db.scalars(select(WebhookDelivery.event_id).order_by(WebhookDelivery.id)))
    finally:
        await engine.dispose()
    return secret, ids


async def _delivered(url: str) -> int:
    engine = make_engine(normalise_database_url(url))
    try:
        async with engine.connect() as conn:
            return await conn.scalar(
                select(func.count()).select_from(WebhookDelivery).where(WebhookDelivery.delivered_at.is_not(None))
            )
    finally:
        await engine.dispose()


def _start_worker(url: str, key: str, log: Path, *args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "GROEPSAANBOD_DATABASE_URL": url,
        "GROEPSAANBOD_ENCRYPTION_KEYS": key,
        "GROEPSAANBOD_WEBHOOKS_ALLOW_PRIVATE": "1",  # the receiver is on loopback
        "GROEPSAANBOD_LOG_FORMAT": "text",
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "groepsaanbod", "worker", *args],
            env=env, cwd=log.parent, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip


@pytest.mark.parametrize("backend", backends())
def test_a_killed_worker_delivers_every_event_at_least_once_with_one_id_each(backend, tmp_path):
    url = separate_database(backend, tmp_path, "groepsaanbod_webhooks_test")
    upgrade(url)
    key = new_key()
    state = Receiver()
    log = tmp_path / "worker.log"
    with receiver(state) as port:
        state.secret, ids = run_async(
            _subscribe_and_record(url, f"http://127.0.0.1:{port}/hooks", KeyRing([key]), EVENTS)
        )
        assert len(ids) == EVENTS
        assert len(set(ids)) == EVENTS
        first = _start_worker(url, key, log, "--lease", "3", "--interval", "0.2")
        try:
            hung = wait_for(state.first_arrived.is_set, STARTUP_SECONDS, lambda: first.poll() is None)
            assert hung, f"no delivery reached the receiver:\n{log.read_text()}"
            first.send_signal(signal.SIGKILL)  # in the middle of the first delivery
            first.wait(10)
        finally:
            stop_process(first)
        state.release.set()
        assert run_async(_delivered(url)) == 0  # the one in flight was never marked

        second = _start_worker(url, key, log, "--lease", "3", "--interval", "0.2")
        try:
            done = wait_for(
                lambda: run_async(_delivered(url)) == EVENTS, STARTUP_SECONDS, lambda: second.poll() is None
            )
        finally:
            stop_process(second)
        arrivals = state.received()

    assert done, log.read_text()
    assert {event_id for event_id, _, _ in arrivals} == set(ids)
    assert all(valid for _, valid, _ in arrivals), arrivals
    # The delivery in flight at the kill came again, with the same id and the same body.
    assert [event_id for event_id, _, _ in arrivals].count(ids[0]) >= 2
    bodies: dict[str, set[str]] = {}
    for event_id, _, body in arrivals:
        bodies.setdefault(event_id, set()).add(body)
    assert all(len(b) == 1 for b in bodies.values())
    assert {json.loads(next(iter(b)))["data"]["session_id"] for b in bodies.values()} == set(range(1, EVENTS + 1))


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


async def _retry_rounds(url: str, keys: KeyRing) -> list[WebhookDelivery]:
    """Deliver to a receiver answering 500, moving the clock past each backoff; the row after each round."""
    engine = make_engine(normalise_database_url(url))
    factory = make_session_factory(engine)
    clock = Clock(datetime.now(UTC))
    sending = WebhookSending(keys, allow_private=True, timeout=10)
    rows = []
    try:
        for _ in range(MAX_ATTEMPTS + 1):
            await deliver_due_webhooks(factory, sending, clock)
            await deliver_due_webhooks(factory, sending, clock)  # not due again yet: nothing happens
            async with factory() as db:
                row = await db.scalar(select(WebhookDelivery))
            rows.append(row)
            clock.moment = (row.next_attempt_at or clock.moment) + timedelta(seconds=1)
    finally:
        await engine.dispose()
    return rows


@pytest.mark.parametrize("backend", backends())
def test_a_failing_receiver_is_retried_with_backoff_then_the_delivery_fails(backend, tmp_path):
    url = separate_database(backend, tmp_path, "groepsaanbod_webhooks_retry")
    upgrade(url)
    keys = KeyRing([new_key()])
    state = Receiver(hang_first=False, status=500)
    with receiver(state) as port:
        state.secret, [event_id] = run_async(_subscribe_and_record(url, f"http://127.0.0.1:{port}/h", keys, 1))
        rows = run_async(_retry_rounds(url, keys))
    assert [r.attempts for r in rows[:MAX_ATTEMPTS]] == list(range(1, MAX_ATTEMPTS + 1))
    for row in rows[: MAX_ATTEMPTS - 1]:
        assert row.last_status == 500
        assert row.failed_at is None
        assert row.next_attempt_at is not None
    waits = [
        (rows[i].next_attempt_at - rows[i - 1].next_attempt_at).total_seconds() for i in range(1, MAX_ATTEMPTS - 1)
    ]
    assert all(abs(w - 1 - backoff_seconds(i + 1)) < 2 for i, w in enumerate(waits, start=1)), waits
    assert rows[MAX_ATTEMPTS - 1].failed_at is not None
    assert rows[-1].attempts == MAX_ATTEMPTS
    arrivals = state.received()
    # Every attempt with the same webhook-id (their signatures carry the test's clock, hours ahead, which
    # the receiver's freshness check refuses: only the first is checked as valid).
    assert len(arrivals) == MAX_ATTEMPTS
    assert {a[0] for a in arrivals} == {event_id}
    assert arrivals[0][1]


async def _two_senders(url: str, keys: KeyRing) -> None:
    engine = make_engine(normalise_database_url(url))
    factory = make_session_factory(engine)
    sending = WebhookSending(keys, allow_private=True)
    try:
        await asyncio.gather(*(deliver_due_webhooks(factory, sending, lambda: datetime.now(UTC)) for _ in range(3)))
    finally:
        await engine.dispose()


@pytest.mark.parametrize("backend", backends())
def test_senders_side_by_side_deliver_each_event_once(backend, tmp_path):
    url = separate_database(backend, tmp_path, "groepsaanbod_webhooks_side_by_side")
    upgrade(url)
    keys = KeyRing([new_key()])
    state = Receiver(hang_first=False)
    with receiver(state) as port:
        state.secret, ids = run_async(_subscribe_and_record(url, f"http://127.0.0.1:{port}/h", keys, 40))
        run_async(_two_senders(url, keys))
        arrivals = state.received()
    assert sorted(a[0] for a in arrivals) == sorted(ids)  # each once: the claims never overlap
    assert all(a[1] for a in arrivals)
    assert run_async(_delivered(url)) == 40
