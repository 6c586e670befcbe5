"""Benchmark: delivering 100,000 due reminders from the outbox over SMTP.

Run from the repository root:

    .venv/bin/python bench/reminders.py                       # SQLite file in a temporary folder
    GROEPSAANBOD_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/reminders.py

With GROEPSAANBOD_TEST_DATABASE_URL set, a database of its own ("ga_bench_<run>_reminders",
dropped at the end) is made on that PostgreSQL server; otherwise a SQLite file in a temporary
folder.

100,000 session_reminder messages (a real rendered reminder: subject, text and HTML
body, in Dutch) are bulk-inserted into the outbox, all due. An aiosmtpd sink in its own
process on 127.0.0.1 counts the Message-ID of every message it accepts. Delivery is
groepsaanbod.messaging.services.delivery.deliver_due_messages(factory, Channels(smtp_url, sender),
now, batch=None, concurrency=C), run in P processes side by side (P=1: in this process).
Afterwards the sink's counts are checked against the outbox: every message delivered,
none twice, every row marked sent (the benchmark exits 1 when not).

Options:
    --messages N         how many reminders (default 100000)
    --processes P        delivering processes (default 1: in-process)
    --concurrency C      senders per process (default 8)
    --time-limit S       stop delivering after S seconds (default 900; 0: no limit) and report what
                         was delivered by then: the BENCH line then shows delivered < messages
    --sweep N            first try several (P, C) pairs on N messages each and print their rates
    --profile            profile the in-process delivery (cProfile) and print the top functions
    --small              the whole path on tiny sizes: 300 reminders, 2 processes x 4 senders

The last line is machine-readable:
    BENCH reminders messages=<n> delivered=<n> duplicates=<n> per_second=<r>

Measured on the 2-CPU machine (30 November 2026; PostgreSQL, 2 processes x 8 senders, none twice),
while other test suites shared the machine (load average 8-12): 20,000 messages 1,059/s, 50,000
791-831/s, 100,000 452/s. Per message the delivering processes spend ~0.7-0.85 ms of CPU (a claim
per 20 messages, the MIME bytes ~0.05 ms, smtplib, one autocommit UPDATE to mark it sent) and the
aiosmtpd sink ~0.35 ms; PostgreSQL takes the rest. The first version (one message per transaction,
holding its row lock through the SMTP conversation, EmailMessage) reached 163/s on one process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import multiprocessing
import os
import pstats
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import Checks, bench_databases, free_port, postgres_server, small  # noqa: E402

from groepsaanbod.db import import_all_models, make_engine, make_session_factory  # noqa: E402
from groepsaanbod.messaging.models import OutboxMessage  # noqa: E402
from groepsaanbod.messaging.services.delivery import Channels, deliver_due_messages  # noqa: E402
from groepsaanbod.messaging.services.queue import render_message_parts  # noqa: E402
from groepsaanbod.migrate import upgrade  # noqa: E402
from groepsaanbod.settings import normalise_database_url  # noqa: E402

SENDER = "CJG Zwolle <noreply@groepsaanbod.example>"
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
INSERT_CHUNK = 5_000
SWEEP = [(1, 1), (1, 2), (1, 4), (1, 8), (1, 16), (2, 1), (2, 4), (2, 8), (3, 4)]

import_all_models()  # in spawned processes too: the outbox's foreign key names organisations


# --- the SMTP sink, in its own process so it does not share the deliverer's GIL ---------


class CountingHandler:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        content = envelope.original_content or envelope.content
        start = content.find(b"\nMessage-ID: ")
        if start < 0:
            start = content.find(b"Message-ID: ") - 1
        end = content.find(b"\r\n", start + 1)
        self.counts[content[start + 13 : end].decode().strip()] += 1
        return "250 OK"


def _sink(conn, port: int) -> None:
    from aiosmtpd.controller import Controller

    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=20)
    controller.start()
    conn.send("ready")
    cpu = time.process_time()
    while True:
        command = conn.recv()
        if command == "take":  # hand over what was received (and the CPU seconds it took) and start afresh
            counts, handler.counts = handler.counts, Counter()
            cpu, used = time.process_time(), time.process_time() - cpu
            conn.send((dict(counts), used))
        else:
            controller.stop()
            conn.send("stopped")
            return


class Sink:
    def __init__(self) -> None:
        self.port = free_port()
        self.conn, child = multiprocessing.Pipe()
        self.process = multiprocessing.get_context("spawn").Process(target=_sink, args=(child, self.port), daemon=True)

    def __enter__(self) -> Sink:
        self.process.start()
        if not self.conn.poll(30):
            raise RuntimeError("the SMTP sink did not start")
        self.conn.recv()
        return self

    def take(self) -> tuple[Counter[str], float]:
        self.conn.send("take")
        counts, cpu = self.conn.recv()
        return Counter(counts), cpu

    def __exit__(self, *_exc) -> None:
        self.conn.send("stop")
        if self.conn.poll(20):
            self.conn.recv()
        self.process.join(10)
        if self.process.is_alive():
            self.process.kill()


# --- the database ---------------------------------------------------------------------


def reminder_parts() -> dict[str, str | None]:
    return render_message_parts(
        "session_reminder",
        "nl",
        {
            "name": "Fatma Yılmaz",
            "programme": "Kids & Koffie",
            "group": "Zwolle-Zuid dinsdag",
            "starts_at": NOW + timedelta(days=2),
            "timezone": "Europe/Amsterdam",
            "place": "Buurthuis De Kolk, Dorpsstraat 1, 8011 AB Zwolle",
        },
        "email",
    )


async def queue(url: str, first: int, count: int) -> float:
    """Bulk-insert `count` due reminders (numbered from `first`); seconds taken."""
    parts = reminder_parts()
    engine = make_engine(normalise_database_url(url))
    start = time.perf_counter()
    try:
        for chunk in range(first, first + count, INSERT_CHUNK):
            rows = [
                {
                    "dedupe_key": f"reminder:{n}:0:48:registration:{n}",
                    "channel": "email",
                    "to_address": f"ouder{n}@example.org",
                    "language": "nl",
                    "kind": "session_reminder",
                    "subject": parts["subject"],
                    "body_text": parts["text"],
                    "body_html": parts["html"],
                    "created_at": NOW - timedelta(minutes=5),
                    "attempts": 0,
                }
                for n in range(chunk, min(chunk + INSERT_CHUNK, first + count))
            ]
            async with engine.begin() as conn:
                await conn.execute(insert(OutboxMessage), rows)
    finally:
        await engine.dispose()
    return time.perf_counter() - start


async def outbox_state(url: str) -> tuple[list[int], int]:
    """The ids of all rows, and how many are marked sent."""
    engine = make_engine(normalise_database_url(url))
    try:
        async with engine.connect() as conn:
            ids = list((await conn.execute(select(OutboxMessage.id))).scalars())
            sent = await conn.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_not(None))
            )
    finally:
        await engine.dispose()
    return ids, sent


async def empty_outbox(url: str) -> None:
    engine = make_engine(normalise_database_url(url))
    try:
        async with engine.begin() as conn:
            await conn.execute(delete(OutboxMessage))
    finally:
        await engine.dispose()


# --- delivering -----------------------------------------------------------------------


async def deliver(url: str, smtp_url: str, concurrency: int, deadline: float | None) -> tuple[int, bool, float]:
    """deliver_due_messages(batch=None) until the outbox is empty or the deadline (time.time()) passes;
    (sent, stopped at the deadline, CPU seconds of this process)."""
    cpu = time.process_time()
    engine = make_engine(normalise_database_url(url))
    task = asyncio.ensure_future(
        deliver_due_messages(
            make_session_factory(engine), Channels(smtp_url, SENDER), lambda: NOW, batch=None, concurrency=concurrency
        )
    )
    try:
        timeout = None if deadline is None else max(0.0, deadline - time.time())
        done, _ = await asyncio.wait({task}, timeout=timeout)
        if task in done:
            return task.result().sent, False, time.process_time() - cpu
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        # The report is lost with the cancelled task; the sink and the outbox still tell.
        return -1, True, time.process_time() - cpu
    finally:
        await engine.dispose()


def _deliver_in_process(url: str, smtp_url: str, concurrency: int, start_at: float, deadline: float | None):
    # Processes start together: each waits for the same moment, so start-up is not measured.
    time.sleep(max(0.0, start_at - time.time()))
    return asyncio.run(deliver(url, smtp_url, concurrency, deadline))


@dataclass
class Run:
    sent: int  # as the senders report it; -1 when stopped at the time limit
    seconds: float
    stopped: bool
    cpu: float  # CPU seconds of the delivering process(es)
    busy: float  # share of the machine's CPU time in use meanwhile (all processes, PostgreSQL too)


def cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    try:
        fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0, 0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def run_delivery(
    url: str, smtp_url: str, processes: int, concurrency: int, time_limit: float, profile: bool = False
) -> Run:
    """Deliver everything due with `processes` x `concurrency` senders."""
    busy0, total0 = cpu_ticks()
    run = _run_delivery(url, smtp_url, processes, concurrency, time_limit, profile)
    busy1, total1 = cpu_ticks()
    run.busy = (busy1 - busy0) / (total1 - total0) if total1 > total0 else 0.0
    return run


def _run_delivery(url: str, smtp_url: str, processes: int, concurrency: int, time_limit: float, profile: bool) -> Run:
    if processes == 1:
        profiler = cProfile.Profile() if profile else None
        start = time.perf_counter()
        deadline = time.time() + time_limit if time_limit else None
        if profiler:
            profiler.enable()
        sent, stopped, cpu = asyncio.run(deliver(url, smtp_url, concurrency, deadline))
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - start
        if profiler:
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("tottime").print_stats(25)
            stats.sort_stats("cumulative").print_stats(30)
            print(out.getvalue())
        return Run(sent, elapsed, stopped, cpu, 0.0)
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:
        start_at = time.time() + 3.0  # time for the pool's processes to import everything
        deadline = start_at + time_limit if time_limit else None
        results = [
            pool.apply_async(_deliver_in_process, (url, smtp_url, concurrency, start_at, deadline))
            for _ in range(processes)
        ]
        outcomes = [r.get(timeout=24 * 3600) for r in results]
        elapsed = time.time() - start_at
    stopped = any(s for _, s, _ in outcomes)
    sent = -1 if stopped else sum(n for n, _, _ in outcomes)
    return Run(sent, elapsed, stopped, sum(c for _, _, c in outcomes), 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    tiny = small()
    parser.add_argument("--messages", type=int, default=300 if tiny else 100_000)
    parser.add_argument("--processes", type=int, default=2 if tiny else 1)
    parser.add_argument("--concurrency", type=int, default=4 if tiny else 8)
    parser.add_argument("--time-limit", type=float, default=900.0, help="seconds; 0: none")
    parser.add_argument("--sweep", type=int, default=0, metavar="N")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--small", action="store_true", help="tiny sizes, whole path, still checked")
    args = parser.parse_args()

    server_url = postgres_server(required=False)
    with tempfile.TemporaryDirectory(prefix="groepsaanbod-bench-") as folder, ExitStack() as stack:
        if server_url:
            url, backend = stack.enter_context(bench_databases(server_url)).create("reminders"), "PostgreSQL"
        else:
            url, backend = f"sqlite:///{folder}/reminders.db", "SQLite"
        upgrade(url)
        print(f"database: {backend}; {os.cpu_count()} CPUs")
        run, counts, sink_cpu, (ids, marked) = measure(url, args)
    report(args, run, counts, sink_cpu, ids, marked)


def measure(url: str, args: argparse.Namespace) -> tuple[Run, Counter[str], float, tuple[list[int], int]]:
    """The optional sweep, then the measured delivery; what the sink received and the outbox holds."""
    with Sink() as sink:
        smtp_url = f"smtp://127.0.0.1:{sink.port}"
        if args.sweep:
            print(f"sweep: {args.sweep} messages per run")
            for processes, concurrency in SWEEP:
                asyncio.run(empty_outbox(url))
                asyncio.run(queue(url, 0, args.sweep))
                run = run_delivery(url, smtp_url, processes, concurrency, args.time_limit)
                counts, sink_cpu = sink.take()
                twice = sum(c - 1 for c in counts.values() if c > 1)
                print(
                    f"  processes={processes} concurrency={concurrency}: {len(counts)} delivered in "
                    f"{run.seconds:.2f} s, {len(counts) / run.seconds:.0f} per second, {twice} twice; "
                    f"CPU per message: delivering {run.cpu / len(counts) * 1000:.2f} ms, "
                    f"sink {sink_cpu / len(counts) * 1000:.2f} ms; machine busy {run.busy:.0%}",
                    flush=True,
                )
            asyncio.run(empty_outbox(url))

        seconds = asyncio.run(queue(url, 0, args.messages))
        print(f"queued {args.messages} reminders in {seconds:.1f} s", flush=True)
        sink.take()  # only the measured run's CPU
        run = run_delivery(url, smtp_url, args.processes, args.concurrency, args.time_limit, args.profile)
        counts, sink_cpu = sink.take()

    return run, counts, sink_cpu, asyncio.run(outbox_state(url))


def report(
    args: argparse.Namespace, run: Run, counts: Counter[str], sink_cpu: float, ids: list[int], marked: int
) -> None:
    checks = Checks()
    expected = {f"<outbox-{i}@groepsaanbod>" for i in ids}
    delivered = len(expected & set(counts))
    duplicates = sum(c - 1 for c in counts.values() if c > 1)
    strangers = len(set(counts) - expected)
    per_second = delivered / run.seconds
    if run.stopped:
        print(f"STOPPED at the time limit of {args.time_limit:.0f} s: not everything was delivered")
    print(
        f"delivered {delivered} of {len(ids)} in {run.seconds:.1f} s with {args.processes} process(es) x "
        f"{args.concurrency} senders ({per_second:.0f} per second)"
    )
    print(
        f"senders report {'(stopped)' if run.sent < 0 else run.sent} sent; outbox rows marked sent: {marked}; "
        f"unknown Message-IDs: {strangers}"
    )
    if delivered:
        print(
            f"CPU per message: delivering {run.cpu / delivered * 1000:.2f} ms, "
            f"sink {sink_cpu / delivered * 1000:.2f} ms; the machine was {run.busy:.0%} busy (all CPUs, database too)"
        )
    checks.expect(not run.stopped, "delivered within the time limit")
    checks.expect(delivered == len(ids) == args.messages, "every reminder delivered")
    checks.expect(duplicates == 0 and strangers == 0, "none twice, none unknown")
    checks.expect(marked == len(ids), "every outbox row marked sent")
    checks.finish(
        f"BENCH reminders messages={args.messages} delivered={delivered} duplicates={duplicates} "
        f"per_second={per_second:.0f}"
    )


if __name__ == "__main__":
    main()
