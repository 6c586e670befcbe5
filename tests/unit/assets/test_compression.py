"""The compression layer on plain ASGI apps: which coding, which answers, streamed answers."""

from __future__ import annotations

import asyncio
import gzip
import zlib

import brotli
import pytest

from groepsaanbod.assets.compression import Compression
from groepsaanbod.assets.encoding import chosen_coding


@pytest.mark.parametrize(
    ("header", "coding"),
    [
        ("gzip, deflate, br, zstd", "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("gzip;q=0", None),
        ("identity", None),
        ("", None),
        ("*", "br"),
        ("*;q=0, gzip;q=0.5", "gzip"),
        ("GZIP;Q=1", "gzip"),
        ("gzip;q=nonsense", None),
    ],
)
def test_the_coding_follows_accept_encoding(header, coding):
    assert chosen_coding(header) == coding


def app_sending(content_type: bytes, pieces: list[bytes], status: int = 200):
    async def app(scope, receive, send):
        headers = [(b"content-type", content_type)]
        if len(pieces) == 1:
            headers.append((b"content-length", str(len(pieces[0])).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        for i, piece in enumerate(pieces):
            await send({"type": "http.response.body", "body": piece, "more_body": i < len(pieces) - 1})

    return app


def run(app, accept: str, method: str = "GET"):
    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "method": method, "path": "/", "headers": [(b"accept-encoding", accept.encode())]}
    asyncio.run(Compression(app)(scope, receive, send))
    start = sent[0]
    headers = {bytes(k).lower(): bytes(v) for k, v in start["headers"]}
    return start, headers, [m.get("body", b"") for m in sent[1:]]


PAGE = b"<!DOCTYPE html><p>" + b"groepsaanbod " * 200


def test_a_page_is_gzipped_with_its_length_and_vary():
    _, headers, bodies = run(app_sending(b"text/html; charset=utf-8", [PAGE]), "gzip")
    assert headers[b"content-encoding"] == b"gzip"
    assert headers[b"vary"] == b"Accept-Encoding"
    assert gzip.decompress(b"".join(bodies)) == PAGE
    assert int(headers[b"content-length"]) == len(b"".join(bodies))


def test_not_asked_not_compressed_but_vary_still_said():
    _, headers, bodies = run(app_sending(b"text/css", [PAGE]), "identity")
    assert b"content-encoding" not in headers
    assert headers[b"vary"] == b"Accept-Encoding"
    assert b"".join(bodies) == PAGE


@pytest.mark.parametrize(
    "content_type", [b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"image/png"]
)
def test_spreadsheets_and_images_pass_as_they_are(content_type):
    _, headers, bodies = run(app_sending(content_type, [PAGE]), "gzip, br")
    assert b"content-encoding" not in headers
    assert b"vary" not in headers
    assert b"".join(bodies) == PAGE


def test_small_answers_head_and_304_pass():
    _, headers, _ = run(app_sending(b"application/problem+json", [b'{"status":400}']), "gzip")
    assert b"content-encoding" not in headers
    _, headers, _ = run(app_sending(b"text/html", [PAGE]), "gzip", method="HEAD")
    assert b"content-encoding" not in headers
    _, headers, _ = run(app_sending(b"text/html", [b""], status=304), "gzip")
    assert b"content-encoding" not in headers


def test_an_answer_already_coded_is_not_coded_twice():
    coded = gzip.compress(PAGE)

    async def app(scope, receive, send):
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/css"), (b"content-encoding", b"gzip")],
            }
        )
        await send({"type": "http.response.body", "body": coded})

    _, headers, bodies = run(app, "gzip")
    assert b"".join(bodies) == coded


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_a_streamed_answer_streams_each_piece_readable_as_it_comes(coding):
    pieces = [b"naam;aanwezig\r\n", *[f"deelnemer {i};ja\r\n".encode() * 20 for i in range(5)]]
    _, headers, bodies = run(app_sending(b"text/csv; charset=utf-8", pieces), coding)
    assert headers[b"content-encoding"] == coding.encode()
    assert b"content-length" not in headers
    assert len(bodies) == len(pieces)
    if coding == "gzip":
        reader = zlib.decompressobj(16 + zlib.MAX_WBITS)
        for piece, body in zip(pieces, bodies, strict=True):
            assert reader.decompress(body) == piece  # flushed: nothing waits for the next piece
    else:
        assert brotli.decompress(b"".join(bodies)) == b"".join(pieces)
