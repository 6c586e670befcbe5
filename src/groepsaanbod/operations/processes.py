"""Several app processes behind one port, each with its own listening socket (SO_REUSEPORT).

uvicorn's `--workers` hands one shared socket to every process. Under keep-alive load the
event loop that wakes first accepts every waiting connection, so one process does nearly all
the work: measured with `serve --workers 2` and 8 connections, one process used 10.3 CPU
seconds and the other 1.3. With a socket per process the kernel spreads new connections over
the processes that listen.

The supervisor starts the processes, starts a new one when one dies, and on SIGTERM or SIGINT
asks each to finish its requests (uvicorn's graceful shutdown) before it exits itself.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import threading
import time
from dataclasses import dataclass

import uvicorn

from groepsaanbod.logs import configure_logging

log = logging.getLogger(__name__)

#: uvicorn's exit code for a process that could not start (bad app, port taken): no restart.
STARTUP_FAILURE = 3


@dataclass(frozen=True)
class ServeOptions:
    app: str
    host: str
    port: int
    log_as_json: bool
    #: Seconds a stopping process may take to finish its open requests.
    graceful_seconds: int = 20
    #: Whose X-Forwarded-For is believed (GROEPSAANBOD_TRUSTED_PROXIES); nobody else's.
    trusted_proxies: str = "127.0.0.1,::1"


def _tcp_socket(host: str) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    return sock


def listening_socket(host: str, port: int) -> socket.socket:
    sock = _tcp_socket(host)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def port_is_free(host: str, port: int) -> bool:
    """Nobody listens there yet (SO_REUSEPORT alone would let a second serve share the port unnoticed)."""
    with _tcp_socket(host) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def serve_one(options: ServeOptions) -> None:
    """One app process: its own socket on the shared port, uvicorn on it (runs in the child)."""
    configure_logging(logging.INFO, as_json=options.log_as_json)
    config = uvicorn.Config(
        options.app,
        factory=True,
        proxy_headers=True,
        forwarded_allow_ips=options.trusted_proxies,
        log_level="info",
        # Our own handler (JSON or text); uvicorn's access log stays off: raw paths carry feed tokens.
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=options.graceful_seconds,
    )
    try:
        sock = listening_socket(options.host, options.port)
    except OSError as error:
        log.error("cannot listen", extra={"port": options.port, "error": str(error)})
        raise SystemExit(STARTUP_FAILURE) from None
    uvicorn.Server(config).run(sockets=[sock])


class Supervisor:
    """Keeps `count` app processes running until told to stop."""

    def __init__(self, options: ServeOptions, count: int) -> None:
        self.options = options
        self.count = count
        self.stopping = threading.Event()
        self.context = multiprocessing.get_context("spawn")
        self.processes: list[multiprocessing.process.BaseProcess] = []

    def _start(self) -> multiprocessing.process.BaseProcess:
        process = self.context.Process(target=serve_one, args=(self.options,), name="groepsaanbod-web")
        process.start()
        log.info("app process started", extra={"pid": process.pid})
        return process

    def _on_signal(self, number: int, _frame) -> None:
        log.info("stopping app processes", extra={"signal": signal.Signals(number).name})
        self.stopping.set()

    def run(self) -> int:
        if not port_is_free(self.options.host, self.options.port):
            log.error("the port is taken", extra={"port": self.options.port})
            return 1
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, self._on_signal)
        self.processes = [self._start() for _ in range(self.count)]
        failed = False
        while not self.stopping.wait(0.5):
            for index, process in enumerate(self.processes):
                if process.is_alive():
                    continue
                if process.exitcode == STARTUP_FAILURE:
                    log.error("an app process could not start; stopping", extra={"pid": process.pid})
                    failed = True
                    self.stopping.set()
                    break
                log.warning("app process died; starting another", extra={"pid": process.pid, "exit": process.exitcode})
                self.processes[index] = self._start()
        self._stop_all()
        return 1 if failed else 0

    def _stop_all(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.terminate()
        deadline = time.monotonic() + self.options.graceful_seconds + 5
        for process in self.processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
