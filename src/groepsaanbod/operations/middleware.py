"""Around every request: a request id for the log lines, one log line, and the metrics.

Wraps the app's whole ASGI handler (also requests no route matched), and runs
after routing has put the route template (`/feeds/{name:str}`) in the scope:
the template, never the path, goes into logs and metric labels, since paths
carry feed tokens and private links.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from groepsaanbod.logs import request_id
from groepsaanbod.operations import metrics

log = logging.getLogger("groepsaanbod.requests")

REQUEST_ID_HEADER = b"x-request-id"
_ACCEPTED_ID = re.compile(rb"^[A-Za-z0-9._\-]{8,64}$")
# Probes and scrapes come every few seconds; counted in the metrics, not written to the log.
_QUIET = frozenset({"/health", "/health/live", "/health/ready", "/metrics"})


def _incoming_id(headers: list[tuple[bytes, bytes]]) -> str:
    """The caller's X-Request-ID when it looks like one (a proxy's), else a new one."""
    for name, value in headers:
        if name == REQUEST_ID_HEADER and _ACCEPTED_ID.match(value):
            return value.decode()
    return uuid.uuid4().hex


class RequestObserver:
    """ASGI wrapper: request id in a context variable and the X-Request-ID header, log line, metrics."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _incoming_id(scope.get("headers", []))
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (REQUEST_ID_HEADER, rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = scope.get("path_template") or metrics.UNMATCHED
            method = scope.get("method", "GET")
            metrics.observe_request(method, route, status, seconds)
            if route not in _QUIET or status >= 500:
                log.info(
                    "request",
                    extra={"method": method, "route": route, "status": status, "ms": round(seconds * 1000, 1)},
                )
            request_id.reset(token)
