"""Processes that tests (and benchmarks) start: wait for readiness, never for a fixed time.

On a busy machine (two cores shared by several test suites) a process may take many seconds
to import and start listening. So every wait polls for the state it needs, within a generous
overall deadline, and a process that exits is reported at once, with its output.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import httpx

#: How long a process may take to start on a busy machine (the deadline of a wait, not a sleep).
STARTUP_SECONDS = 120.0
#: A request to a process that is up: long enough for a loaded machine to answer, so a request
#: is never abandoned while the server still handles it (and counts it).
REQUEST_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def output_of(logs: Iterable[Path]) -> str:
    """The logs, each under its name, for a failure message (the last 20,000 characters of each)."""
    return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-20_000:]}" for p in logs if p.exists())


def wait_until_ready(
    process: subprocess.Popen,
    url: str,
    *,
    logs: Iterable[Path] = (),
    deadline: float = STARTUP_SECONDS,
    answers: int = 1,
) -> None:
    """Return once `url` answers 200 `answers` times in a row; fail with the process's output when
    it exits first or `deadline` seconds pass."""
    logs = list(logs)
    end = time.monotonic() + deadline
    in_a_row = 0
    while True:
        code = process.poll()
        if code is not None:
            raise AssertionError(f"the process stopped (exit code {code}) before {url} answered:\n{output_of(logs)}")
        remaining = end - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"{url} did not answer 200 within {deadline:.0f} s:\n{output_of(logs)}")
        try:
            ok = httpx.get(url, timeout=min(10.0, max(remaining, 0.5))).status_code == 200
        except httpx.HTTPError:
            ok = False
        in_a_row = in_a_row + 1 if ok else 0
        if in_a_row >= answers:
            return
        if not ok:
            time.sleep(0.1)


def wait_for(condition: Callable[[], bool], timeout: float, alive: Callable[[], bool] = lambda: True) -> bool:
    """Poll `condition` until it holds, `timeout` seconds pass, or `alive()` says the processes died."""
    end = time.monotonic() + timeout
    while time.monotonic() < end and alive():
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def stop(process: subprocess.Popen, grace: float = 30.0) -> None:
    """SIGTERM, then SIGKILL if it has not stopped after `grace` seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(30)
