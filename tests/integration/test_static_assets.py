"""Static files under hashed names kept a year, compressed answers when asked, the favicon.

README: Page weight. The byte counts a browser sees are in tests/browser/test_page_weight.py."""

from __future__ import annotations

import gzip
import hashlib
import re

import brotli
import httpx
import pytest

from groepsaanbod.assets.names import STATIC_DIR, static_url

IMMUTABLE = "public, max-age=31536000, immutable"


def raw(client: httpx.AsyncClient, **headers: str):
    """A GET whose body is left as sent (httpx would undo the coding)."""

    async def get(url: str) -> httpx.Response:
        request = client.build_request("GET", url, headers=headers)
        response = await client.send(request, stream=True)
        body = b"".join([chunk async for chunk in response.aiter_raw()])
        await response.aclose()
        response._content = body
        return response

    return get


async def test_pages_link_every_stylesheet_and_the_icon_by_hashed_name(client):
    page = (await client.get("/nl/")).text
    links = re.findall(r'href="(/static/[^"]+)"', page)
    assert static_url("build/nlds.css") in links
    assert static_url("site.css") in links
    assert static_url("favicon.svg") in links
    assert not any("vendor/" in link for link in links), links  # the 600 kB sources are not loaded
    for link in links:
        assert re.search(r"\.[0-9a-f]{8}\.(css|svg)$", link), link


async def test_a_hashed_name_is_kept_for_a_year_and_names_the_bytes(client):
    url = static_url("site.css")
    response = await client.get(url)
    assert response.status_code == 200
    assert response.headers["cache-control"] == IMMUTABLE
    assert response.content == (STATIC_DIR / "site.css").read_bytes()
    assert hashlib.sha256(response.content).hexdigest()[:8] in url
    assert response.headers["content-type"].startswith("text/css")
    assert "no-store" not in response.headers["cache-control"]
    assert "content-security-policy" in response.headers


async def test_the_plain_name_still_works_but_is_asked_again(client):
    response = await client.get("/static/site.css")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    again = await client.get("/static/site.css", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""


async def test_a_stale_hash_gets_the_current_file_not_kept(client):
    response = await client.get("/static/site.00000000.css")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    assert response.content == (STATIC_DIR / "site.css").read_bytes()


@pytest.mark.parametrize(
    "url", ["/static/../app.py", "/static/%2e%2e/app.py", "/static/nothing.12345678.css", "/static/"]
)
async def test_nothing_outside_static_and_no_made_up_names(client, url):
    assert (await client.get(url)).status_code == 404


async def test_gzip_when_asked_none_when_not_and_vary_always(client):
    url = static_url("build/nlds.css")
    plain_bytes = (STATIC_DIR / "build" / "nlds.css").read_bytes()
    zipped = await raw(client, **{"Accept-Encoding": "gzip"})(url)
    assert zipped.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in zipped.headers["vary"].lower()
    assert gzip.decompress(zipped.content) == plain_bytes
    assert int(zipped.headers["content-length"]) == len(zipped.content) < len(plain_bytes) / 5
    assert zipped.headers["cache-control"] == IMMUTABLE

    plain = await raw(client, **{"Accept-Encoding": "identity"})(url)
    assert "content-encoding" not in plain.headers
    assert plain.content == plain_bytes
    assert "accept-encoding" in plain.headers["vary"].lower()

    refused = await raw(client, **{"Accept-Encoding": "gzip;q=0, br;q=0"})(url)
    assert "content-encoding" not in refused.headers

    br = await raw(client, **{"Accept-Encoding": "gzip, br"})(url)
    assert br.headers["content-encoding"] == "br"
    assert brotli.decompress(br.content) == plain_bytes


async def test_pages_and_json_are_compressed_when_asked(client):
    fetch = raw(client, **{"Accept-Encoding": "gzip"})
    page = await fetch("/nl/")
    assert page.status_code == 200
    assert page.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in page.headers["vary"].lower()
    assert b"<!DOCTYPE html>" in gzip.decompress(page.content)
    assert page.headers["cache-control"] == "no-store"  # compression changes nothing of that
    offer = await fetch("/api/v1/open/programmes")
    assert offer.status_code == 200
    assert offer.headers["content-type"].startswith("application/json")
    assert "accept-encoding" in offer.headers["vary"].lower()
    if "content-encoding" in offer.headers:
        assert offer.headers["content-encoding"] == "gzip"
        gzip.decompress(offer.content)
    plain = await raw(client, **{"Accept-Encoding": "identity"})("/nl/")
    assert "content-encoding" not in plain.headers
    assert plain.content.startswith(b"<!DOCTYPE html>")


async def test_an_etag_still_answers_304_through_compression(client):
    fetch = raw(client, **{"Accept-Encoding": "gzip"})
    first = await fetch("/api/v1/open/programmes")
    request = client.build_request(
        "GET", "/api/v1/open/programmes", headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["etag"]}
    )
    again = await client.send(request)
    assert again.status_code == 304
    assert "content-encoding" not in again.headers


async def test_the_favicon_answers_at_the_root_and_may_be_kept(client):
    response = await client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an icon resource
    assert response.content == (STATIC_DIR / "favicon.ico").read_bytes()
    assert "max-age" in response.headers["cache-control"]
    assert "no-store" not in response.headers["cache-control"]
    svg = await client.get(static_url("favicon.svg"))
    assert svg.status_code == 200
    assert svg.headers["content-type"] == "image/svg+xml"


async def test_head_of_a_static_file(client):
    response = await client.head(static_url("site.css"))
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["cache-control"] == IMMUTABLE
