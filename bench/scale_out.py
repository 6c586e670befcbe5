"""Benchmark: the registration endpoint and a calendar feed with one and with two app processes,
beside pgbench on the same PostgreSQL server, in one run.

    GROEPSAANBOD_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/scale_out.py

Makes its own databases on that server (under `ga_bench_<run>_`, dropped at the end):
`scale_out` (migrated; PROGRAMMES published Triple P programmes, each with an open group of 12
places, so sign-ups spread over several cohort locks as in a region; one group has a feed with
12 meetings), and `pgbench` for pgbench. Then, in each of BENCH_ROUNDS rounds (2; the machine
is shared, so the best of each figure is kept), for 1 and for 2 processes, starts
`groepsaanbod serve --workers N` and loads it from this process over keep-alive connections
(bench/http_load.py: prepared requests, so the load generator spends little of the CPUs it
shares with the server): every sign-up is a new person (201 or 202; confirmed or waitlisted,
as the database says), the feed is fetched in full; then `pgbench -b simple-update` (one
UPDATE, one SELECT, one INSERT per transaction, as many clients as we have connections) gives
the rate of a comparable one-row write transaction on this machine. p99 is that of the best run.
At the end pgbench also runs the sign-up's own statements (SIGN_UP_SCRIPT: the rate counter,
the programme, the cohort's lock, the head count, the four-row insert; as in
registration/services/sign_up.py, sign_up_reads.py and storage.py) on a copy of the benchmark database: the
rate PostgreSQL reaches for our transaction with no Python in front of it (signup_sql_tps).
The server processes get this process's environment, so any GROEPSAANBOD_* setting (say, a rate
limit) can be given on the command line.

Checked (exit 1 otherwise): every answer a success, every person in the database confirmed or
waitlisted, no group over its places. --small: 3 programmes, 1 round of 1 s per load, 4
connections; without pgbench it skips the pgbench parts with a note (their figures are 0).

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
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import Checks, bench_databases, postgres_server, serve, small  # noqa: E402
from http_load import LoadResult, get, post_json, run_load  # noqa: E402
from tests.databases import PGBENCH_TABLES, DatabaseRun  # noqa: E402

from groepsaanbod.access.viewer import Viewer  # noqa: E402
from groepsaanbod.calendars.services import create_feed  # noqa: E402
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.db import make_engine, make_session_factory  # noqa: E402
from groepsaanbod.migrate import upgrade  # noqa: E402
from groepsaanbod.organisations.models import Organisation, Venue  # noqa: E402
from groepsaanbod.programmes.models import ProgrammeTemplate  # noqa: E402
from groepsaanbod.programmes.services import set_up as programmes
from groepsaanbod.progress import progress  # noqa: E402
from groepsaanbod.registration.models import Registration  # noqa: E402
from groepsaanbod.scheduling.models import Session
from groepsaanbod.settings import normalise_database_url  # noqa: E402

DATABASE = "scale_out"
PGBENCH_DATABASE = "pgbench"
SIGN_UP_COPY = "sign_up_sql"
PROGRAMMES = 3 if small() else 20
PLACES = 12
SECONDS = float(os.environ.get("BENCH_SECONDS", "1" if small() else "8"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4" if small() else "8"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "1" if small() else "2"))
SUCCESS = (201, 202)  # 202: the same answer for every valid sign-up, whatever its status


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
        feed = await create_feed(db, "cohort", cohort_id, language="nl", now=now)
    await engine.dispose()
    programmes_ids = [p for p, _ in cohort_ids]
    cohorts_ids = [c for _, c in cohort_ids]
    # SIGN_UP_SCRIPT picks programme k as first + k: the ids must follow each other.
    assert programmes_ids == list(range(programmes_ids[0], programmes_ids[0] + PROGRAMMES)), programmes_ids
    assert cohorts_ids == list(range(cohorts_ids[0], cohorts_ids[0] + PROGRAMMES)), cohorts_ids
    return feed.path(), {"programme": programmes_ids[0], "cohort": cohorts_ids[0], "organisation": org.id}


class People:
    """A new person for every sign-up (over all runs), spread over the programmes."""

    numbers = itertools.count()
    made = 0  # sign-ups sent, over all runs (each gets its answer before the load stops)

    def __init__(self, host: str) -> None:
        self.host = host

    def __call__(self) -> bytes:
        n = next(self.numbers)
        People.made += 1
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


def find_pgbench() -> str | None:
    """pgbench on PATH, or Debian's (it comes with the server package, postgresql-NN)."""
    found = shutil.which("pgbench") or next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))), None)
    return str(found) if found else None


def run_pgbench(server_url: str, database: str, label: str, workload: list[str], init: bool = False) -> float:
    """Transactions per second of pgbench on `database` with as many clients as our load has connections."""
    binary = find_pgbench()
    assert binary is not None
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


def pgbench(databases: DatabaseRun, fresh: bool) -> float:
    """pgbench's simple-update rate (its own database, made in the first round)."""
    if fresh:
        databases.create(PGBENCH_DATABASE, tables=PGBENCH_TABLES)
    name = databases.database_name(PGBENCH_DATABASE)
    return run_pgbench(databases.server_url, name, "simple-update", ["-b", "simple-update"], init=fresh)


