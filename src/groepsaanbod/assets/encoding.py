"""Content codings: which one a client accepts, and compressing with it.

Brotli when the client takes it (smaller for text), otherwise gzip, otherwise none."""

from __future__ import annotations

import gzip
import zlib
from typing import Protocol

import brotli

#: Best first. "identity" is the absence of a coding.
CODINGS = ("br", "gzip")

#: Text worth compressing; images and spreadsheets (.xlsx is a zip) are compressed already.
COMPRESSIBLE = (
    b"text/",
    b"application/json",
    b"application/problem+json",
    b"application/ld+json",
    b"application/geo+json",
    b"application/javascript",
    b"application/manifest+json",
    b"application/xml",
    b"image/svg+xml",
    b"image/x-icon",
    b"image/vnd.microsoft.icon",
)


def is_compressible(content_type: bytes) -> bool:
    media = content_type.split(b";", 1)[0].strip().lower()
    return media.startswith(COMPRESSIBLE) or media.endswith(b"+json")


def chosen_coding(accept_encoding: str) -> str | None:
    """The coding to answer with, from an Accept-Encoding header (RFC 9110 12.5.3): the best of
    ours the client gives a q above 0, `*` standing for any not named."""
    weights: dict[str, float] = {}
    for item in accept_encoding.lower().split(","):
        name, _, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if name:
            weights[name.strip()] = q
    for coding in CODINGS:
        if weights.get(coding, weights.get("*", 0.0)) > 0:
            return coding
    return None


def compress(data: bytes, coding: str) -> bytes:
    """All at once, at the best ratio: for static files, done once per process."""
    if coding == "br":
        return bytes(brotli.compress(data, quality=11, mode=brotli.MODE_TEXT))
    return gzip.compress(data, compresslevel=9, mtime=0)


class Compressor(Protocol):
    def chunk(self, data: bytes, *, last: bool) -> bytes: ...


class _Gzip:
    def __init__(self) -> None:
        self._z = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)

    def chunk(self, data: bytes, *, last: bool) -> bytes:
        # A sync flush after each piece: a streamed answer reaches the reader as it is written.
        return self._z.compress(data) + self._z.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


class _Brotli:
    def __init__(self) -> None:
        self._b = brotli.Compressor(quality=5, mode=brotli.MODE_TEXT)

    def chunk(self, data: bytes, *, last: bool) -> bytes:
        out = self._b.process(data)
        return out + (self._b.finish() if last else self._b.flush())


def compressor(coding: str) -> Compressor:
    """For answers made per request: a quick level, and piece by piece for streamed ones."""
    return _Brotli() if coding == "br" else _Gzip()
