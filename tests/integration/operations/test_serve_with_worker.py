"""`groepsaanbod serve --worker` (what `dev.py serve` runs) sends messages too: the worker runs
beside the web process and stops with it, and the links in messages follow the address served on."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx

from groepsaanbod.cli.beside import served_address
from groepsaanbod.db import make_engine, make_session_factory
from groepsaanbod.migrate import upgrade
from groepsaanbod.settings import normalise_database_url
from tests.databases import run_async
from tests.integration.registration.helpers import PRIVATE_LINK, person, published_programme
from tests.processes import STARTUP_SECONDS, free_port, output_of, stop, wait_for, wait_until_ready

SLUG = "serve-with-worker"


async def _programme(url: str) -> None:
    engine = make_engine(normalise_database_url(url))
    try:
        async with make_session_factory(engine)() as db:
            await published_programme(db, "triple-p-group", SLUG)
    finally:
        await engine.dispose()


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.add(int(entry.name))
            except (OSError, IndexError):
                continue
    return found


def _worker_of(serve: subprocess.Popen) -> int | None:
    for pid in _children(serve.pid):
        try:
            if b"worker" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return pid
        except OSError:
            continue
    return None


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"


def test_serve_sends_messages_with_links_to_its_own_address(tmp_path):
    database = tmp_path / "serve.db"
    url = f"sqlite:///{database}"
    upgrade(url)
    run_async(_programme(url))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "GROEPSAANBOD_BASE_URL"}
    env |= {"GROEPSAANBOD_DATABASE_URL": url, "GROEPSAANBOD_METRICS_DIR": str(tmp_path / "metrics")}
    log = tmp_path / "serve.log"
    with log.open("ab") as out:
        serve = subprocess.Popen(
            [sys.executable, "-m", "groepsaanbod", "serve", "--port", str(port), "--worker"],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(serve, f"{base}/health/ready", logs=[log])
        signed_up = httpx.post(
            f"{base}/api/v1/catalogue/{SLUG}/registrations", json=person(1, child_birth_date="2020-06-01"), timeout=60
        )
        assert signed_up.status_code == 202, signed_up.text

        def delivered() -> list[tuple[str, str]]:
            with sqlite3.connect(database) as connection:
                return connection.execute(
                    "SELECT to_address, body_text FROM outbox_messages WHERE sent_at IS NOT NULL"
                ).fetchall()

        # Nobody ran `groepsaanbod worker`: the one beside serve delivers (to the dev mailbox here).
        assert wait_for(lambda: bool(delivered()), STARTUP_SECONDS, alive=lambda: serve.poll() is None), output_of(
            [log]
        )
        address, body = delivered()[0]
        assert address == "ouder1@example.org"
        link = PRIVATE_LINK.search(body)
        assert link is not None, body
        assert link.group(0).startswith(f"{base}/nl/my/"), link.group(0)
        worker = _worker_of(serve)
        assert worker is not None
    finally:
        stop(serve)
    # The worker stops with serve.
    assert wait_for(lambda: _gone(worker), 60), output_of([log])


def test_a_worker_left_behind_stops_by_itself(tmp_path):
    """Even when serve is killed (no chance to stop its worker), the worker notices and ends."""
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    upgrade(url)
    env = {**os.environ, "GROEPSAANBOD_DATABASE_URL": url}
    # A stand-in for serve: starts the worker beside itself, then is killed.
    code = (
        "import time; from groepsaanbod.cli.beside import worker_beside\n"
        "with worker_beside(True):\n    print('started', flush=True); time.sleep(600)\n"
    )
    log = tmp_path / "parent.log"
    with log.open("ab") as out:
        parent = subprocess.Popen(
            [sys.executable, "-c", code], env=env, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        assert wait_for(lambda: _worker_of(parent) is not None, STARTUP_SECONDS), output_of([log])
        worker = _worker_of(parent)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(30)
        assert wait_for(lambda: _gone(worker), 90), output_of([log])
    finally:
        stop(parent)


def test_the_served_address_names_a_reachable_host():
    assert served_address("0.0.0.0", 8080) == "http://127.0.0.1:8080"
    assert served_address("::1", 8000) == "http://[::1]:8000"
    assert served_address("192.168.1.5", 8000) == "http://192.168.1.5:8000"
