"""Benchmark: a mentor's calendar feed for a whole school year, over HTTP.

Run from the repository root:

    .venv/bin/python bench/mentor_feed.py                     # SQLite file in a temporary folder
    GROEPSAANBOD_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/mentor_feed.py

With GROEPSAANBOD_TEST_DATABASE_URL set, a database of its own ("ga_bench_<run>_feed", dropped
at the end) is made on that PostgreSQL server; otherwise a SQLite file in a temporary folder.

Set-up: a school (organisation) with a venue, a published THINK op school programme,
one class cohort, a mentor (staff account), and the class's lessons of the next school
year (2027-2028, region noord): every Thursday at 10:00 (Europe/Amsterdam) from
2 September that is not a public or school holiday, 38 lessons, the mentor and a guest
teacher on each, one of them cancelled. A staff feed for the mentor is made with
groepsaanbod.calendars.services.create_feed.

Then `python -m groepsaanbod serve` (one process) is started on a free port, and one
persistent HTTP connection (httpx.Client) fetches the feed: WARM_UP times unmeasured,
then REQUESTS full answers (200) and REQUESTS conditional ones (If-None-Match: 304),
each timed from request to last byte; then REQUESTS of /health (a database session and
SELECT 1) as the floor of the stack, for comparison; then CHANGES fetches each right after
a lesson changed (the feed rendered anew, not taken from the rendered feeds kept by ETag).

Checked: the feed holds every lesson, the cancelled one as cancelled, and each change gives
a new ETag. --small: 10 requests of each kind, 3 changes.

The last line is machine-readable:
    BENCH mentor_feed events=<n> p50_ms=<x> p99_ms=<x> p50_304_ms=<x> p99_304_ms=<x>
Aims: p50 under 10 ms for the full feed, under 3 ms for a 304.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import httpx
from sqlalchemy import func, select, update

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import Checks, bench_databases, postgres_server, serve, small  # noqa: E402

from groepsaanbod.access.viewer import Viewer  # noqa: E402
from groepsaanbod.accounts.models import Staff  # noqa: E402
from groepsaanbod.accounts.services.staff import NewStaff, create_staff  # noqa: E402
from groepsaanbod.calendars.services import create_feed  # noqa: E402
from groepsaanbod.cohorts.models import Cohort, SchoolClass
from groepsaanbod.db import import_all_models, make_engine, make_session_factory  # noqa: E402
from groepsaanbod.migrate import upgrade  # noqa: E402
from groepsaanbod.organisations.models import Organisation, Venue  # noqa: E402
from groepsaanbod.programmes.models import ProgrammeTemplate  # noqa: E402
from groepsaanbod.programmes.services import set_up as programmes
from groepsaanbod.scheduling.closed_days import closed_days  # noqa: E402
from groepsaanbod.scheduling.models import Session, SessionStaff
from groepsaanbod.scheduling.sessions import to_utc  # noqa: E402
from groepsaanbod.settings import normalise_database_url  # noqa: E402

LESSONS = 38
REQUESTS = 300
WARM_UP = 20
CHANGES = 30
if small():
    REQUESTS, WARM_UP, CHANGES = 10, 2, 3
TIMEZONE = "Europe/Amsterdam"
TOPICS = [
    "Alcohol",
    "Roken en vapen",
    "Cannabis",
    "Gamen",
    "Sociale media",
    "Pesten",
    "Vriendschap",
    "Slaap",
    "Eten en bewegen",
    "Stress",
    "Relaties en seksualiteit",
    "Geld",
]

import_all_models()


def lesson_days() -> list[date]:
    """The Thursdays of school year 2027-2028 (region noord) without a holiday, LESSONS of them."""
    closed = closed_days([2027, 2028], "noord", school=True)
    day, days = date(2027, 9, 2), []
    while len(days) < LESSONS and day < date(2028, 7, 15):
        if day not in closed:
            days.append(day)
        day += timedelta(days=7)
    return days


async def set_up(url: str) -> tuple[str, int]:
    """The school year of one class; the mentor's feed path and the number of lessons."""
    now = datetime.now(UTC)
    engine = make_engine(normalise_database_url(url))
    try:
        async with make_session_factory(engine)() as db:
            org = Organisation(slug="vmbo-zwolle", name="VMBO De Brug", kind="school", city="Zwolle")
            db.add(org)
            await db.flush()
            venue = Venue(
                organisation_id=org.id,
                name="VMBO De Brug",
                street="Schoolstraat 12",
                postcode="8012 AB",
                city="Zwolle",
                capacity=32,
            )
            db.add(venue)
            await db.commit()
            editor = Viewer(0, "bench", "", {org.id: frozenset({"coordinator"})})
            programme = await programmes.create_programme(
                db, editor, programmes.NewProgramme(org.id, "think-op-school", "think-zwolle", ["nl"]), now
            )
            await programmes.change_programme(
                db, editor, programme.id, programmes.ProgrammeChanges(venue_ids=[venue.id])
            )
            await programmes.publish_programme(db, editor, programme.id, now)
            template = await db.scalar(select(ProgrammeTemplate).where(ProgrammeTemplate.programme_id == programme.id))
            password = "bench password 123"
            mentor = await create_staff(
                db, NewStaff("lotte.bakker@debrug.example", "Lotte Bakker", password), {org.id: ["mentor"]}
            )
            guest = await create_staff(
                db, NewStaff("gast@think.example", "Sam de Gastdocent", password), {org.id: ["guest_teacher"]}
            )
            school_class = SchoolClass(
                organisation_id=org.id,
                school_name="VMBO De Brug",
                class_name="1A",
                school_year="2027-2028",
                region="noord",
                mentor_id=mentor.id,
                pupils=28,
            )
            db.add(school_class)
            await db.flush()
            cohort = Cohort(
                programme_id=programme.id,
                template_id=template.id,
                name="1A",
                language="nl",
                venue_id=venue.id,
                school_class_id=school_class.id,
                status="planned",
                place="Zwolle",
                weekday=3,
                start_time=clock_time(10, 0),
            )
            db.add(cohort)
            await db.flush()
            days = lesson_days()
            for number, day in enumerate(days, start=1):
                local = datetime.combine(day, clock_time(10, 0))
                cancelled = number == 12
                lesson = Session(
                    programme_id=programme.id,
                    cohort_id=cohort.id,
                    venue_id=venue.id,
                    local_start=local,
                    timezone=TIMEZONE,
                    starts_at=to_utc(local, TIMEZONE),
                    duration_minutes=50,
                    topic={"nl": TOPICS[(number - 1) % len(TOPICS)]},
                    status="cancelled" if cancelled else "planned",
                    cancel_reason="Mentor ziek" if cancelled else None,
                    sequence=1 if cancelled else 0,
                    number=number,
                )
                lesson.staff = [
                    SessionStaff(staff_id=mentor.id, role="mentor"),
                    SessionStaff(staff_id=guest.id, role="guest_teacher"),
                ]
                db.add(lesson)
            await db.commit()
            assert await db.get(Staff, mentor.id) is not None
            feed = await create_feed(db, "staff", mentor.id, language="nl", now=now)
            return feed.path(), len(days)
    finally:
        await engine.dispose()


