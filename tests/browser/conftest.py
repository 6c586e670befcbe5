"""A real server (uvicorn, demo data, SQLite file) and Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import stop, wait_until_ready

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("GROEPSAANBOD_BROWSER_TESTS") == "required":
        return  # let them fail loudly
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def server_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("server")


@pytest.fixture(scope="session")
def server(server_folder: Path) -> Iterator[str]:
    folder = server_folder
    env = {
        # Every page test signs people up from 127.0.0.1: lift the per-address limit.
        "GROEPSAANBOD_RATE_LIMIT_REGISTER": "100000",
        **os.environ,
        "GROEPSAANBOD_DATABASE_URL": f"sqlite:///{folder / 'browser.db'}",
    }
    command = [sys.executable, "-m", "groepsaanbod"]
    subprocess.run([*command, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([*command, "demo", "load"], env=env, check=True, capture_output=True)
    port = _free_port()
    env["GROEPSAANBOD_BASE_URL"] = f"http://127.0.0.1:{port}"
    log = (folder / "server.log").open("w")
    process = subprocess.Popen([*command, "serve", "--port", str(port)], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(process, f"{base}/health/ready", logs=[folder / "server.log"])
        yield base
    finally:
        stop(process)


@pytest.fixture(scope="session")
def link_sent_to(server, server_folder: Path):
    """The private link in the latest message to an address: the sign-up's answer is the same for
    everyone, so a person (and a test) finds their page through the message."""

    def find(contact: str) -> str:
        with sqlite3.connect(server_folder / "browser.db") as connection:
            row = connection.execute(
                "SELECT body_text FROM outbox_messages WHERE to_address = ? ORDER BY id DESC LIMIT 1", (contact,)
            ).fetchone()
        assert row, f"no message to {contact}"
        return re.search(r"\S+/my/[A-Za-z0-9_-]+", row[0]).group(0)

    return find


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A 360 px wide phone screen."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    page = context.new_page()
    yield page
    context.close()