def sign_up_sql(databases: DatabaseRun, ids: dict[str, int]) -> float:
    """The sign-up's own statements under pgbench, prepared as asyncpg prepares them, on a copy
    of the benchmark database (after the servers stopped: a template may have no connections)."""
    databases.create(SIGN_UP_COPY, template=DATABASE)
    name = databases.database_name(SIGN_UP_COPY)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(SIGN_UP_SCRIPT.format(last=PROGRAMMES - 1, **ids))
    try:
        workload = ["-n", "-M", "prepared", "-f", script.name]
        return run_pgbench(databases.server_url, name, "sign-up statements", workload)
    finally:
        os.unlink(script.name)


async def outcomes(url: str) -> tuple[dict[str, int], int]:
    """Registrations per status, and the cohorts with more confirmed members than places (must be none)."""
    engine = make_engine(normalise_database_url(url))
    try:
        async with engine.connect() as conn:
            statuses = dict((await conn.execute(select(Registration.status, func.count()).group_by("status"))).all())
            counts = (
                await conn.execute(
                    select(Registration.cohort_id, func.count())
                    .where(Registration.status == "confirmed")
                    .group_by(Registration.cohort_id)
                )
            ).all()
    finally:
        await engine.dispose()
    return statuses, sum(1 for _, n in counts if n > PLACES)


def load_rounds(url: str, feed_path: str, databases: DatabaseRun, with_pgbench: bool, logs: Path):
    """ROUNDS rounds of (1 process, 2 processes, pgbench); the best of each kept, since the machine is
    shared; and the answers that were not a success (or no answer) over all of them."""
    results: dict[tuple[str, int], LoadResult] = {}
    tps, failures = 0.0, 0
    # All sign-ups come from one address: lift the per-address limit unless the caller set one.
    limit = {"GROEPSAANBOD_RATE_LIMIT_REGISTER": "1000000"}
    for round_number in range(1, ROUNDS + 1):
        for processes in (1, 2):
            # Every process ready: a few answers in a row (the kernel spreads connections over them).
            log = logs / f"serve-{processes}.log"
            with serve(url, workers=processes, log=log, env=limit, answers=4) as port:
                host = f"127.0.0.1:{port}"
                label = f"round {round_number}, {processes} process(es)"
                register = measure(f"register, {label}", port, People(host))
                feed_request = get(host, feed_path)
                feed = measure(f"feed, {label}", port, lambda r=feed_request: r)
            for kind, result in (("register", register), ("feed", feed)):
                best = results.get((kind, processes))
                if best is None or result.per_second > best.per_second:
                    results[kind, processes] = result
            failures += register.errors + sum(n for status, n in register.statuses.items() if status not in SUCCESS)
            failures += feed.errors + sum(n for status, n in feed.statuses.items() if status != 200)
        if with_pgbench:
            tps = max(tps, pgbench(databases, fresh=round_number == 1))
    return results, tps, failures


def main() -> None:
    checks = Checks()
    server_url = postgres_server(required=True)
    with_pgbench = find_pgbench() is not None
    if not with_pgbench:
        if not small():
            sys.exit("pgbench not found: install Debian's postgresql-NN (or postgresql-client) or put it on PATH")
        print("note: pgbench not found; the pgbench parts are skipped (their figures are 0)")
    logs = Path(tempfile.mkdtemp(prefix="groepsaanbod-bench-"))
    with bench_databases(server_url) as databases:
        url = databases.create(DATABASE)
        upgrade(url)
        feed_path, ids = asyncio.run(set_up(url))
        results, tps, failures = load_rounds(url, feed_path, databases, with_pgbench, logs)
        statuses, overfilled = asyncio.run(outcomes(url))
        own_sql = sign_up_sql(databases, ids) if with_pgbench else 0.0
    print(f"registrations in the database: {statuses}; cohorts over their {PLACES} places: {overfilled}")
    print(f"server logs in {logs}")
    checks.expect(failures == 0, f"every answer a success ({failures} failures or lost connections)")
    checks.expect(sum(statuses.values()) == People.made, f"every sign-up in the database ({People.made} sent)")
    checks.expect(set(statuses) <= {"confirmed", "waitlisted"}, "each confirmed or waitlisted")
    checks.expect(overfilled == 0, "no group over its places")
    register_1, register_2 = results["register", 1], results["register", 2]
    ratio = register_2.per_second / tps if tps else 0.0
    to_own = register_2.per_second / own_sql if own_sql else 0.0
    checks.finish(
        f"BENCH scale_out register_rps_1={register_1.per_second:.0f} register_rps_2={register_2.per_second:.0f} "
        f"feed_rps_2={results['feed', 2].per_second:.0f} register_p99_ms={register_2.percentile_ms(99):.1f} "
        f"pgbench_tps={tps:.0f} ratio_to_pgbench={ratio:.3f} "
        f"signup_sql_tps={own_sql:.0f} ratio_to_signup_sql={to_own:.3f}"
    )


if __name__ == "__main__":
    main()
