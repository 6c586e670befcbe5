"""Security headers on every answer, pages, API, feeds and static files alike.

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


def security_headers(strict_transport: bool) -> list[tuple[bytes, bytes]]:
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


def headers_hook(strict_transport: bool) -> Callable[[Message, Scope], Awaitable[None]]:
    """A Litestar `before_send` hook: runs for every answer, error pages and 404s included."""
    extra = security_headers(strict_transport)
    names = {name for name, _ in extra}

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start":
            kept = [(k, v) for k, v in message.get("headers", []) if bytes(k).lower() not in names]
            message["headers"] = kept + extra

    return add_headers
