"""What `groepsaanbod serve` sets up around the web processes: the address the links in messages
point to, and (with --worker) the worker beside them, so one command runs everything."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

BASE_URL = "GROEPSAANBOD_BASE_URL"
#: Listening on every address: a link needs one address, and this machine's own is the one that works here.
ANY_ADDRESS = {"", "0.0.0.0", "::"}


def served_address(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ANY_ADDRESS else f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def follow_address(host: str, port: int) -> None:
    """Without GROEPSAANBOD_BASE_URL, the links in messages (private links, invitations, reminders)
    point to the address this serve listens on, not to the default port: for the web processes and
    the worker beside them alike. A set GROEPSAANBOD_BASE_URL (a proxy's public address) is kept."""
    if not os.environ.get(BASE_URL):
        os.environ[BASE_URL] = served_address(host, port)


@contextmanager
def worker_beside(wanted: bool) -> Iterator[None]:
    """`groepsaanbod worker` as a child for as long as the block runs. It gets its own process group
    (Ctrl+C reaches serve, which then stops it) and stops by itself when serve is gone."""
    if not wanted:
        yield
        return
    process = subprocess.Popen(
        [sys.executable, "-m", "groepsaanbod", "worker", "--parent", str(os.getpid())], start_new_session=True
    )
    try:
        yield
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(30)
