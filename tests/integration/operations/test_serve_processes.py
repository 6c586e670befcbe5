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
from tests.processes import REQUEST_SECONDS, STARTUP_SECONDS, free_port, output_of, stop, wait_for


def _get(url: str) -> httpx.Response:
    # A new connection each time, so that the kernel hands requests to either process. A generous
    # timeout: a request to a process that is still starting waits in its socket's queue and is
    # answered (and counted) later; one given up early would be counted by the server only.
    with httpx.Client(timeout=REQUEST_SECONDS) as client:
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
        deadline = time.monotonic() + STARTUP_SECONDS
        counted: set[str] = set()
        answered = 0
        # Until both processes have answered (each keeps its own file of counts), or the deadline.
        while time.monotonic() < deadline and server.poll() is None and len(counted) < 2:
            try:
                answered += _get(f"{base}/health/live").status_code == 200
            except httpx.ConnectError:  # nothing listens yet: the request reached no process
                time.sleep(0.2)
            counted = {p.name for p in metrics_dir.glob("counter_*.db")} if metrics_dir.exists() else set()
        assert len(counted) == 2, output_of([log])
        scrapes = [_live_count(_get(f"{base}/metrics").text) for _ in range(6)]
    finally:
        stop(server)
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
    except httpx.ConnectError:
        return False


def test_each_process_listens_on_its_own_socket_and_one_that_dies_is_replaced(tmp_path):
    port = free_port()
    server = _serve(tmp_path, port, 2)
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    alive = lambda: server.poll() is None  # noqa: E731
    try:
        wait_for(lambda: len(_app_pids(server)) == 2 and _answers(base), STARTUP_SECONDS, alive)
        first = _app_pids(server)
        assert len(first) == 2, output_of([log])
        # Each process has a listening socket of its own on the port (SO_REUSEPORT), so the kernel
        # spreads connections over them instead of one event loop taking them all.
        sockets = _listening_sockets(port)
        assert len(sockets) == 2, sockets
        assert all(_socket_inodes(pid) & sockets for pid in first), sockets

        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        replaced = lambda: len(_app_pids(server)) == 2 and victim not in _app_pids(server)  # noqa: E731
        wait_for(replaced, STARTUP_SECONDS, alive)
        now_running = _app_pids(server)
        assert len(now_running) == 2, output_of([log])
        assert victim not in now_running, output_of([log])
        # The new process may still be starting: a request it gets waits until it serves.
        assert all(_answers(base) for _ in range(10)), output_of([log])
        assert server.poll() is None
    finally:
        stop(server)
    assert server.returncode == 0, output_of([log])
    assert "app process died; starting another" in log.read_text()


def test_a_taken_port_stops_serve_with_a_clear_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = _serve(tmp_path, taken.getsockname()[1], 2)
        try:
            assert server.wait(STARTUP_SECONDS) == 1
        finally:
            stop(server)
    assert "the port is taken" in (tmp_path / "serve.log").read_text()
