"""Static files under content-hashed names, kept by browsers for a year.

Templates write `static_url("site.css")`, which gives `/static/site.<8 hex>.css`: the first
characters of the SHA-256 of the file's bytes. That name is served with
`Cache-Control: public, max-age=31536000, immutable`, so a second visit asks for nothing; a new
version of the file has a new name. The plain name (`/static/site.css`) keeps working for old links,
with `no-cache` (asked again each time, answered 304 by its ETag). A hashed name whose hash is not
the file's (a page of the previous release during a deploy) gets the current file, not cached.

Any file in static/ works this way, without a list. The digest and the compressed copies are made
once per process per version of a file (its size and modification time), from its bytes.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from litestar import Request, Response, get, head
from litestar.exceptions import NotFoundException

from groepsaanbod import PACKAGE_DIR
from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.assets.encoding import chosen_coding, compress, is_compressible

STATIC_DIR = (PACKAGE_DIR / "static").resolve()
PREFIX = "/static"
IMMUTABLE = "public, max-age=31536000, immutable"
#: The plain name: may be kept, but asked again (a 304 when unchanged) before each use.
REVALIDATE = "no-cache"
HASHED = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{8})(?P<suffix>\.[A-Za-z0-9]+)$")
#: Types Python's table may lack or name otherwise on some systems.
TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
}


@dataclass(frozen=True)
class Asset:
    path: Path
    body: bytes
    digest: str
    media_type: str

    @property
    def etag(self) -> str:
        return f'"{self.digest}"'


def _media_type(path: Path) -> str:
    if path.suffix in TYPES:
        return TYPES[path.suffix]
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


@lru_cache(maxsize=128)
def _load(path: Path, mtime_ns: int, size: int) -> Asset:
    body = path.read_bytes()
    return Asset(path, body, hashlib.sha256(body).hexdigest()[:8], _media_type(path))


@lru_cache(maxsize=128)
def _encoded(asset: Asset, coding: str) -> bytes:
    return compress(asset.body, coding)


def find_asset(name: str) -> Asset | None:
    """The file `name` (a path inside static/), or None when there is none or it lies outside."""
    path = (STATIC_DIR / name).resolve()
    if not path.is_relative_to(STATIC_DIR) or not path.is_file():
        return None
    stat = path.stat()
    return _load(path, stat.st_mtime_ns, stat.st_size)


def static_url(name: str) -> str:
    """The URL of a static file under its content-hashed name (a Jinja global)."""
    asset = find_asset(name)
    if asset is None:
        raise LookupError(f"no static file {name!r}")
    stem, dot, suffix = name.rpartition(".")
    hashed = f"{stem}.{asset.digest}.{suffix}" if dot and "/" not in suffix else f"{name}.{asset.digest}"
    return f"{PREFIX}/{hashed}"


def _resolve(file_path: str) -> tuple[Asset, str]:
    """The asset a requested name means, and how long it may be kept."""
    name = file_path.lstrip("/")
    match = HASHED.match(name)
    if match:
        asset = find_asset(match["stem"] + match["suffix"])
        if asset is not None:
            return asset, IMMUTABLE if asset.digest == match["digest"] else REVALIDATE
    asset = find_asset(name)
    if asset is None:
        raise NotFoundException()
    return asset, REVALIDATE


def asset_response(request: Request, asset: Asset, cache_control: str, *, body: bool = True) -> Response[bytes]:
    headers = {"Cache-Control": cache_control, "ETag": asset.etag}
    if asset.etag in {t.strip() for t in request.headers.get("if-none-match", "").split(",")}:
        return Response(b"", status_code=304, headers=headers)
    content = asset.body
    if is_compressible(asset.media_type.encode()):
        headers["Vary"] = "Accept-Encoding"
        coding = chosen_coding(request.headers.get("accept-encoding", ""))
        if coding is not None and len(content) > 500:
            content = _encoded(asset, coding)
            headers["Content-Encoding"] = coding
    if not body:
        headers["Content-Length"] = str(len(content))
        content = b""
    return Response(content, media_type=asset.media_type, headers=headers)


@get(f"{PREFIX}/{{file_path:path}}", opt=PUBLIC, include_in_schema=False, sync_to_thread=False)
def static_file(request: Request, file_path: str) -> Response[bytes]:
    asset, cache_control = _resolve(file_path)
    return asset_response(request, asset, cache_control)


@head(f"{PREFIX}/{{file_path:path}}", opt=PUBLIC, include_in_schema=False, sync_to_thread=False)
def static_file_head(request: Request, file_path: str) -> Response[None]:
    asset, cache_control = _resolve(file_path)
    return asset_response(request, asset, cache_control, body=False)  # type: ignore[return-value]


@get("/favicon.ico", opt=PUBLIC, include_in_schema=False, sync_to_thread=False)
def favicon(request: Request) -> Response[bytes]:
    """Browsers and other clients ask for it at the root, whatever the page links."""
    asset = find_asset("favicon.ico")
    if asset is None:
        raise NotFoundException()
    return asset_response(request, asset, "public, max-age=86400")


ROUTES = [static_file, static_file_head, favicon]
