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

from groepsaanbod import PACKAGE_DIR
from groepsaanbod.assets.encoding import compress

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
def encoded(asset: Asset, coding: str) -> bytes:
    """The file compressed with `coding`, made once per process per version."""
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
