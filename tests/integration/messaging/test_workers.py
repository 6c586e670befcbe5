"""Outbox workers as real processes against a real SMTP server (aiosmtpd on loopback).

- A worker killed mid-run loses nothing: after a restart every message arrives, and
  at most the one message in flight at the kill arrives twice (with the same Message-ID).
- Two workers side by side on PostgreSQL (SKIP LOCKED) never send a message twice.
- A refused connection is retried with backoff and, after MAX_ATTEMPTS, marked failed.

Every wait has a deadline; worker processes are stopped in `finally` blocks.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.parser import BytesHeaderParser
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, insert, select, text

from groepsaanbod.db import make_engine, make_session_factory
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.messaging.services.delivery import MAX_ATTEMPTS, Channels, backoff, deliver_due_messages
from groepsaanbod.migrate import upgrade
from groepsaanbod.settings import normalise_database_url
from tests.conftest import NOW, backends
from tests.databases import run_async, separate_database
from tests.processes import STARTUP_SECONDS, free_port
from tests.processes import stop as _stop
from tests.processes import wait_for as _wait_for

SENDER = "groepsaanbod <noreply@example.org>"


class RecordingHandler:
    """Keeps the Message-ID of every message accepted, and answers a little slowly."""

    def __init__(self, delay: float = 0.005) -> None:
        self.delay = delay
        self.message_ids: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        headers = BytesHeaderParser().parsebytes(envelope.original_content or envelope.content)
        with self.lock:
            self.message_ids.append(str(headers["Message-ID"]))
        await asyncio.sleep(self.delay)
        return "250 OK"

    def received(self) -> list[str]:
        with self.lock:
            return list(self.message_ids)

    def distinct(self) -> int:
        with self.lock:
            return len(set(self.message_ids))


@contextmanager
def smtp_server(delay: float = 0.005) -> Iterator[tuple[RecordingHandler, int]]:
    handler = RecordingHandler(delay)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=60)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


async def _queue(url: str, count: int) -> list[int]:
    engine = make_engine(normalise_database_url(url))
    try:
        async with engine.begin() as conn:
            await conn.execute(
                insert(OutboxMessage),
                [
                    {
                        "dedupe_key": f"worker-test:{n}",
                        "channel": "email",
                        "to_address": f"ouder{n}@example.org",
                        "language": "nl",
                        "kind": "session_reminder",
                        "subject": f"Herinnering {n}",
                        "body_text": f"Tot morgen, ouder {n}.",
                        "body_html": None,
                        "created_at": NOW,
                        "attempts": 0,
                    }
                    for n in range(count)
                ],
            )
            ids = list((await conn.execute(select(OutboxMessage.id).order_by(OutboxMessage.id))).scalars())
    finally:
        await engine.dispose()
    return ids


async def _count_sent(url: str) -> int:
    engine = make_engine(normalise_database_url(url))
    try:
        async with engine.connect() as conn:
            return await conn.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_not(None))
            )
    finally:
        await engine.dispose()


async def _wait_all_sent(url: str, count: int, timeout: float, alive: Callable[[], bool]) -> int:
    """Poll the database until `count` messages are sent (or the deadline passes, or the workers died)."""
    engine = make_engine(normalise_database_url(url))
    deadline = time.monotonic() + timeout
    sent = 0
    try:
        while time.monotonic() < deadline and alive():
            async with engine.connect() as conn:
                sent = await conn.scalar(
                    select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_not(None))
                )
            if sent >= count:
                break
            await asyncio.sleep(0.2)
    finally:
        await engine.dispose()
    return sent


def _start_worker(url: str, smtp_port: int, log: Path, *args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "GROEPSAANBOD_DATABASE_URL": url,
        "GROEPSAANBOD_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
        "GROEPSAANBOD_MAIL_FROM": SENDER,
        "GROEPSAANBOD_LOG_FORMAT": "text",  # _reported_sent reads the readable lines
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "groepsaanbod", "worker", *args],
            env=env,
            cwd=log.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


@pytest.mark.parametrize("backend", backends())
def test_killed_worker_loses_nothing_and_repeats_at_most_the_message_in_flight(backend, tmp_path):
    n = 300
    url = separate_database(backend, tmp_path, "groepsaanbod_workers_test")
    upgrade(url)
    ids = run_async(_queue(url, n))
    expected = {f"<outbox-{i}@groepsaanbod>" for i in ids}
    log = tmp_path / "worker.log"
    with smtp_server() as (handler, port):
        first = _start_worker(url, port, log, "--concurrency", "1", "--lease", "3")
        try:
            # The worker's start (imports, first claim) may take long on a busy machine.
            started = _wait_for(lambda: handler.distinct() >= 50, STARTUP_SECONDS, lambda: first.poll() is None)
            assert started, f"the worker delivered {handler.distinct()} in time:\n{log.read_text()}"
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        finally:
            _stop(first)
        at_kill = handler.distinct()
        assert at_kill < n, "the worker finished before it was killed; nothing was tested"

        second = _start_worker(url, port, log, "--concurrency", "1", "--interval", "0.2")
        try:
            sent = run_async(_wait_all_sent(url, n, STARTUP_SECONDS, lambda: second.poll() is None))
        finally:
            _stop(second)
        received = handler.received()

    assert sent == n, log.read_text()
    counts = Counter(received)
    assert set(counts) == expected
    twice = [mid for mid, times in counts.items() if times > 1]
    assert len(twice) <= 1, twice
    assert all(counts[mid] == 2 for mid in twice), twice
    assert run_async(_count_sent(url)) == n


async def _connected_workers(url: str) -> int:
    """How many other sessions are connected to this PostgreSQL database (a worker keeps one after its first round)."""
    engine = make_engine(normalise_database_url(url))
    try:
        async with engine.connect() as conn:
            return await conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
    finally:
        await engine.dispose()


def _reported_sent(log: Path) -> int:
    """The messages a worker says it sent, from its `outbox delivered ... sent=N` log lines."""
    return sum(int(n) for n in re.findall(r"outbox delivered .*\bsent=(\d+)", log.read_text()))


@pytest.mark.parametrize("backend", [b for b in backends() if b == "postgresql"])
def test_two_workers_side_by_side_send_each_message_once(backend, tmp_path):
    n = 400
    url = separate_database(backend, tmp_path, "groepsaanbod_workers_test")
    upgrade(url)
    logs = [tmp_path / "worker-a.log", tmp_path / "worker-b.log"]
    with smtp_server() as (handler, port):
        workers = [_start_worker(url, port, log, "--concurrency", "2", "--interval", "0.2") for log in logs]
        try:
            # Both workers running (each connected) before the messages appear, all in one transaction:
            # the two then compete for the same rows from their next round on.
            running = _wait_for(
                lambda: run_async(_connected_workers(url)) >= 2,
                STARTUP_SECONDS,
                lambda: all(w.poll() is None for w in workers),
            )
            assert running, "\n".join(log.read_text() for log in logs)
            ids = run_async(_queue(url, n))
            sent = run_async(_wait_all_sent(url, n, STARTUP_SECONDS, lambda: all(w.poll() is None for w in workers)))
        finally:
            for worker in workers:
                _stop(worker)
        received = handler.received()

    assert sent == n, "\n".join(log.read_text() for log in logs)
    counts = Counter(received)
    assert set(counts) == {f"<outbox-{i}@groepsaanbod>" for i in ids}
    assert [mid for mid, times in counts.items() if times != 1] == []
    assert len(received) == n
    by_worker = [_reported_sent(log) for log in logs]
    assert sum(by_worker) == n, by_worker
    assert all(by_worker), by_worker  # both took part, and between them sent each once


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


async def _retry_rounds(url: str, smtp_url: str) -> list[tuple]:
    """Deliver against a refusing server, moving the clock past each backoff; the row after each round."""
    engine = make_engine(normalise_database_url(url))
    factory = make_session_factory(engine)
    clock = Clock(NOW)
    rounds = []
    try:
        for _ in range(MAX_ATTEMPTS + 1):
            report = await deliver_due_messages(factory, Channels(smtp_url, SENDER), clock)
            again = await deliver_due_messages(factory, Channels(smtp_url, SENDER), clock)  # not due again yet
            async with factory() as db:
                message = await db.scalar(select(OutboxMessage))
            rounds.append((clock.moment, report, again, message))
            clock.moment = (message.next_attempt_at or clock.moment) + timedelta(seconds=1)
    finally:
        await engine.dispose()
    return rounds


@pytest.mark.parametrize("backend", backends())
def test_refused_delivery_backs_off_then_fails_for_good(backend, tmp_path):
    url = separate_database(backend, tmp_path, "groepsaanbod_workers_test")
    upgrade(url)
    run_async(_queue(url, 1))
    closed = free_port()  # nothing listens here: the connection is refused
    rounds = run_async(_retry_rounds(url, f"smtp://127.0.0.1:{closed}"))

    moment, report, again, message = rounds[0]
    assert (report.sent, report.retried, report.failed) == (0, 1, 0)
    assert (again.sent, again.retried, again.failed) == (0, 0, 0)
    assert message.attempts == 1
    assert message.sent_at is None
    assert message.failed_at is None
    assert message.next_attempt_at == moment + backoff(1)
    assert message.next_attempt_at > moment
    assert "ConnectionRefused" in message.last_error

    waits = []
    for attempt, (moment, report, again, message) in enumerate(rounds[:MAX_ATTEMPTS], start=1):
        assert message.attempts == attempt
        assert message.sent_at is None
        assert again.retried == again.failed == 0
        if attempt < MAX_ATTEMPTS:
            assert report.retried == 1
            assert message.failed_at is None
            waits.append(message.next_attempt_at - moment)
        else:
            assert report.failed == 1
            assert message.failed_at == moment
    assert waits == [backoff(a) for a in range(1, MAX_ATTEMPTS)]
    assert waits == sorted(waits)
    assert waits[0] > timedelta(0)

    final = rounds[-1][3]
    assert final.failed_at is not None
    assert final.sent_at is None
    assert final.attempts == MAX_ATTEMPTS
    assert final.last_error.startswith("ConnectionRefusedError")
    assert "refused" in final.last_error.lower()
    last_report = rounds[-1][1]
    assert (last_report.sent, last_report.retried, last_report.failed) == (0, 0, 0)  # failed for good: left alone
