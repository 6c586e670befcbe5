"""Real `groepsaanbod serve` processes for tests that need a served app (several processes, real
sockets, the event loop of a real process). Every process is stopped when the block ends."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.integration.operations.test_two_processes import _start
from tests.processes import STARTUP_SECONDS, free_port, stop, wait_until_ready


@dataclass
class Served:
    ports: list[int]
    logs: list[Path]
    processes: list[subprocess.Popen]

    def log_text(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()}" for p in self.logs if p.exists())


@contextmanager
def served(
    url: str, folder: Path, env: dict[str, str], *, count: int = 1, ready_within: float = STARTUP_SECONDS
) -> Iterator[Served]:
    """`count` serve commands of one process each, on ports of their own, ready (/health/ready) when given."""
    ports = [free_port() for _ in range(count)]
    logs = [folder / f"app-{n}.log" for n in range(count)]
    processes: list[subprocess.Popen] = []
    try:
        for port, log in zip(ports, logs, strict=True):
            own = {"GROEPSAANBOD_BASE_URL": f"http://127.0.0.1:{port}", "GROEPSAANBOD_LOG_FORMAT": "json", **env}
            processes.append(_start(url, log, ["serve", "--port", str(port), "--workers", "1"], own))
        for port, process in zip(ports, processes, strict=True):
            wait_until_ready(process, f"http://127.0.0.1:{port}/health/ready", logs=logs, deadline=ready_within)
        yield Served(ports, logs, processes)
    finally:
        for process in processes:
            stop(process)
