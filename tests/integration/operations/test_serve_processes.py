"""`groepsaanbod serve --workers 2`: two processes behind one port give one coherent /metrics."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx

from groepsaanbod.migrate import upgrade
from tests.integration.messaging.test_workers import _stop, free_port


def _get(url: str) -> httpx.Response:
    # A new connection each time, so that the kernel hands requests to either process.
    with httpx.Client(timeout=5) as client:
        return client.get(url)


def _live_count(text: str) -> float:
    wanted = 'groepsaanbod_http_requests_total{method="GET",route="/health/live",status="200"}'
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(wanted))


def test_two_processes_add_up_their_request_counts(tmp_path):
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    upgrade(url)
    port = free_port()
    metrics_dir = tmp_path / "metrics"
    log = tmp_path / "serve.log"
    env = {**os.environ, "GROEPSAANBOD_DATABASE_URL": url, "GROEPSAANBOD_METRICS_DIR": str(metrics_dir)}
    with log.open("ab") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "groepsaanbod", "serve", "--port", str(port), "--workers", "2"],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        counted: set[str] = set()
        answered = 0
        # Until both processes have answered (each keeps its own file of counts), or the deadline.
        while time.monotonic() < deadline and server.poll() is None and len(counted) < 2:
            try:
                answered += _get(f"{base}/health/live").status_code == 200
            except httpx.HTTPError:
                time.sleep(0.2)
            counted = {p.name for p in metrics_dir.glob("counter_*.db")} if metrics_dir.exists() else set()
        assert len(counted) == 2, log.read_text()
        scrapes = [_live_count(_get(f"{base}/metrics").text) for _ in range(6)]
    finally:
        _stop(server)
    assert scrapes == [answered] * 6, (scrapes, answered)
