"""Every benchmark in bench/ runs its whole path in small mode (`--small`), checks its own
result and ends with its BENCH line: a change that breaks a benchmark fails here.

Benchmarks that need PostgreSQL run where GROEPSAANBOD_TEST_DATABASE_URL is set (as in CI);
each makes its databases under its own prefix and leaves none behind.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from groepsaanbod.settings import normalise_database_url
from tests.conftest import backends
from tests.databases import PG_ENV, RUN_ID_ENV, DatabaseRun, run_async, session_run

BENCH = Path(__file__).resolve().parents[2] / "bench"
HELPERS = {"benchlib.py", "http_load.py"}  # shared code, not benchmarks

# Each benchmark: where it runs, and the keys of its BENCH line.
BENCHMARKS = {
    "cohort_formation": (("none",), {"registrations", "cohorts", "unplaced", "seconds"}),
    "think_timetable": (("none",), {"lessons", "hard_violations", "seconds"}),
    "mentor_feed": (("sqlite", "postgresql"), {"events", "p50_ms", "p99_ms", "p50_304_ms", "p99_304_ms"}),
    "reminders": (("sqlite", "postgresql"), {"messages", "delivered", "duplicates", "per_second"}),
    "webhooks": (("sqlite", "postgresql"), {"events", "delivered", "duplicates", "bad_signatures", "per_second"}),
    "registration_race": (("postgresql",), {"attempts", "confirmed", "waitlisted", "errors", "per_second"}),
    "attendance_report": (("postgresql",), {"records", "seconds"}),
    "scale_out": (
        ("postgresql",),
        {
            "register_rps_1",
            "register_rps_2",
            "feed_rps_2",
            "register_p99_ms",
            "pgbench_tps",
            "ratio_to_pgbench",
            "signup_sql_tps",
            "ratio_to_signup_sql",
        },
    ),
}
# Figures that must be exactly so in small mode (the benchmark checks them too; this is a second look).
EXACT = {
    "reminders": {"duplicates": "0"},
    "registration_race": {"errors": "0"},
    "think_timetable": {"hard_violations": "0"},
    "webhooks": {"duplicates": "0", "bad_signatures": "0"},
}


def _cases() -> list[tuple[str, str]]:
    available = {"none", *backends()}
    return [(name, where) for name, (wheres, _) in BENCHMARKS.items() for where in wheres if where in available]


def test_every_benchmark_is_run_here():
    scripts = {p.stem for p in BENCH.glob("*.py") if p.name not in HELPERS}
    assert scripts == set(BENCHMARKS), "give the new benchmark a --small mode and a line in BENCHMARKS"


async def _leftovers(prefix: str) -> list[str]:
    engine = create_async_engine(normalise_database_url(os.environ[PG_ENV]), poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            found = text("SELECT datname FROM pg_database WHERE starts_with(datname, :prefix)")
            rows = await conn.execute(found, {"prefix": prefix})
            return [name for (name,) in rows]
    finally:
        await engine.dispose()


@pytest.mark.parametrize(("name", "where"), _cases())
def test_benchmark_runs_in_small_mode(name, where, tmp_path):
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(tmp_path)}  # its logs and files go here
    env.pop("BENCH_SMALL", None)
    if where == "postgresql":
        # The benchmark's run id is the suite's, so its databases are recognisably this run's.
        env[RUN_ID_ENV] = session_run().run_id
    else:
        env.pop(PG_ENV, None)
    done = subprocess.run(
        [sys.executable, str(BENCH / f"{name}.py"), "--small"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = f"stdout:\n{done.stdout}\nstderr:\n{done.stderr[-5000:]}"
    assert done.returncode == 0, output
    last = done.stdout.strip().splitlines()[-1]
    words = last.split()
    assert words[:2] == ["BENCH", name], output
    figures = dict(word.split("=", 1) for word in words[2:])
    assert set(figures) == BENCHMARKS[name][1], output
    for value in figures.values():
        float(value)
    for key, value in EXACT.get(name, {}).items():
        assert figures[key] == value, output
    if where == "postgresql":
        prefix = DatabaseRun(os.environ[PG_ENV], kind="bench", run_id=session_run().run_id).prefix
        assert run_async(_leftovers(prefix)) == [], "the benchmark left databases behind"
