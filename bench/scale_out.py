"""Benchmark: the registration endpoint and a calendar feed with one and with two app processes,
beside pgbench on the same PostgreSQL server, in one run.

    GROEPSAANBOD_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/scale_out.py

Makes its own database `groepsaanbod_bench_scale_out` on that server (migrated; PROGRAMMES published
Triple P programmes, each with an open group of 12 places, so sign-ups spread over several cohort
locks as in a region; one group has a feed with 12 meetings), and `groepsaanbod_bench_pgbench` for
pgbench. Then, in each of BENCH_ROUNDS rounds (2; the machine is shared, so the best of each figure
is kept), for 1 and for 2 processes, starts `groepsaanbod serve --workers N` and loads it from
this process over keep-alive connections (bench/http_load.py: prepared requests, so the load
generator spends little of the CPUs it shares with the server): every sign-up is a new person
(201, confirmed or waitlisted), the feed is fetched in full; then `pgbench -b simple-update` (one
UPDATE, one SELECT, one INSERT per transaction, as many clients as we have connections) gives the
rate of a comparable one-row write transaction on this machine. p99 is that of the best run.
At the end pgbench also runs the sign-up's own statements (SIGN_UP_SCRIPT: the rate counter,
the programme, the cohort's lock, the head count, the four-row insert; as in
registration/sign_up.py and registration/storage.py) on a copy of the benchmark database: the
rate PostgreSQL reaches for our transaction with no Python in front of it (signup_sql_tps).
The server processes get this process's environment, so any GROEPSAANBOD_* setting (say, a rate
limit) can be given on the command line.

Ends with:
    BENCH scale_out register_rps_1=<r> register_rps_2=<r> feed_rps_2=<r> register_p99_ms=<x>
          pgbench_tps=<r> ratio_to_pgbench=<f> signup_sql_tps=<r> ratio_to_signup_sql=<f>
where ratio_to_pgbench = register_rps_2 / pgbench_tps (aim: at least 0.25) and
ratio_to_signup_sql = register_rps_2 / signup_sql_tps.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from benchlib import free_port, fresh_postgres_database  # noqa: E402
from http_load import LoadResult, get, post_json, run_load  # noqa: E402

from groepsaanbod.accounts.viewer import Viewer  # noqa: E402
from groepsaanbod.calendars.services import create_feed  # noqa: E402
from groepsaanbod.db import make_engine, make_session_factory  # noqa: E402
from groepsaanbod.migrate import upgrade  # noqa: E402
from groepsaanbod.organisations.models import Organisation, Venue  # noqa: E402
from groepsaanbod.programmes import services as programmes  # noqa: E402
from groepsaanbod.programmes.models import ProgrammeTemplate  # noqa: E402
from groepsaanbod.progress import progress  # noqa: E402
from groepsaanbod.registration.models import Registration  # noqa: E402
from groepsaanbod.scheduling.models import Cohort, Session  # noqa: E402
from groepsaanbod.settings import normalise_database_url  # noqa: E402

DATABASE = "groepsaanbod_bench_scale_out"
PGBENCH_DATABASE = "groepsaanbod_bench_pgbench"
SIGN_UP_COPY = "groepsaanbod_bench_sign_up_sql"
PROGRAMMES = 20
PLACES = 12
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))


# The statements of one sign-up into a full group (so: waitlisted), as the app sends them, with
# pgbench variables for the person (:n) and the programme (:k, 0-based); messages of the size the
# app renders (about 500 characters of text and 600 of HTML). chr(58) is a colon, which pgbench
# would read as the start of a variable.
SIGN_UP_SCRIPT = """\\set n random(1, 2000000000)
\\set k random(0, {last})
INSERT INTO rate_counters (key, window_start, hits) VALUES ('register-bench', date_trunc('hour', now()), 1)
  ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_counters.hits + 1 RETURNING rate_counters.hits;
