"""A lean HTTP/1.1 load generator: keep-alive connections on asyncio streams, requests prepared up front.

The benchmarks share two CPUs with the server they measure; httpx spends more CPU per request than
a small server does, so it would measure itself. This client writes prepared bytes, reads the status
line, the headers and Content-Length bytes of body, and records each request's latency. No chunked
bodies, no TLS: it talks to our own uvicorn on loopback.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field


def post_json(host: str, path: str, body: dict) -> bytes:
    payload = json.dumps(body).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


def get(host: str, path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()


@dataclass
class LoadResult:
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile_ms(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


async def _connection(
    port: int, next_request: Callable[[], bytes | None], stop_at: float, measure_from: float, result: LoadResult
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < stop_at:
            request = next_request()
            if request is None:
                return
            started = time.perf_counter()
            writer.write(request)
            status_line = await reader.readline()
            if not status_line:
                result.errors += 1
                return
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            if length:
                await reader.readexactly(length)
            if started >= measure_from:
                status = int(status_line.split(b" ", 2)[1])
                result.latencies.append(time.perf_counter() - started)
                result.statuses[status] = result.statuses.get(status, 0) + 1
    except (ConnectionError, asyncio.IncompleteReadError):
        result.errors += 1
    finally:
        writer.close()


async def run_load(
    port: int, next_request: Callable[[], bytes | None], connections: int, seconds: float, warm_up: float = 1.0
) -> LoadResult:
    """`connections` keep-alive connections send `next_request()` back to back for warm_up + seconds;
    only requests started after the warm-up count."""
    start = time.perf_counter()
    measure_from = start + warm_up
    stop_at = measure_from + seconds
    result = LoadResult(seconds)
    await asyncio.gather(*(_connection(port, next_request, stop_at, measure_from, result) for _ in range(connections)))
    result.seconds = max(time.perf_counter(), stop_at) - measure_from if result.latencies else seconds
    return result
