"""The register's service worker, at the root of the site so that it may look after the register
pages of every language (/{lang}/staff/sessions/…; the page names its scope). Not under /static:
a worker is looked up again at its own address, which must not change with its contents."""

from __future__ import annotations

from functools import cache

from litestar import Response, get

from groepsaanbod import PACKAGE_DIR
from groepsaanbod.access.requirements import PUBLIC

WORKER = PACKAGE_DIR / "static" / "register-worker.js"


@cache
def _source() -> bytes:
    return WORKER.read_bytes()


@get("/register-worker.js", opt=PUBLIC, include_in_schema=False)
async def register_worker() -> Response[bytes]:
    """The script only: no data, the same for everyone (no-store, as every answer outside /static)."""
    return Response(_source(), media_type="text/javascript")


ROUTES = [register_worker]
