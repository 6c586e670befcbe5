"""Prometheus metrics, coherent across every process that serves the app.

Two sources, chosen by what each number is about:

- **Per request** (counts and latencies per route template): counted in the
  process that answered, with prometheus_client. `groepsaanbod serve` runs
  several processes behind one port, and a scrape reaches one of them at
  random, so `serve` switches prometheus_client to its multiprocess mode
  (`PROMETHEUS_MULTIPROC_DIR`, see `prepare_multiprocess_dir`): each process
  writes its counters to a memory-mapped file in that directory and whichever
  process answers /metrics adds them all up. Separate machines or compose
  replicas each have their own /metrics and are scraped one by one, as
  Prometheus expects.
- **About the work** (registrations, outbox depth, age of the oldest due
  message, messages sent and failed): read from PostgreSQL at scrape time.
  The database is the one place every app process and every worker agrees on,
  so these figures are the same whichever process answers, survive restarts,
  and need no hook in the delivery worker. Counting in memory instead would
  give each worker's share, lost at every restart.

The alternative, counting requests in the database too, would put a write on
every request's path; the multiprocess files cost a memory write.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.registration.models import Registration

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED = "<unmatched>"

REQUESTS = Counter(
    "groepsaanbod_http_requests_total",
    "HTTP requests answered, by method, route template and status code.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "groepsaanbod_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


def prepare_multiprocess_dir(directory: Path) -> None:
    """An empty directory for the metric files of one `serve` (stale files of a former run would add up)."""
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)


@dataclass(frozen=True)
class WorkFigures:
    registrations: dict[str, int]
    outbox_depth: int
    oldest_due_age_seconds: float
    sent: int
    failed: int


async def read_work_figures(session: AsyncSession, now: datetime) -> WorkFigures:
    """Two queries: registrations per status; the outbox's depth, oldest due message, sent and failed."""
    by_status = dict(
        (await session.execute(select(Registration.status, func.count()).group_by(Registration.status))).all()
    )
    unsent = and_(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))
    due = and_(unsent, or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now))
    when_due = func.coalesce(OutboxMessage.next_attempt_at, OutboxMessage.created_at)
    depth, oldest, sent, failed = (
        await session.execute(
            select(
                func.count().filter(unsent),
                func.min(when_due).filter(due),
                func.count(OutboxMessage.sent_at),
                func.count(OutboxMessage.failed_at),
            )
        )
    ).one()
    age = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
    return WorkFigures({str(k): int(v) for k, v in by_status.items()}, int(depth or 0), age, int(sent), int(failed))


class _WorkCollector(Collector):
    def __init__(self, figures: WorkFigures) -> None:
        self.figures = figures

    def collect(self) -> Iterator:
        f = self.figures
        registrations = GaugeMetricFamily(
            "groepsaanbod_registrations", "Registrations in the database, by status.", labels=["status"]
        )
        for status in sorted(set(f.registrations) | {"pending", "confirmed", "waitlisted", "offered", "withdrawn"}):
            registrations.add_metric([status], f.registrations.get(status, 0))
        yield registrations
        yield GaugeMetricFamily(
            "groepsaanbod_outbox_depth", "Messages neither sent nor failed for good.", value=f.outbox_depth
        )
        yield GaugeMetricFamily(
            "groepsaanbod_outbox_oldest_due_age_seconds",
            "How long the oldest message that is due has waited (0 when none is due).",
            value=f.oldest_due_age_seconds,
        )
        yield CounterMetricFamily("groepsaanbod_messages_sent", "Messages delivered (all workers).", value=f.sent)
        yield CounterMetricFamily(
            "groepsaanbod_messages_failed", "Messages given up after the last attempt (all workers).", value=f.failed
        )


def render(figures: WorkFigures) -> bytes:
    """The text exposition: this serve's per-request metrics (all processes), then the database's figures."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        per_request = generate_latest(registry)
    else:
        per_request = generate_latest(REGISTRY)
    work = CollectorRegistry()
    work.register(_WorkCollector(figures))
    return per_request + generate_latest(work)
