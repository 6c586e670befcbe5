"""Compressed answers for clients that ask (Accept-Encoding), for every route.

Our own ASGI layer rather than Litestar's CompressionConfig, which compresses every type
(spreadsheets too), reads Accept-Encoding by substring (so `gzip;q=0` would get gzip) and sets
Vary only on the answers it compressed. Here:

- only text (HTML, CSS, JavaScript, JSON, iCalendar, CSV...) is compressed;
- every such answer carries `Vary: Accept-Encoding`, compressed or not, so a cache on the way keeps
  the two apart;
- an answer that already has a Content-Encoding (a static file sent pre-compressed) passes as it is,
  and so do HEAD requests, empty answers and answers too small to gain;
- a streamed answer is compressed piece by piece, each piece flushed, so it still streams.

ETags are left as the handlers made them: the open data and the feeds compare If-None-Match with
their own tag, and the Vary header keeps caches from mixing the codings.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from groepsaanbod.assets.encoding import chosen_coding, compressor, is_compressible

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Below this a compressed body is hardly smaller (and the gzip header costs 18 bytes).
MINIMUM_SIZE = 500
NOT_COMPRESSED = {204, 206, 304}


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for key, value in headers:
        if bytes(key).lower() == name:
            return bytes(value)
    return None


def _with_vary(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    vary = _header(headers, b"vary")
    if vary is not None and b"accept-encoding" in vary.lower():
        return headers
    rest = [(k, v) for k, v in headers if bytes(k).lower() != b"vary"]
    return [*rest, (b"vary", (vary + b", " if vary else b"") + b"Accept-Encoding")]


class Compression:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") == "HEAD":
            await self.app(scope, receive, send)
            return
        accept = b", ".join(bytes(v) for k, v in scope.get("headers", []) if bytes(k).lower() == b"accept-encoding")
        coding = chosen_coding(accept.decode("latin-1"))
        await self.app(scope, receive, _compressing_send(send, coding))


def _compressing_send(send: Send, coding: str | None) -> Send:
    start: Message | None = None
    state: dict[str, Any] = {"mode": "undecided"}

    async def wrapped(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        if message["type"] != "http.response.body" or start is None:
            await send(message)
            return
        last = not message.get("more_body", False)
        if state["mode"] == "compress":
            message = {**message, "body": state["compressor"].chunk(message.get("body", b""), last=last)}
        elif state["mode"] == "undecided":
            state["mode"] = _decide(start, message, coding)
            if state["mode"] == "compress":
                state["compressor"] = compressor(str(coding))
                message = {**message, "body": state["compressor"].chunk(message.get("body", b""), last=last)}
                headers = [(k, v) for k, v in start["headers"] if bytes(k).lower() != b"content-length"]
                headers.append((b"content-encoding", str(coding).encode()))
                if last:  # the whole answer at once: its length is known
                    headers.append((b"content-length", str(len(message["body"])).encode()))
                start["headers"] = headers
            await send(start)
        await send(message)

    return wrapped


def _decide(start: Message, first: Message, coding: str | None) -> str:
    """Compress or pass, from the answer's status, type and first piece; Vary set on text either way."""
    headers = [(bytes(k), bytes(v)) for k, v in start.get("headers", [])]
    content_type = _header(headers, b"content-type") or b""
    if not is_compressible(content_type) or start.get("status") in NOT_COMPRESSED:
        return "pass"
    if _header(headers, b"content-encoding") is not None:
        return "pass"
    start["headers"] = _with_vary(headers)
    if coding is None:
        return "pass"
    streamed = first.get("more_body", False)
    length = _header(headers, b"content-length")
    size = int(length) if length and length.isdigit() else len(first.get("body", b""))
    if not streamed and size < MINIMUM_SIZE:
        return "pass"
    return "compress"
