"""Benchmark: recording and delivering webhook events, signed, to a receiver on loopback.

Run from the repository root:

    .venv/bin/python bench/webhooks.py                       # SQLite file in a temporary folder
    GROEPSAANBOD_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/webhooks.py

With GROEPSAANBOD_TEST_DATABASE_URL set, a database of its own ("ga_bench_<run>_webhooks", dropped
at the end) on that PostgreSQL server; otherwise a SQLite file in a temporary folder.

One organisation subscribes a receiver to every event. N events are recorded with the use cases'
own `record_event` (in transactions of 500, as a busy day's changes would), then delivered by
`deliver_due_webhooks` with S senders side by side in this process (the worker runs one). The
receiver, in its own process on 127.0.0.1, verifies every signature with `standardwebhooks` and
writes down each `webhook-id`. Afterwards: every event delivered, none twice, no bad signature,
every row marked delivered (the benchmark exits 1 when not).

Options: --events N (default 5000), --senders S (default 4), --small (200 events, 2 senders).

The last line is machine-readable:
    BENCH webhooks events=<n> delivered=<n> duplicates=<n> bad_signatures=<n> per_second=<r>
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import Checks, bench_databases, free_port, postgres_server, small  # noqa: E402

from groepsaanbod.access.viewer import Viewer  # noqa: E402
from groepsaanbod.db import import_all_models, make_engine, make_session_factory  # noqa: E402
from groepsaanbod.migrate import upgrade  # noqa: E402
from groepsaanbod.organisations.models import Organisation  # noqa: E402
from groepsaanbod.protection.encryption import key_ring  # noqa: E402
from groepsaanbod.settings import Settings, normalise_database_url  # noqa: E402
from groepsaanbod.webhooks.events import CATALOGUE  # noqa: E402
from groepsaanbod.webhooks.models import WebhookDelivery  # noqa: E402
from groepsaanbod.webhooks.services.delivery import WebhookSending, deliver_due_webhooks  # noqa: E402
from groepsaanbod.webhooks.services.record import record_event  # noqa: E402
from groepsaanbod.webhooks.services.subscriptions import SubscriptionFields, create_subscription  # noqa: E402

import_all_models()
BATCH = 500


def receive(port: int, secret: str, record_to: str, ready) -> None:  # type: ignore[no-untyped-def]
    """The receiver process: verify, note the id (or BAD), answer 204."""
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError

    verifier = Webhook(secret)
    out = open(record_to, "a", buffering=1)  # noqa: SIM115 (open for the process's life)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            try:
                verifier.verify(body, dict(self.headers.items()))
                out.write(self.headers["webhook-id"] + "\n")
            except WebhookVerificationError:
                out.write("BAD\n")
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    ready.set()
    server.serve_forever()


async def set_up(url: str, receiver: str) -> str:
    engine = make_engine(normalise_database_url(url))
    async with make_session_factory(engine)() as db:
        org = Organisation(slug="bench-hooks", name="Bench", kind="foundation", city="Zwolle")
        db.add(org)
        await db.commit()
        admin = Viewer(0, "bench", "", {org.id: frozenset({"admin"})})
        _, secret = await create_subscription(
            db,
            admin,
            org.id,
            SubscriptionFields(receiver, [kind.name for kind in CATALOGUE]),
            keys=key_ring(Settings()),
            allow_private=True,
            now=datetime.now(UTC),
        )
        await db.commit()
    await engine.dispose()
    return secret


async def record(url: str, events: int) -> float:
    engine = make_engine(normalise_database_url(url))
    organisation_id = 0
    start = time.perf_counter()
    async with make_session_factory(engine)() as db:
        organisation_id = await db.scalar(select(Organisation.id)) or 0
        for n in range(events):
            data = {"registration_id": n + 1, "programme_id": 1, "cohort_id": 1, "status": "confirmed"}
            await record_event(db, organisation_id, "registration.placed", data, datetime.now(UTC))
            if (n + 1) % BATCH == 0:
                await db.commit()
        await db.commit()
    await engine.dispose()
    return time.perf_counter() - start


async def deliver(url: str, senders: int) -> tuple[float, int, list[str]]:
    engine = make_engine(normalise_database_url(url))
    factory = make_session_factory(engine)
    sending = WebhookSending(keys=key_ring(Settings()), allow_private=True)
    start = time.perf_counter()
    await asyncio.gather(*(deliver_due_webhooks(factory, sending, lambda: datetime.now(UTC)) for _ in range(senders)))
    seconds = time.perf_counter() - start
    async with factory() as db:
        marked = await db.scalar(select(func.count()).where(WebhookDelivery.delivered_at.is_not(None))) or 0
        ids = list(await db.scalars(select(WebhookDelivery.event_id)))
    await engine.dispose()
    return seconds, marked, ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    tiny = small()
    parser.add_argument("--events", type=int, default=200 if tiny else 5000)
    parser.add_argument("--senders", type=int, default=2 if tiny else 4)
    parser.add_argument("--small", action="store_true", help="tiny sizes, whole path, still checked")
    args = parser.parse_args()

    server_url = postgres_server(required=False)
    with tempfile.TemporaryDirectory(prefix="groepsaanbod-bench-") as folder, ExitStack() as stack:
        if server_url:
            url, backend = stack.enter_context(bench_databases(server_url)).create("webhooks"), "PostgreSQL"
        else:
            url, backend = f"sqlite:///{folder}/webhooks.db", "SQLite"
        upgrade(url)
        print(f"database: {backend}; {os.cpu_count()} CPUs")
        port = free_port()
        secret = asyncio.run(set_up(url, f"http://127.0.0.1:{port}/hooks"))
        received_file = f"{folder}/received.txt"
        ready = multiprocessing.get_context("spawn").Event()
        receiver = multiprocessing.get_context("spawn").Process(
            target=receive, args=(port, secret, received_file, ready), daemon=True
        )
        receiver.start()
        try:
            if not ready.wait(30):
                sys.exit("the receiver did not start")
            recorded = asyncio.run(record(url, args.events))
            print(f"recorded {args.events} events in {recorded:.2f} s ({args.events / recorded:.0f} per second)")
            seconds, marked, ids = asyncio.run(deliver(url, args.senders))
            time.sleep(0.2)  # the receiver's last lines
        finally:
            receiver.terminate()
            receiver.join(10)
        lines = Path(received_file).read_text().split()

    counts = Counter(line for line in lines if line != "BAD")
    bad = lines.count("BAD")
    delivered = len(set(ids) & set(counts))
    duplicates = sum(c - 1 for c in counts.values() if c > 1)
    per_second = delivered / seconds if seconds else 0.0
    print(f"delivered {delivered} of {len(ids)} in {seconds:.2f} s with {args.senders} senders ({per_second:.0f}/s)")
    checks = Checks()
    checks.expect(delivered == len(ids) == args.events, "every event delivered")
    checks.expect(duplicates == 0 and not set(counts) - set(ids), "none twice, none unknown")
    checks.expect(bad == 0, "every signature valid")
    checks.expect(marked == args.events, "every delivery row marked delivered")
    checks.finish(
        f"BENCH webhooks events={args.events} delivered={delivered} duplicates={duplicates} "
        f"bad_signatures={bad} per_second={per_second:.0f}"
    )


if __name__ == "__main__":
    main()
