#!/usr/bin/env python3
"""Set everything up and run: `python3 dev.py serve` or `python3 dev.py test`.

Needs only Python 3.11+ (and Node.js's npm for the OpenAPI lint). Creates .venv, installs the
project with its test tools (again only when pyproject.toml changed) and the npm test tools
into node_modules (again only when package-lock.json changed), then:

- serve: brings the database up to date, loads the demo data (idempotent),
  prints the demo logins and serves on http://127.0.0.1:8000 (--host, --port), with the
  worker beside it that sends reminders and messages; links in messages use that address
- test:  runs the whole test suite (extra arguments go to pytest)
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".installed-from"
NODE_MODULES = ROOT / "node_modules"
#: The npm tools the tests run (Spectral, which lints the served OpenAPI): installed from
#: package-lock.json, again only when it changed.
NODE_STAMP = NODE_MODULES / ".installed-from"


def say(text: str) -> None:
    print(f"==> {text}", flush=True)


def ensure_environment() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 (dev.py may be started by an older python3)
        sys.exit("groepsaanbod needs Python 3.11 or newer.")
    if not PYTHON.exists():
        say("Creating the virtual environment in .venv")
        venv.create(VENV, with_pip=True)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != wanted:
        say("Installing groepsaanbod and its test tools")
        subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "--quiet", "--upgrade", "pip"], check=True)
        subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "--quiet", "-e", f"{ROOT}[dev]"], check=True)
        STAMP.write_text(wanted)
    ensure_node_tools()


def ensure_node_tools() -> None:
    lock = ROOT / "package-lock.json"
    if not lock.exists():
        return
    wanted = hashlib.sha256(lock.read_bytes()).hexdigest()
    if NODE_STAMP.exists() and NODE_STAMP.read_text() == wanted:
        return
    npm = shutil.which("npm")
    if npm is None:
        say("Not installed: npm (Node.js); the OpenAPI lint test is skipped (install Node.js 18+ to run it)")
        return
    say("Installing the npm test tools (Spectral) from package-lock.json")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], check=True, cwd=ROOT)
    NODE_STAMP.write_text(wanted)


def groepsaanbod(*args: str) -> None:
    subprocess.run([PYTHON, "-m", "groepsaanbod", *args], check=True, cwd=ROOT)


def serve(args: list[str]) -> None:
    # Development: messages stay in the dev mailbox, readable at /nl/dev/mailbox.
    os.environ.setdefault("GROEPSAANBOD_DEBUG", "1")
    say("Bringing the database up to date")
    groepsaanbod("db", "upgrade")
    say("Loading the demo data (only the first time)")
    groepsaanbod("demo", "load")
    address = _address(args)
    say(f"Open {address}/ in your browser; messages sent appear at {address}/nl/dev/mailbox")
    # --worker: reminders and messages go out too, and the worker stops with serve.
    os.execv(PYTHON, [str(PYTHON), "-m", "groepsaanbod", "serve", "--worker", *args])


def _address(args: list[str]) -> str:
    """The address serve will listen on, from its --host and --port (for the message above)."""
    found = {"--host": "127.0.0.1", "--port": "8000"}
    for i, arg in enumerate(args):
        name, _, value = arg.partition("=")
        if name in found:
            found[name] = value or (args[i + 1] if i + 1 < len(args) else found[name])
    host = found["--host"]
    return f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{found['--port']}"


#: Debian packages some tests drive: Chromium (browser tests) and nginx (compose's proxy config).
TEST_PROGRAMS = {"chromium": "/usr/bin/chromium", "nginx": "/usr/sbin/nginx"}


def ensure_test_programs() -> None:
    """Install the Debian packages the tests drive, where we can."""
    missing = [package for package, path in TEST_PROGRAMS.items() if not Path(path).exists()]
    if not missing:
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        say(f"Installing Debian's {' and '.join(missing)} for the tests")
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", *missing],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    else:
        say(f"Not installed: {', '.join(missing)}; the tests that need them are skipped (install them to run those)")


def test(args: list[str]) -> None:
    ensure_test_programs()
    say("Running the tests")
    result = subprocess.run([PYTHON, "-m", "pytest", *args], cwd=ROOT)
    sys.exit(result.returncode)


def main() -> None:
    commands = {"serve": serve, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    ensure_environment()
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
