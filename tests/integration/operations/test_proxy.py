"""The client's real address behind the proxy: a client that rotates X-Forwarded-For stays limited.

The chain is compose's: the proxy config from compose.yaml (nginx, as Debian ships it), in front
of a real `groepsaanbod serve` with the app environment compose gives it, on loopback ports. The
client connects from 127.0.0.2, so the address the app must count under is neither the proxy's
(127.0.0.1) nor any that the client writes in its headers.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
import yaml

from groepsaanbod.migrate import upgrade
from groepsaanbod.protection.limits import counter_key
from tests.integration.messaging.test_workers import _stop, free_port

ROOT = Path(__file__).resolve().parents[3]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
LIMIT = 5
ATTEMPTS = 12
SIGN_UP = {"full_name": "Ouder", "language": "nl", "consent": True, "email": "ouder@example.org"}

if not os.path.exists(NGINX) and os.environ.get("GROEPSAANBOD_PROXY_TESTS") != "required":
    pytest.skip("nginx is not installed (apt-get install nginx); .ci/run installs it", allow_module_level=True)


def _client(source: str, base: str) -> httpx.Client:
    """A client whose connections come from `source` (any 127.x address reaches loopback ports)."""
    return httpx.Client(base_url=base, timeout=30, transport=httpx.HTTPTransport(local_address=source))


def _serve(folder: Path, port: int, environment: dict[str, str]) -> tuple[subprocess.Popen, Path]:
    database = folder / "serve.db"
    upgrade(f"sqlite:///{database}")
    env = {k: v for k, v in os.environ.items() if k not in ("FORWARDED_ALLOW_IPS", "GROEPSAANBOD_TRUSTED_PROXIES")}
    env |= {
        "GROEPSAANBOD_DATABASE_URL": f"sqlite:///{database}",
        "GROEPSAANBOD_RATE_LIMIT_REGISTER": str(LIMIT),
        # Refused sign-ups (as these are) do not use up the address's sign-ups, but its attempts.
        "GROEPSAANBOD_RATE_LIMIT_REGISTER_TRIES": str(LIMIT),
        "GROEPSAANBOD_METRICS_DIR": str(folder / "metrics"),
        **environment,
    }
    with (folder / "serve.log").open("ab") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "groepsaanbod", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return server, database


def _wait_until_ready(url: str, *processes: subprocess.Popen, log: Path) -> None:
    """Until the chain answers (the machine may be busy: no fixed wait)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert all(p.poll() is None for p in processes), log.read_text()
        try:
            with httpx.Client(timeout=5) as client:
                if client.get(url).status_code == 200:
                    return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"not ready: {log.read_text()}")


def _counted(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT key, hits FROM rate_counters WHERE key LIKE 'register-tries:%'")
        return dict(rows.fetchall())


def _sign_ups(client: httpx.Client, headers) -> Counter:
    """Sign-ups for a programme that does not exist: each attempt is counted first, then refused (422)."""
    answers = Counter()
    for n in range(ATTEMPTS):
        response = client.post("/api/v1/catalogue/nothing/registrations", json=SIGN_UP, headers=headers(n))
        answers[response.status_code] += 1
    return answers


def _compose_proxy_config(app_port: int, proxy_port: int, folder: Path) -> Path:
    """compose.yaml's nginx config as nginx reads it, its upstream and port moved to loopback."""
    server = COMPOSE["configs"]["proxy"]["content"].replace("$$", "$")
    server, upstreams = re.subn(r"server app:8000;", f"server 127.0.0.1:{app_port};", server)
    server, listens = re.subn(r"listen 8000;", f"listen 127.0.0.1:{proxy_port};", server)
    assert upstreams == 1, server
    assert listens == 1, server
    (folder / "server.conf").write_text(server)
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir()
    main = folder / "nginx.conf"
    main.write_text(
        # One foreground process as the test's user; what compose's image adds around conf.d.
        f"daemon off;\nmaster_process off;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\n"
        "events { worker_connections 64; }\n"
        "http {\n"
        f"  client_body_temp_path {temp['body']}; proxy_temp_path {temp['proxy']};\n"
        f"  fastcgi_temp_path {temp['fastcgi']}; uwsgi_temp_path {temp['uwsgi']}; scgi_temp_path {temp['scgi']};\n"
        f"  include {folder / 'server.conf'};\n"
        "}\n"
    )
    return main


def _app_environment_of_compose() -> dict[str, str]:
    """What compose tells the app about proxies, with the proxy's address as it is here (127.0.0.1)."""
    app = COMPOSE["services"]["app"]["environment"]
    proxy_address = COMPOSE["services"]["proxy"].get("networks", {}).get("default", {}).get("ipv4_address")
    environment = {}
    for name in ("GROEPSAANBOD_TRUSTED_PROXIES", "FORWARDED_ALLOW_IPS"):
        if name in app:
            value = str(app[name])
            environment[name] = value.replace(proxy_address, "127.0.0.1") if proxy_address else value
    return environment


def test_a_client_rotating_x_forwarded_for_through_the_compose_proxy_stays_limited(tmp_path):
    app_port, proxy_port = free_port(), free_port()
    server, database = _serve(tmp_path, app_port, _app_environment_of_compose())
    nginx = subprocess.Popen(
        [NGINX, "-e", str(tmp_path / "error.log"), "-c", str(_compose_proxy_config(app_port, proxy_port, tmp_path))],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_ready(f"http://127.0.0.1:{proxy_port}/health/live", server, nginx, log=tmp_path / "serve.log")
        with _client("127.0.0.2", f"http://127.0.0.1:{proxy_port}") as client:
            answers = _sign_ups(
                client,
                lambda n: {
                    "X-Forwarded-For": f"203.0.113.{n}, 198.51.100.{n}",
                    "X-Real-IP": f"203.0.113.{n}",
                    "Forwarded": f"for=203.0.113.{n}",
                },
            )
    finally:
        for process in (nginx, server):
            _stop(process)
    assert answers == Counter({422: LIMIT, 429: ATTEMPTS - LIMIT}), answers
    # Every attempt counted under the address the proxy saw, none under a spoofed one.
    assert _counted(database) == {counter_key("register-tries", "127.0.0.2"): ATTEMPTS}


def test_only_the_trusted_proxys_x_forwarded_for_is_believed(tmp_path):
    """A direct request from a peer that is not GROEPSAANBOD_TRUSTED_PROXIES counts under the peer's
    address; the trusted proxy's header is believed (the setting reaches uvicorn)."""
    port = free_port()
    server, database = _serve(tmp_path, port, {"GROEPSAANBOD_TRUSTED_PROXIES": "127.0.0.3"})
    try:
        _wait_until_ready(f"http://127.0.0.1:{port}/health/live", server, log=tmp_path / "serve.log")
        with _client("127.0.0.1", f"http://127.0.0.1:{port}") as client:  # loopback, but not trusted here
            untrusted = _sign_ups(client, lambda n: {"X-Forwarded-For": f"203.0.113.{n}"})
        with _client("127.0.0.3", f"http://127.0.0.1:{port}") as client:
            trusted = client.post(
                "/api/v1/catalogue/nothing/registrations", json=SIGN_UP, headers={"X-Forwarded-For": "198.51.100.7"}
            )
    finally:
        _stop(server)
    assert untrusted == Counter({422: LIMIT, 429: ATTEMPTS - LIMIT}), untrusted
    assert trusted.status_code == 422
    assert _counted(database) == {
        counter_key("register-tries", "127.0.0.1"): ATTEMPTS,
        counter_key("register-tries", "198.51.100.7"): 1,
    }