BEGIN;
SELECT programmes.id, programmes.organisation_id, programmes.name, programmes.languages, programme_templates.id,
  programme_templates.formation, programme_templates.schedule, programme_templates.max_group_size,
  programme_templates.rules, venues.city FROM programmes
  JOIN programme_templates ON programme_templates.programme_id = programmes.id
  LEFT OUTER JOIN programme_venues ON programme_venues.programme_id = programmes.id
  LEFT OUTER JOIN venues ON venues.id = programme_venues.venue_id
  WHERE programmes.slug = 'scale-' || (:k)::text AND programmes.status = 'published'
  AND programme_templates.version = (SELECT max(programme_templates.version) FROM programme_templates
  WHERE programme_templates.programme_id = programmes.id AND programme_templates.published_at IS NOT NULL);
SELECT id, name FROM cohorts WHERE programme_id = {programme} + (:k)::int AND accepts_registrations IS true
  AND language = 'nl' AND place = 'Eindhoven' AND status IN ('forming', 'confirmed', 'running')
  ORDER BY id LIMIT 1 FOR UPDATE;
SELECT (SELECT count(*) FROM registrations WHERE cohort_id = {cohort} + (:k)::int AND status = 'confirmed'),
  (SELECT waitlist_position FROM registrations WHERE cohort_id = {cohort} + (:k)::int AND status = 'waitlisted'
  AND waitlist_position IS NOT NULL ORDER BY waitlist_position DESC LIMIT 1);
WITH new_participant AS (INSERT INTO participants (full_name, email, phone, language, postcode, due_date,
  child_birth_date, created_at, updated_at) VALUES ('Ouder ' || (:n)::text, 'o' || (:n)::text || '@example.org',
  NULL, 'nl', NULL, NULL, '2020-06-01', now(), now()) RETURNING id),
new_registration AS (INSERT INTO registrations (participant_id, programme_id, cohort_id, status, waitlist_position,
  language, place, contact_email, contact_phone, consented_at, consent_version, consent_language, confirmed_at,
  preferences, access_token_hash, access_expires_at, created_at, updated_at) VALUES ((SELECT id FROM new_participant),
  {programme} + (:k)::int, {cohort} + (:k)::int, 'waitlisted', (:n)::int, 'nl', 'Eindhoven',
  'o' || (:n)::text || '@example.org', NULL,
  now(), '2026-11', 'nl', NULL, '{{"part_of_day": null}}', md5(random()::text) || md5(random()::text),
  now() + interval '365 days', now(), now()) RETURNING id),
new_event AS (INSERT INTO registration_events (registration_id, programme_id, cohort_id, action, details, at)
  VALUES ((SELECT id FROM new_registration), {programme} + (:k)::int, {cohort} + (:k)::int, 'registered',
  '{{"status": "waitlisted"}}', now())),
new_message AS (INSERT INTO outbox_messages (dedupe_key, channel, to_address, subject, body_text, body_html,
  language, kind, created_at, organisation_id, attempts)
  VALUES ('registration' || chr(58) || (SELECT id FROM new_registration)
  || chr(58) || 'registration_waitlisted', 'email', 'o' || (:n)::text || '@example.org', 'Je staat op de wachtlijst',
  repeat('Je staat op de wachtlijst. ', 19), repeat('<p>Je staat op de wachtlijst.</p>', 18), 'nl',
  'registration_waitlisted', now(), {organisation}, 0))
