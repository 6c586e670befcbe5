"""What the benchmarks share: small mode, databases of their own, a server that is ready, checks.

Small mode (`--small`, or BENCH_SMALL=1) runs a benchmark's whole path on tiny sizes in
seconds and still checks its result; tests/integration/test_benchmarks.py runs every
benchmark so, so a change that breaks one fails the test suite. Full sizes are the default.

Databases follow the test suite's safety rules (tests/databases.py): a benchmark makes its
databases on the server GROEPSAANBOD_TEST_DATABASE_URL names under a prefix of its own,
`ga_bench_<run id>_` (GROEPSAANBOD_TEST_RUN_ID, else random), and drops those, and only
those, when it ends.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "src"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from tests.databases import PG_ENV, DatabaseRun  # noqa: E402
from tests.processes import free_port, stop, wait_until_ready  # noqa: E402

__all__ = ["PG_ENV", "Checks", "bench_databases", "free_port", "postgres_server", "serve", "small"]


def small() -> bool:
    """Small mode: `--small` on the command line or BENCH_SMALL=1."""
    return "--small" in sys.argv[1:] or os.environ.get("BENCH_SMALL") == "1"


def postgres_server(required: bool) -> str | None:
    """The PostgreSQL server of GROEPSAANBOD_TEST_DATABASE_URL; when `required` and unset, exit saying so."""
    server = os.environ.get(PG_ENV) or None
    if required and server is None:
        sys.exit(f"Set {PG_ENV} to a PostgreSQL server, e.g. postgresql://postgres@127.0.0.1:5432/test")
    return server


@contextmanager
def bench_databases(server_url: str) -> Iterator[DatabaseRun]:
    """This benchmark's databases on that server: made with `.create(name)`, all dropped at the end."""
    run = DatabaseRun(server_url, kind="bench", run_id=os.environ.get("GROEPSAANBOD_TEST_RUN_ID") or None)
    try:
        yield run
    finally:
        run.finish()


@contextmanager
def serve(
    url: str, *, workers: int = 1, log: Path, env: dict[str, str] | None = None, answers: int = 1
) -> Iterator[int]:
    """`groepsaanbod serve` on a free port against database `url`, ready (/health/ready answered
    `answers` times in a row) before this yields the port; stopped at the end. `env` goes under
    this process's environment (so a setting given on the command line wins), the database and
    base URL over it."""
    port = free_port()
    environment = {
        **(env or {}),
        **os.environ,
        "GROEPSAANBOD_DATABASE_URL": url,
        "GROEPSAANBOD_BASE_URL": f"http://127.0.0.1:{port}",
    }
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "groepsaanbod", "serve", "--port", str(port), "--workers", str(workers)],
            env=environment,
            cwd=log.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        try:
            wait_until_ready(process, f"http://127.0.0.1:{port}/health/ready", logs=[log], answers=answers)
        except AssertionError as failure:
            sys.exit(f"the server did not get ready: {failure}")
        yield port
    finally:
        stop(process)


class Checks:
    """What a benchmark's result must be; the BENCH line is printed either way, then a failed
    check makes the benchmark exit 1."""

    def __init__(self) -> None:
        self.failed: list[str] = []

    def expect(self, holds: bool, what: str) -> None:
        print(f"check: {what}: {'yes' if holds else 'NO'}")
        if not holds:
            self.failed.append(what)

    def finish(self, bench_line: str) -> None:
        print(bench_line, flush=True)
        if self.failed:
            print("FAILED checks: " + "; ".join(self.failed), file=sys.stderr)
            sys.exit(1)
