"""Race: 500 simultaneous registrations over HTTP into one 14-place cohort, on PostgreSQL.

    GROEPSAANBOD_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/registration_race.py

Creates its own database (groepsaanbod_bench) on that server, migrates it, sets up a
published open-enrolment programme with one open cohort of 14 places, starts
`groepsaanbod serve` with 2 worker processes on a free local port, fires 500
registrations at once from this process (one HTTP connection each), then checks
the database: exactly 14 confirmed, the rest waitlisted with positions 1..486.
Ends with: BENCH registration_race attempts=500 confirmed=<n> waitlisted=<n> errors=<n> per_second=<r>
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchlib import free_port, fresh_postgres_database  # noqa: E402

from groepsaanbod.accounts.viewer import Viewer  # noqa: E402
from groepsaanbod.db import make_engine, make_session_factory  # noqa: E402
from groepsaanbod.migrate import upgrade  # noqa: E402
from groepsaanbod.organisations.models import Organisation, Venue  # noqa: E402
from groepsaanbod.programmes import services as programmes  # noqa: E402
from groepsaanbod.programmes.models import ProgrammeTemplate  # noqa: E402
from groepsaanbod.registration.models import Registration  # noqa: E402
from groepsaanbod.scheduling.models import Cohort  # noqa: E402
from groepsaanbod.settings import normalise_database_url  # noqa: E402

ATTEMPTS = 500
PLACES = 14
DATABASE = "groepsaanbod_bench"


async def set_up(url: str) -> None:
    now = datetime.now(UTC)
    engine = make_engine(normalise_database_url(url))
    async with make_session_factory(engine)() as db:
        org = Organisation(slug="bench", name="Bench", kind="foundation", city="Eindhoven")
        db.add(org)
        await db.flush()
        venue = Venue(
            organisation_id=org.id,
            name="Buurthuis",
            street="Straat 1",
            postcode="5611 AA",
            city="Eindhoven",
            capacity=20,
        )
        db.add(venue)
        await db.commit()
        editor = Viewer(0, "bench", "", {org.id: frozenset({"coordinator"})})
        programme = await programmes.create_programme(
            db, editor, programmes.NewProgramme(org.id, "triple-p-group", "race", ["nl"]), now
        )
        await programmes.change_programme(db, editor, programme.id, programmes.ProgrammeChanges(venue_ids=[venue.id]))
        await programmes.revise_template(db, editor, programme.id, {"max_group_size": PLACES}, now)
        await programmes.publish_programme(db, editor, programme.id, now)
        template = await db.scalar(select(ProgrammeTemplate).where(ProgrammeTemplate.programme_id == programme.id))
        db.add(
            Cohort(
                programme_id=programme.id,
                template_id=template.id,
                name="Eindhoven 1",
                language="nl",
                place="Eindhoven",
                status="forming",
                accepts_registrations=True,
            )
        )
        await db.commit()
    await engine.dispose()


async def fire(base: str) -> tuple[list[int], float]:
    limits = httpx.Limits(max_connections=ATTEMPTS, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
        bodies = [
            {
                "full_name": f"Ouder {n}",
                "email": f"ouder{n}@example.org",
                "language": "nl",
                "place": "Eindhoven",
                "consent": True,
                "child_birth_date": "2020-06-01",
            }
            for n in range(ATTEMPTS)
        ]
        start = time.perf_counter()
        responses = await asyncio.gather(
            *(client.post("/api/v1/catalogue/race/registrations", json=b) for b in bodies), return_exceptions=True
        )
        elapsed = time.perf_counter() - start
    codes = [r.status_code if isinstance(r, httpx.Response) else 0 for r in responses]
    return codes, elapsed


async def count(url: str) -> tuple[int, int, list[int]]:
    engine = make_engine(normalise_database_url(url))
    async with make_session_factory(engine)() as db:
        confirmed = await db.scalar(select(func.count()).where(Registration.status == "confirmed"))
        waitlisted = await db.scalar(select(func.count()).where(Registration.status == "waitlisted"))
        positions = sorted(
            p
            for (p,) in (
                await db.execute(select(Registration.waitlist_position).where(Registration.status == "waitlisted"))
            ).all()
        )
    await engine.dispose()
    return confirmed, waitlisted, positions


def main() -> None:
    server_url = os.environ.get("GROEPSAANBOD_TEST_DATABASE_URL")
    if not server_url:
        sys.exit(
            "Set GROEPSAANBOD_TEST_DATABASE_URL to a PostgreSQL server, e.g. postgresql://postgres@127.0.0.1:5432/test"
        )
    url = asyncio.run(fresh_postgres_database(server_url, DATABASE))
    upgrade(url)
    asyncio.run(set_up(url))
    port = free_port()
    env = {
        # All requests come from one address: lift the per-address registration limit.
        "GROEPSAANBOD_RATE_LIMIT_REGISTER": "1000000",
        **os.environ,
        "GROEPSAANBOD_DATABASE_URL": url,
        "GROEPSAANBOD_BASE_URL": f"http://127.0.0.1:{port}",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "groepsaanbod", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        codes, elapsed = asyncio.run(fire(base))
    finally:
        server.terminate()
        server.wait(timeout=20)
    confirmed, waitlisted, positions = asyncio.run(count(url))
    errors = sum(1 for c in codes if c != 201)
    server_errors = sum(1 for c in codes if c >= 500 or c == 0)
    per_second = ATTEMPTS / elapsed
    print(f"attempts: {ATTEMPTS} in {elapsed:.2f} s ({per_second:.0f} per second), 2 server processes")
    print(f"confirmed: {confirmed} (places: {PLACES}); waitlisted: {waitlisted}")
    print(f"waiting-list positions 1..{len(positions)} without gaps: {positions == list(range(1, len(positions) + 1))}")
    print(f"non-201 answers: {errors} (5xx or no answer: {server_errors})")
    print(
        f"BENCH registration_race attempts={ATTEMPTS} confirmed={confirmed} waitlisted={waitlisted} "
        f"errors={errors} per_second={per_second:.0f}"
    )


if __name__ == "__main__":
    main()