SELECT id FROM new_registration;
END;
"""


async def set_up(url: str) -> tuple[str, dict[str, int]]:
    """The programmes and their groups; gives the path of one group's feed, and the first
    programme's and group's ids and the organisation's (for SIGN_UP_SCRIPT)."""
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
            capacity=30,
        )
        db.add(venue)
        await db.commit()
        editor = Viewer(0, "bench", "", {org.id: frozenset({"coordinator"})})
        cohort_ids = []
        with progress("Setting up programmes", total=PROGRAMMES) as advance:
            for n in range(PROGRAMMES):
                new = programmes.NewProgramme(org.id, "triple-p-group", f"scale-{n}", ["nl"])
                programme = await programmes.create_programme(db, editor, new, now)
                changes = programmes.ProgrammeChanges(venue_ids=[venue.id])
                await programmes.change_programme(db, editor, programme.id, changes)
                await programmes.publish_programme(db, editor, programme.id, now)
                template_id = await db.scalar(
                    select(ProgrammeTemplate.id).where(ProgrammeTemplate.programme_id == programme.id)
                )
                cohort = Cohort(
                    programme_id=programme.id,
                    template_id=template_id,
                    name=f"Eindhoven {n}",
                    language="nl",
                    place="Eindhoven",
                    status="forming",
                    accepts_registrations=True,
                )
                db.add(cohort)
                await db.commit()
                cohort_ids.append((programme.id, cohort.id))
                advance()
        programme_id, cohort_id = cohort_ids[0]
        for week in range(12):
            starts = (now + timedelta(days=14 + 7 * week)).replace(hour=18, minute=0, second=0, microsecond=0)
            db.add(
                Session(
                    programme_id=programme_id,
                    cohort_id=cohort_id,
                    venue_id=venue.id,
                    local_start=starts.replace(tzinfo=None),
                    starts_at=starts,
                    duration_minutes=120,
                    topic={"nl": f"Bijeenkomst {week + 1}"},
                    number=week + 1,
                )
            )
        await db.commit()
        feed = await create_feed(db, "cohort", cohort_id, "nl", now)
    await engine.dispose()
    programmes_ids = [p for p, _ in cohort_ids]
    cohorts_ids = [c for _, c in cohort_ids]
    # SIGN_UP_SCRIPT picks programme k as first + k: the ids must follow each other.
    assert programmes_ids == list(range(programmes_ids[0], programmes_ids[0] + PROGRAMMES)), programmes_ids
    assert cohorts_ids == list(range(cohorts_ids[0], cohorts_ids[0] + PROGRAMMES)), cohorts_ids
    return feed.path(), {"programme": programmes_ids[0], "cohort": cohorts_ids[0], "organisation": org.id}


def start_server(url: str, processes: int, log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    # All sign-ups come from one address: lift the per-address limit unless the caller set one.
    env = {
        "GROEPSAANBOD_RATE_LIMIT_REGISTER": "1000000",
        **os.environ,
        "GROEPSAANBOD_DATABASE_URL": url,
        "GROEPSAANBOD_BASE_URL": f"http://127.0.0.1:{port}",
    }
    with log.open("ab") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "groepsaanbod", "serve", "--port", str(port), "--workers", str(processes)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            # Every process ready: a few answers in a row (the kernel spreads connections over them).
            if all(httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=2).status_code == 200 for _ in range(4)):
                return server, port
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    server.kill()
    sys.exit(f"the server did not get ready; see {log}")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


class People:
    """A new person for every sign-up (over all runs), spread over the programmes."""

    numbers = itertools.count()

    def __init__(self, host: str) -> None:
        self.host = host

    def __call__(self) -> bytes:
        n = next(self.numbers)
        body = {
            "full_name": f"Ouder {n}",
            "email": f"ouder{n}@example.org",
            "language": "nl",
            "place": "Eindhoven",
            "consent": True,
            "child_birth_date": "2020-06-01",
        }
        return post_json(self.host, f"/api/v1/catalogue/scale-{n % PROGRAMMES}/registrations", body)


def measure(label: str, port: int, next_request, connections: int = CONNECTIONS) -> LoadResult:
    print(f"{label}: {connections} connections, {SECONDS:.0f} s ...", file=sys.stderr, flush=True)
    result = asyncio.run(run_load(port, next_request, connections, SECONDS))
    print(
        f"{label}: {result.per_second:.0f} requests/s, p50 {result.percentile_ms(50):.1f} ms, "
        f"p99 {result.percentile_ms(99):.1f} ms, answers {dict(sorted(result.statuses.items()))}, "
        f"errors {result.errors}"
    )
    return result


def run_pgbench(server_url: str, database: str, label: str, workload: list[str], init: bool = False) -> float:
    """Transactions per second of pgbench on `database` with as many clients as our load has connections."""
    binary = shutil.which("pgbench") or next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))), None)
    if binary is None:
        sys.exit("pgbench not found: install Debian's postgresql-client (or postgresql-contrib)")
    url = make_url(server_url)
    args = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres"]
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    if init:
        subprocess.run([binary, *args, "-i", "-q", "-s", "1", database], env=env, check=True, capture_output=True)
    print(f"pgbench {label}: {CONNECTIONS} clients, {SECONDS:.0f} s ...", file=sys.stderr, flush=True)
    load = ["-c", str(CONNECTIONS), "-j", "2", "-T", str(int(SECONDS))]
    run = subprocess.run(
        [binary, *args, *workload, *load, database], env=env, check=True, capture_output=True, text=True
    )
    tps = float(re.search(r"tps = ([\d.]+)", run.stdout).group(1))
    print(f"pgbench {label}: {tps:.0f} transactions/s")
    return tps


