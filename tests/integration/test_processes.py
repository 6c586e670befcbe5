"""Tests that start processes wait for readiness, not for a fixed time: a slow start is waited
for (up to a generous deadline), and a process that dies says why at once."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from tests.processes import free_port, wait_until_ready


def _start(tmp_path, code: str) -> subprocess.Popen:
    log = tmp_path / "process.log"
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-c", code], stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path)


def test_a_slow_start_is_waited_for(tmp_path):
    (tmp_path / "ready").write_text("yes")
    port = free_port()
    # Listens only after 3 s, as an app process on a busy machine might.
    code = (
        "import functools, http.server, time; time.sleep(3); "
        "handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory='.'); "
        f"http.server.ThreadingHTTPServer(('127.0.0.1', {port}), handler).serve_forever()"
    )
    process = _start(tmp_path, code)
    try:
        began = time.monotonic()
        wait_until_ready(process, f"http://127.0.0.1:{port}/ready", logs=[tmp_path / "process.log"])
        assert time.monotonic() - began >= 2.5
    finally:
        process.kill()
        process.wait(10)


def test_a_process_that_dies_is_reported_with_its_output_at_once(tmp_path):
    process = _start(tmp_path, "import sys; print('the port is taken', flush=True); sys.exit(3)")
    began = time.monotonic()
    with pytest.raises(AssertionError) as refused:
        wait_until_ready(process, f"http://127.0.0.1:{free_port()}/health/ready", logs=[tmp_path / "process.log"])
    assert "the port is taken" in str(refused.value)
    assert "exit code 3" in str(refused.value)
    assert time.monotonic() - began < 30


def test_a_process_that_never_gets_ready_fails_at_the_deadline_with_its_output(tmp_path):
    process = _start(tmp_path, "import time; print('still starting', flush=True); time.sleep(60)")
    try:
        with pytest.raises(AssertionError, match="still starting"):
            wait_until_ready(
                process, f"http://127.0.0.1:{free_port()}/health/ready", logs=[tmp_path / "process.log"], deadline=2
            )
    finally:
        process.kill()
        process.wait(10)
