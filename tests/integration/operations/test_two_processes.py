"""Two app processes and two workers against one PostgreSQL database, as real processes.

- The registration race, split across both app processes, confirms exactly the cohort's capacity.
- A feed is the same from both (body and ETag; either answers 304 to the other's ETag).
- Every message (confirmations and the due reminders) is sent exactly once between the two workers.
- Killing one app process and one worker (SIGKILL) in the middle of a load loses nothing that was
  confirmed to a client: each 201 has its registration, and its message is delivered by the survivor.

The SMTP server is aiosmtpd on loopback, as in tests/integration/messaging. Every wait has a deadline;
every process is stopped in a `finally` block.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from groepsaanbod.calendars.services import create_feed
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.db import make_engine, make_session_factory
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.migrate import upgrade
from groepsaanbod.programmes.models import ProgrammeTemplate
from groepsaanbod.registration.models import Registration
from groepsaanbod.reminders.models import Reminder
from groepsaanbod.scheduling.models import Session
from groepsaanbod.settings import normalise_database_url
from tests.conftest import backends
from tests.databases import run_async, separate_database
from tests.integration.messaging.test_workers import SENDER, smtp_server
from tests.integration.registration.helpers import person, published_programme
from tests.processes import REQUEST_SECONDS, STARTUP_SECONDS, free_port, output_of, stop, wait_for, wait_until_ready

SLUG = "two-processes"
PLACES = 12  # Triple P: at most 12 parents
REGISTER = f"/api/v1/catalogue/{SLUG}/registrations"


def _start(url: str, log: Path, args: list[str], env: dict[str, str]) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "groepsaanbod", *args],
            env={**os.environ, "GROEPSAANBOD_DATABASE_URL": url, **env},
            cwd=log.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


async def _prepare(url: str) -> tuple[int, str]:
    """A published Triple P with one open cohort, two meetings (one tomorrow, one in ten days), a cohort feed."""
    engine = make_engine(normalise_database_url(url))
    now = datetime.now(UTC)
    try:
        async with make_session_factory(engine)() as db:
            _, pid = await published_programme(db, "triple-p-group", SLUG)
            template_id = await db.scalar(select(ProgrammeTemplate.id).where(ProgrammeTemplate.programme_id == pid))
            cohort = Cohort(
                programme_id=pid,
                template_id=template_id,
                name="Eindhoven – 1",
                language="nl",
                place="Eindhoven",
                status="forming",
                accepts_registrations=True,
            )
            db.add(cohort)
            await db.flush()
            for number, days in ((1, 1), (2, 10)):
                starts = (now + timedelta(days=days)).replace(microsecond=0)
                db.add(
                    Session(
                        programme_id=pid,
                        cohort_id=cohort.id,
                        local_start=starts.replace(tzinfo=None),
                        starts_at=starts,
                        duration_minutes=120,
                        topic={"nl": f"Bijeenkomst {number}"},
                        number=number,
                    )
                )
            await db.commit()
            feed = await create_feed(db, "cohort", cohort.id, language="nl", now=now)
            return cohort.id, feed.path()
    finally:
        await engine.dispose()


async def _register_split(ports: list[int], people: range) -> list[httpx.Response]:
    """All at once, person n to app process n % 2."""
    limits = httpx.Limits(max_connections=20)  # PostgreSQL here allows 100 connections, shared with others
    async with httpx.AsyncClient(limits=limits, timeout=120) as client:
        return await asyncio.gather(
            *(
                client.post(f"http://127.0.0.1:{ports[n % 2]}{REGISTER}", json=person(n, child_birth_date="2020-06-01"))
                for n in people
            )
        )


async def _register_while_killing(ports: list[int], people: range, kill_after: int, kill) -> set[str]:
    """A stream of sign-ups, 8 at a time over both processes; after `kill_after` answers, `kill()` runs.
    Gives whose sign-up was accepted (202) to a client: their email addresses."""
    confirmed: set[str] = set()
    answered = 0
    queue = list(people)

    async def one(client: httpx.AsyncClient) -> None:
        nonlocal answered
        while queue:
            n = queue.pop(0)
            try:
                response = await client.post(
                    f"http://127.0.0.1:{ports[n % 2]}{REGISTER}", json=person(n, child_birth_date="2020-06-01")
                )
            except httpx.HTTPError:
                continue  # the process died under this request: the client was told nothing
            answered += 1
            if response.status_code == 202:
                confirmed.add(person(n)["email"])
            if answered == kill_after:
                kill()

    async with httpx.AsyncClient(timeout=REQUEST_SECONDS) as client:
        await asyncio.gather(*(one(client) for _ in range(8)))
    return confirmed


async def _figures(url: str) -> dict:
    engine = make_engine(normalise_database_url(url))
    try:
        async with make_session_factory(engine)() as db:
            statuses = dict((await db.execute(select(Registration.status, func.count()).group_by("status"))).all())
            # Reminders before the outbox: each statement reads its own snapshot, and a reminder is
            # committed with its message, so every reminder counted here has its message in the
            # outbox read next (the other order could count a reminder whose message it missed).
            reminders = await db.scalar(select(func.count()).select_from(Reminder))
            outbox = (await db.execute(select(OutboxMessage.id, OutboxMessage.dedupe_key, OutboxMessage.sent_at))).all()
            registrations = dict((await db.execute(select(Registration.contact_email, Registration.id))).all())
    finally:
        await engine.dispose()
    return {"statuses": statuses, "outbox": outbox, "reminders": reminders, "registrations": registrations}


def _all_sent(url: str, reminders: int | None = None) -> bool:
    figures = run_async(_figures(url))
    if reminders is not None and figures["reminders"] != reminders:
        return False
    return bool(figures["outbox"]) and all(sent for _, _, sent in figures["outbox"])


def _requests_served(port: int, status: str) -> float:
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=REQUEST_SECONDS).text
    route = "/api/v1/catalogue/{slug}/registrations"  # the route template, not the path
    wanted = f'groepsaanbod_http_requests_total{{method="POST",route="{route}",status="{status}"}}'
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(wanted))


@pytest.mark.parametrize("backend", [b for b in backends() if b == "postgresql"])
def test_two_app_processes_and_two_workers_share_one_database(backend, tmp_path):
    url = separate_database(backend, tmp_path, "groepsaanbod_two_processes_test")
    upgrade(url)
    cohort_id, feed_path = run_async(_prepare(url))
    ports = [free_port(), free_port()]
    app_logs = [tmp_path / "app-a.log", tmp_path / "app-b.log"]
    worker_logs = [tmp_path / "worker-a.log", tmp_path / "worker-b.log"]
    processes: list[subprocess.Popen] = []

    def logs() -> str:
        return output_of([*app_logs, *worker_logs])

    with smtp_server() as (handler, smtp_port):
        try:
            for port, log in zip(ports, app_logs, strict=True):
                env = {
                    "GROEPSAANBOD_BASE_URL": f"http://127.0.0.1:{port}",
                    "GROEPSAANBOD_LOG_FORMAT": "json",
                    # All sign-ups come from one address here; the per-address limit is not what is tested.
                    "GROEPSAANBOD_RATE_LIMIT_REGISTER": "1000000",
                }
                processes.append(_start(url, log, ["serve", "--port", str(port), "--workers", "1"], env))
            worker_env = {
                "GROEPSAANBOD_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
                "GROEPSAANBOD_MAIL_FROM": SENDER,
                "GROEPSAANBOD_LOG_FORMAT": "text",
            }
            for log in worker_logs:
                worker_args = ["worker", "--interval", "0.2", "--concurrency", "2", "--lease", "5"]
                processes.append(_start(url, log, worker_args, worker_env))
            alive = lambda: all(p.poll() is None for p in processes)  # noqa: E731
            for process, port, log in zip(processes[:2], ports, app_logs, strict=True):
                wait_until_ready(process, f"http://127.0.0.1:{port}/health/ready", logs=[log])

            # 1. The race, split across both app processes: exactly the capacity is confirmed.
            attempts = 120
            responses = run_async(_register_split(ports, range(attempts)))
            assert [r.status_code for r in responses] == [202] * attempts, logs()
            # The answer is the same for everyone: the database says who got a place.
            assert run_async(_figures(url))["statuses"] == {"confirmed": PLACES, "waitlisted": attempts - PLACES}
            assert [_requests_served(p, "202") for p in ports] == [attempts / 2, attempts / 2]

            # 2. The feed is the same from both.
            feeds = [httpx.get(f"http://127.0.0.1:{p}{feed_path}", timeout=REQUEST_SECONDS) for p in ports]
            assert [f.status_code for f in feeds] == [200, 200]
            assert feeds[0].content == feeds[1].content
            assert feeds[0].headers["etag"] == feeds[1].headers["etag"]
            assert b"Bijeenkomst 1" in feeds[0].content
            again = httpx.get(
                f"http://127.0.0.1:{ports[1]}{feed_path}",
                headers={"If-None-Match": feeds[0].headers["etag"]},
                timeout=REQUEST_SECONDS,
            )
            assert again.status_code == 304

            # 3. Every message, the due reminders among them (12 members x the 48-hour reminder of
            #    tomorrow's meeting), is sent exactly once between the two workers.
            #    A worker plans before each round of sending, so the last members' reminders may come a
            #    round after the first ones were sent: wait for all twelve, all sent.
            assert wait_for(lambda: _all_sent(url, reminders=PLACES), STARTUP_SECONDS, alive), logs()
            figures = run_async(_figures(url))
            assert figures["statuses"] == {"confirmed": PLACES, "waitlisted": attempts - PLACES}
            assert figures["reminders"] == PLACES
            expected = {f"<outbox-{i}@groepsaanbod>" for i, _, _ in figures["outbox"]}
            assert len(expected) == attempts + PLACES
            received = Counter(handler.received())
            assert set(received) == expected, received.most_common(3)
            assert set(received.values()) == {1}, received.most_common(3)

            # 4. Kill one app process and one worker in the middle of a load: nothing confirmed is lost.
            def kill() -> None:
                processes[0].send_signal(signal.SIGKILL)
                processes[2].send_signal(signal.SIGKILL)

            confirmed = run_async(_register_while_killing(ports, range(1000, 1160), 40, kill))
            processes[0].wait(10)
            processes[2].wait(10)
            survivors = lambda: processes[1].poll() is None and processes[3].poll() is None  # noqa: E731
            assert len(confirmed) > 40, logs()
            assert wait_for(lambda: _all_sent(url), STARTUP_SECONDS, survivors), logs()
        finally:
            for process in processes:
                stop(process)
        received = Counter(handler.received())

    figures = run_async(_figures(url))
    assert confirmed <= set(figures["registrations"])
    assert figures["statuses"]["confirmed"] == PLACES
    sent_for = {key: f"<outbox-{i}@groepsaanbod>" for i, key, _ in figures["outbox"]}
    for email in confirmed:
        registration_id = figures["registrations"][email]
        assert received[sent_for[f"registration:{registration_id}:registration_waitlisted"]] >= 1
    assert set(received) == set(sent_for.values())
    twice = [mid for mid, times in received.items() if times > 1]
    assert len(twice) <= 2, twice
    assert all(received[mid] == 2 for mid in twice), twice  # in flight at the kill (concurrency 2)

    # The app processes logged JSON lines, each request line with its request id and no token.
    for log in app_logs:
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        requests = [line for line in lines if line["logger"] == "groepsaanbod.requests"]
        assert requests
        assert all(len(line["request_id"]) == 32 for line in requests)
        assert feed_path.removeprefix("/feeds/") not in log.read_text()
