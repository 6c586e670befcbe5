"""Race: 500 simultaneous registrations over HTTP into one 14-place cohort, on PostgreSQL.

    GROEPSAANBOD_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/registration_race.py

Creates its own database (ga_bench_<run>_race, dropped at the end) on that server, migrates
it, sets up a published open-enrolment programme with one open cohort of 14 places, starts
`groepsaanbod serve` with 2 worker processes on a free local port, fires 500
registrations at once from this process (one HTTP connection each), then checks
the database: exactly 14 confirmed, the rest waitlisted with positions 1..486, and every
answer a success (201 or 202: the answer does not say which status, the database does).
The benchmark exits 1 when a check fails. --small: 40 sign-ups into 5 places.
Ends with: BENCH registration_race attempts=500 confirmed=<n> waitlisted=<n> errors=<n> per_second=<r>
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import Checks, bench_databases, postgres_server, serve, small  # noqa: E402

from groepsaanbod.access.viewer import Viewer  # noqa: E402
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.db import make_engine, make_session_factory  # noqa: E402
from groepsaanbod.migrate import upgrade  # noqa: E402
from groepsaanbod.organisations.models import Organisation, Venue  # noqa: E402
from groepsaanbod.programmes.models import ProgrammeTemplate  # noqa: E402
from groepsaanbod.programmes.services import set_up as programmes
from groepsaanbod.registration.models import Registration  # noqa: E402
from groepsaanbod.settings import normalise_database_url  # noqa: E402

ATTEMPTS = 500
PLACES = 14
if small():
    ATTEMPTS, PLACES = 40, 5
SUCCESS = (201, 202)  # 202: the same answer for every valid sign-up, whatever its status


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
        await programmes.revise_template(db, editor, programme.id, {"max_group_size": PLACES}, now=now)
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
    checks = Checks()
    server_url = postgres_server(required=True)
    with bench_databases(server_url) as databases, tempfile.TemporaryDirectory(prefix="groepsaanbod-bench-") as logs:
        url = databases.create("race")
        upgrade(url)
        asyncio.run(set_up(url))
        # All requests come from one address: lift the per-address registration limit.
        limit = {"GROEPSAANBOD_RATE_LIMIT_REGISTER": "1000000"}
        with serve(url, workers=2, log=Path(logs) / "serve.log", env=limit, answers=4) as port:
            codes, elapsed = asyncio.run(fire(f"http://127.0.0.1:{port}"))
        confirmed, waitlisted, positions = asyncio.run(count(url))
    errors = sum(1 for c in codes if c not in SUCCESS)
    server_errors = sum(1 for c in codes if c >= 500 or c == 0)
    per_second = ATTEMPTS / elapsed
    print(f"attempts: {ATTEMPTS} in {elapsed:.2f} s ({per_second:.0f} per second), 2 server processes")
    print(f"confirmed: {confirmed} (places: {PLACES}); waitlisted: {waitlisted}")
    print(f"answers: {dict(sorted(Counter(codes).items()))} (0: no answer)")
    checks.expect(confirmed == PLACES, f"exactly the {PLACES} places confirmed")
    checks.expect(waitlisted == ATTEMPTS - PLACES, "everyone else on the waiting list")
    checks.expect(positions == list(range(1, len(positions) + 1)), "waiting-list positions 1..n without gaps")
    checks.expect(errors == 0, f"every answer a success ({errors} not, of which {server_errors} 5xx or none)")
    checks.finish(
        f"BENCH registration_race attempts={ATTEMPTS} confirmed={confirmed} waitlisted={waitlisted} "
        f"errors={errors} per_second={per_second:.0f}"
    )


if __name__ == "__main__":
    main()
