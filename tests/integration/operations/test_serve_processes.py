"""`groepsaanbod serve --workers 2`: two processes behind one port give one coherent /metrics."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

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


def _serve(tmp_path, port: int, processes: int) -> subprocess.Popen:
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    upgrade(url)
    env = {**os.environ, "GROEPSAANBOD_DATABASE_URL": url, "GROEPSAANBOD_METRICS_DIR": str(tmp_path / "metrics")}
    with (tmp_path / "serve.log").open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "groepsaanbod", "serve", "--port", str(port), "--workers", str(processes)],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _app_pids(supervisor: subprocess.Popen) -> set[int]:
    """The supervisor's app processes (multiprocessing also starts a resource tracker, which serves nothing)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if int(fields[1]) == supervisor.pid and b"spawn_main" in command:
                found.add(int(entry.name))
    return found


def _listening_sockets(port: int) -> set[str]:
    """Inodes of the sockets listening on the port (state 0A in /proc/net/tcp)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1].endswith(f":{port:04X}") and fields[3] == "0A":
            found.add(fields[9])
    return found


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def _answers(base: str) -> bool:
    try:
        return _get(f"{base}/health/live").status_code == 200
    except httpx.HTTPError:
        return False


def test_each_process_listens_on_its_own_socket_and_one_that_dies_is_replaced(tmp_path):
    port = free_port()
    server = _serve(tmp_path, port, 2)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (len(_app_pids(server)) == 2 and _answers(base)):
            time.sleep(0.2)
        first = _app_pids(server)
        assert len(first) == 2, (tmp_path / "serve.log").read_text()
        # Each process has a listening socket of its own on the port (SO_REUSEPORT), so the kernel
        # spreads connections over them instead of one event loop taking them all.
        sockets = _listening_sockets(port)
        assert len(sockets) == 2 and all(_socket_inodes(pid) & sockets for pid in first), sockets

        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (len(_app_pids(server)) < 2 or victim in _app_pids(server)):
            time.sleep(0.2)
        now_running = _app_pids(server)
        assert len(now_running) == 2 and victim not in now_running, (tmp_path / "serve.log").read_text()
        assert all(_answers(base) for _ in range(10))
        assert server.poll() is None
    finally:
        _stop(server)
    assert server.returncode == 0
    assert "app process died; starting another" in (tmp_path / "serve.log").read_text()


def test_a_taken_port_stops_serve_with_a_clear_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = _serve(tmp_path, taken.getsockname()[1], 2)
        try:
            assert server.wait(60) == 1
        finally:
            _stop(server)
    assert "the port is taken" in (tmp_path / "serve.log").read_text()
