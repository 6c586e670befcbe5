"""Security headers on every answer, pages, API, feeds and static files alike; and
`Cache-Control: no-store` on every answer but a static file (and the favicon).

A hook on every message sent, so nothing (error pages included) leaves without them.
The Content-Security-Policy allows no inline script or style: every style lives
in /static, and the service sends no script of its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HSTS = "max-age=31536000; includeSubDomains"


def security_headers(*, strict_transport: bool) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
        # Secrets travel in URLs (private links, feeds): never tell another site where a person came from.
        (b"referrer-policy", b"no-referrer"),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    ]
    if strict_transport:
        headers.append((b"strict-transport-security", HSTS.encode()))
    return headers


#: Nothing but our own static files may be kept by a browser or a cache on the way: staff pages
#: and API answers, a participant's private page, their data and calendar files all carry personal
#: data, and so may any page (a form shown again with what was typed, a cookie being set). One
#: rule for every answer, so that a new route cannot forget it.
NO_STORE = [(b"cache-control", b"no-store"), (b"pragma", b"no-cache")]
CACHEABLE_PREFIX = "/static/"
#: Asked for at the root by browsers and other clients; the same public bytes as static/favicon.ico.
CACHEABLE_PATHS = {"/favicon.ico"}
#: The open data (opendata/controllers.py): the public offer, no personal data, no cookies. Any site
#: may read it (CORS), and a successful answer may be kept as it says (`public, max-age`, an ETag);
#: its errors are not kept.
OPEN_DATA_PREFIX = "/api/v1/open/"
ANY_ORIGIN = [(b"access-control-allow-origin", b"*")]


def headers_hook(*, strict_transport: bool) -> Callable[[Message, Scope], Awaitable[None]]:
    """A Litestar `before_send` hook: runs for every answer, error pages and 404s included."""
    extra = security_headers(strict_transport=strict_transport)
    names = {name for name, _ in extra}
    uncached = extra + NO_STORE
    uncached_names = names | {name for name, _ in NO_STORE}

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start":
            path = str(scope.get("path", ""))
            cacheable = (
                path.startswith(CACHEABLE_PREFIX) or path in CACHEABLE_PATHS or _open_and_kept(path, scope, message)
            )
            added, dropped = (extra, names) if cacheable else (uncached, uncached_names)
            kept = [(k, v) for k, v in message.get("headers", []) if bytes(k).lower() not in dropped]
            if path.startswith(OPEN_DATA_PREFIX) and scope.get("method") in {"GET", "HEAD"}:
                added = added + ANY_ORIGIN
            message["headers"] = kept + added

    return add_headers


def _open_and_kept(path: str, scope: Scope, message: Message) -> bool:
    """An open-data answer that says itself how long it may be kept (a 200 or a 304)."""
    if not path.startswith(OPEN_DATA_PREFIX) or scope.get("method") not in {"GET", "HEAD"}:
        return False
    headers = message.get("headers", [])
    says = any(bytes(k).lower() == b"cache-control" and b"public" in bytes(v) for k, v in headers)
    return says and message.get("status") in {200, 304}