def pgbench(server_url: str, fresh: bool) -> float:
    """pgbench's simple-update rate (its own database, made in the first round)."""
    if fresh:
        asyncio.run(fresh_postgres_database(server_url, PGBENCH_DATABASE))
    return run_pgbench(server_url, PGBENCH_DATABASE, "simple-update", ["-b", "simple-update"], init=fresh)


def sign_up_sql(server_url: str, ids: dict[str, int]) -> float:
    """The sign-up's own statements under pgbench, prepared as asyncpg prepares them, on a copy
    of the benchmark database (after the servers stopped: a template may have no connections)."""
    asyncio.run(fresh_postgres_database(server_url, SIGN_UP_COPY, template=DATABASE))
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(SIGN_UP_SCRIPT.format(last=PROGRAMMES - 1, **ids))
    try:
        return run_pgbench(server_url, SIGN_UP_COPY, "sign-up statements", ["-n", "-M", "prepared", "-f", script.name])
    finally:
        os.unlink(script.name)


async def over_capacity(url: str) -> int:
    """Cohorts with more confirmed members than places (must be none)."""
    engine = make_engine(normalise_database_url(url))
    async with engine.connect() as conn:
        counts = (
            await conn.execute(
                select(Registration.cohort_id, func.count())
                .where(Registration.status == "confirmed")
                .group_by(Registration.cohort_id)
            )
        ).all()
    await engine.dispose()
    return sum(1 for _, n in counts if n > PLACES)


def main() -> None:
    server_url = os.environ.get("GROEPSAANBOD_TEST_DATABASE_URL")
    if not server_url:
        sys.exit(
            "Set GROEPSAANBOD_TEST_DATABASE_URL to a PostgreSQL server, e.g. postgresql://postgres@127.0.0.1:5432/test"
        )
    url = asyncio.run(fresh_postgres_database(server_url, DATABASE))
    upgrade(url)
    feed_path, ids = asyncio.run(set_up(url))
    logs = Path(tempfile.mkdtemp(prefix="groepsaanbod-bench-"))
    results: dict[tuple[str, int], LoadResult] = {}
    tps = 0.0
    # The machine is shared: ROUNDS rounds of (1 process, 2 processes, pgbench), the best of each kept.
    for round_number in range(1, ROUNDS + 1):
        for processes in (1, 2):
            server, port = start_server(url, processes, logs / f"serve-{processes}.log")
            host = f"127.0.0.1:{port}"
            try:
                label = f"round {round_number}, {processes} process(es)"
                register = measure(f"register, {label}", port, People(host))
                feed_request = get(host, feed_path)
                feed = measure(f"feed, {label}", port, lambda r=feed_request: r)
            finally:
                stop_server(server)
            for kind, result in (("register", register), ("feed", feed)):
                best = results.get((kind, processes))
                if best is None or result.per_second > best.per_second:
                    results[kind, processes] = result
        tps = max(tps, pgbench(server_url, fresh=round_number == 1))
    overfilled = asyncio.run(over_capacity(url))
    print(f"cohorts over their {PLACES} places: {overfilled}; server logs in {logs}")
    own_sql = sign_up_sql(server_url, ids)
    register_1, register_2 = results["register", 1], results["register", 2]
    ratio = register_2.per_second / tps if tps else 0.0
    print(
        f"BENCH scale_out register_rps_1={register_1.per_second:.0f} register_rps_2={register_2.per_second:.0f} "
        f"feed_rps_2={results['feed', 2].per_second:.0f} register_p99_ms={register_2.percentile_ms(99):.1f} "
        f"pgbench_tps={tps:.0f} ratio_to_pgbench={ratio:.3f} "
        f"signup_sql_tps={own_sql:.0f} ratio_to_signup_sql={register_2.per_second / own_sql:.3f}"
    )


if __name__ == "__main__":
    main()