async def change_a_lesson(url: str) -> None:
    """What rescheduling does to a lesson, as far as its feed can tell: a new SEQUENCE and LAST-MODIFIED."""
    engine = make_engine(normalise_database_url(url))
    try:
        async with engine.begin() as conn:
            first_lesson = select(func.min(Session.id)).scalar_subquery()
            await conn.execute(
                update(Session)
                .where(Session.id == first_lesson)
                .values(sequence=Session.sequence + 1, updated_at=datetime.now(UTC))
            )
    finally:
        await engine.dispose()


def timed(client: httpx.Client, path: str, headers: dict[str, str], status: int) -> tuple[float, httpx.Response]:
    start = time.perf_counter()
    response = client.get(path, headers=headers)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != status:
        raise SystemExit(f"expected {status}, got {response.status_code}: {response.text[:300]}")
    return elapsed, response


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def measure(url: str, path: str, folder: Path) -> dict[str, object]:
    """Start the server, fetch the feed as described above; the timings and the first answer."""
    with (
        serve(url, log=folder / "serve.log") as port,
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client,
    ):
        for _ in range(WARM_UP):
            _, first = timed(client, path, {}, 200)
            timed(client, path, {"If-None-Match": first.headers["etag"]}, 304)
        etag = first.headers["etag"]
        full = [timed(client, path, {}, 200)[0] for _ in range(REQUESTS)]
        not_modified = [timed(client, path, {"If-None-Match": etag}, 304)[0] for _ in range(REQUESTS)]
        # The floor of this stack: a request that only opens a database session and runs SELECT 1.
        health = [timed(client, "/health", {}, 200)[0] for _ in range(REQUESTS)]
        # The first fetch after a change: the feed is rendered anew (not timed: the change itself).
        changed, etags = [], set()
        for _ in range(CHANGES):
            asyncio.run(change_a_lesson(url))
            elapsed, answer = timed(client, path, {}, 200)
            changed.append(elapsed)
            etags.add(answer.headers["etag"])
    return {"first": first, "full": full, "304": not_modified, "health": health, "changed": changed, "etags": etags}


def main() -> None:
    checks = Checks()
    server_url = postgres_server(required=False)
    with tempfile.TemporaryDirectory(prefix="groepsaanbod-bench-") as name, ExitStack() as stack:
        folder = Path(name)
        if server_url:
            url, backend = stack.enter_context(bench_databases(server_url)).create("feed"), "PostgreSQL"
        else:
            url, backend = f"sqlite:///{folder}/feed.db", "SQLite"
        upgrade(url)
        path, lessons = asyncio.run(set_up(url))
        print(f"database: {backend}; {os.cpu_count()} CPUs; {lessons} lessons for the mentor")
        runs = measure(url, path, folder)

    first, full, not_modified = runs["first"], runs["full"], runs["304"]
    etag = first.headers["etag"]
    events = first.content.count(b"BEGIN:VEVENT")
    cancelled = first.content.count(b"STATUS:CANCELLED")
    print(f"feed: {len(first.content)} bytes, {events} events ({cancelled} cancelled), ETag {etag}")
    for label, values in (
        ("200 full feed", full),
        ("304 If-None-Match", not_modified),
        ("/health (baseline)", runs["health"]),
        ("200 after a change", runs["changed"]),
    ):
        print(
            f"{label}: {len(values)} requests, mean {statistics.fmean(values):.2f} ms, "
            f"p50 {percentile(values, 50):.2f} ms, p90 {percentile(values, 90):.2f} ms, "
            f"p99 {percentile(values, 99):.2f} ms, max {max(values):.2f} ms"
        )
    checks.expect(events == lessons, f"the feed holds every lesson ({events} of {lessons})")
    checks.expect(cancelled == 1, "the cancelled lesson is in it as cancelled")
    checks.expect(etag not in runs["etags"] and len(runs["etags"]) == CHANGES, "each change gives a new ETag")
    checks.finish(
        f"BENCH mentor_feed events={events} p50_ms={percentile(full, 50):.2f} p99_ms={percentile(full, 99):.2f} "
        f"p50_304_ms={percentile(not_modified, 50):.2f} p99_304_ms={percentile(not_modified, 99):.2f}"
    )


if __name__ == "__main__":
    main()
