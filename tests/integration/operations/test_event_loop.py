"""One request must not stall a process: while 60 sign-ins for unknown email addresses (each an
Argon2 verify) and a 10 MB form run against a real served process, /health/live keeps answering.

Before: Argon2 ran on the event loop and the CSRF check parsed the 10 MB form; /health/live took
3 to 5 s. The bound is relative to this machine's own baseline, measured first, so a busy shared
machine does not fail it: p95 under load at most 250 ms plus four times the idle p95."""

from __future__ import annotations

import asyncio
import json
import statistics
import time

import httpx
import pytest

from groepsaanbod.migrate import upgrade
from tests.conftest import backends
from tests.databases import run_async, separate_database
from tests.integration.operations.served import served

SIGN_INS = 60
TEN_MB = 10_000_000 - 1000
WINDOW = 15.0  # seconds of measuring under load at most


def _request_lines(app) -> list[dict]:
    lines = [json.loads(line) for log in app.logs for line in log.read_text().splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("logger") == "groepsaanbod.requests"]


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


async def _live_latencies(client: httpx.AsyncClient, base: str, until: asyncio.Event | None, count: int) -> list[float]:
    """Ask /health/live one after another, every 20 ms, `count` times or until `until` is set."""
    samples: list[float] = []
    while (until is None and len(samples) < count) or (until is not None and not until.is_set()):
        started = time.monotonic()
        response = await client.get(f"{base}/health/live")
        samples.append(time.monotonic() - started)
        assert response.status_code == 200
        await asyncio.sleep(0.02)
    return samples


async def _measure(port: int) -> dict:
    base = f"http://127.0.0.1:{port}"
    limits = httpx.Limits(max_connections=SIGN_INS + 10)
    async with httpx.AsyncClient(limits=limits, timeout=120) as client, httpx.AsyncClient(timeout=10) as probe:
        for _ in range(3):  # warm up: first requests build caches
            await probe.get(f"{base}/health/live")
        idle = await _live_latencies(probe, base, None, 40)

        done = asyncio.Event()

        async def load() -> tuple[list[httpx.Response], httpx.Response, float]:
            started = time.monotonic()
            sign_ins = [
                client.post(
                    f"{base}/api/v1/auth/sign-in",
                    json={"email": f"nobody{n}@example.org", "password": "not the password at all"},
                )
                for n in range(SIGN_INS)
            ]
            huge = client.post(
                f"{base}/nl/staff/sign-in",
                content=b"a=1&" * (TEN_MB // 4),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            *answers, form = await asyncio.gather(*sign_ins, huge)
            done.set()
            return answers, form, time.monotonic() - started

        loading = asyncio.ensure_future(load())
        # Sampled while the load runs, for at most WINDOW seconds (on a crowded machine 60 Argon2
        # verifies can take much longer than that; what matters is how the loop answers meanwhile).
        asyncio.get_running_loop().call_later(WINDOW, done.set)
        busy = await _live_latencies(probe, base, done, 0)
        try:
            answers, form, seconds = await asyncio.wait_for(loading, 0.5) if not loading.done() else loading.result()
        except TimeoutError:
            answers, form, seconds = None, None, None
    return {"idle": idle, "busy": busy, "answers": answers, "form": form, "seconds": seconds}


@pytest.mark.heavy
def test_health_answers_while_sign_ins_and_a_huge_form_run(tmp_path):
    backend = "postgresql" if "postgresql" in backends() else "sqlite"
    url = separate_database(backend, tmp_path, "groepsaanbod_event_loop_test")
    upgrade(url)
    # Every sign-in must reach its Argon2 verify: no per-address limit in the way.
    env = {"GROEPSAANBOD_RATE_LIMIT_SIGN_IN": "100000"}
    with served(url, tmp_path, env) as app:
        figures = run_async(_measure(app.ports[0]))
    idle_p95, busy_p95 = _p95(figures["idle"]), _p95(figures["busy"])
    bound = 0.25 + 4 * idle_p95
    took = f"{figures['seconds']:.2f} s" if figures["seconds"] else f"more than {WINDOW:.0f} s"
    print(
        f"/health/live p95 idle {idle_p95 * 1000:.1f} ms, during {SIGN_INS} sign-ins and a 10 MB form "
        f"{busy_p95 * 1000:.1f} ms (max {max(figures['busy']) * 1000:.1f} ms, {len(figures['busy'])} samples; "
        f"bound {bound * 1000:.0f} ms); the load took {took}"
    )
    if figures["answers"] is not None:
        assert [r.status_code for r in figures["answers"]] == [401] * SIGN_INS, app.log_text()[-3000:]
        assert figures["form"].status_code == 413
    assert "500" not in {str(line.get("status")) for line in _request_lines(app)}, app.log_text()[-3000:]
    assert len(figures["busy"]) >= 5, "the load ended before /health/live was asked a few times"
    assert busy_p95 <= bound, (busy_p95, idle_p95)
