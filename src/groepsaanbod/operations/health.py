"""Liveness and readiness, for the orchestrator (compose, Kubernetes) and load balancers.

- `GET /health/live`: the process answers. No database: a restart would not
  help a database outage, so liveness must not fail because of one.
- `GET /health/ready`: this process should get traffic: the database answers
  within a few seconds, and its schema is at the migrations' head (a process of
  a new release waits for `groepsaanbod db upgrade`; one of an old release
  stops getting traffic once the schema has moved past it). 503 otherwise, with
  the reason.
- `GET /health` (older, kept): the database answers.
- `GET /metrics`: Prometheus text (see metrics.py); with
  GROEPSAANBOD_METRICS_TOKEN set it wants `Authorization: Bearer <token>`.
  Outside development without a token it is not served (404): the figures
  say how busy the service is and how many people signed up, which is no
  one else's business.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from functools import cache

from alembic.script import ScriptDirectory
from litestar import get
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.response import Response
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.migrate import alembic_config
from groepsaanbod.operations import metrics
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context

log = logging.getLogger(__name__)

READY_TIMEOUT_SECONDS = 3.0


@cache
def migration_heads() -> frozenset[str]:
    """The head revision(s) of the migrations this release carries (read once from the scripts)."""
    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


async def _schema_revisions(session: AsyncSession) -> frozenset[str]:
    rows = await session.execute(text("SELECT version_num FROM alembic_version"))
    return frozenset(str(r) for (r,) in rows.all())


@get("/health/live", opt=PUBLIC, tags=["service"])
async def live() -> dict[str, str]:
    """The process answers (no database involved)."""
    return {"status": "alive"}


@get("/health/ready", opt=PUBLIC, tags=["service"])
async def ready(ctx: Context) -> Response[dict[str, str]]:
    """Ready for traffic: the database answers and its schema is at the migrations' head."""
    try:
        revisions = await asyncio.wait_for(_schema_revisions(ctx.db), READY_TIMEOUT_SECONDS)
    except Exception as error:  # noqa: BLE001 (any failure to reach the database means: not ready)
        log.warning("not ready: database unreachable", extra={"error": type(error).__name__})
        return Response({"status": "not ready", "reason": "database unreachable"}, status_code=503)
    heads = migration_heads()
    if revisions != heads:
        at = ",".join(sorted(revisions)) or "none"
        return Response(
            {"status": "not ready", "reason": f"schema at {at}, migrations at {','.join(sorted(heads))}"},
            status_code=503,
        )
    return Response({"status": "ready"}, status_code=200)


@get("/metrics", opt=PUBLIC, tags=["service"], include_in_schema=False)
async def metrics_endpoint(ctx: Context, settings: Settings) -> Response[bytes]:
    """Prometheus metrics (operators)."""
    if not settings.metrics_token and not settings.development:
        raise NotFoundException()
    if settings.metrics_token:
        given = ctx.request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {settings.metrics_token}".encode()):
            raise NotAuthorizedException()
    figures = await metrics.read_work_figures(ctx.db, ctx.now())
    # As a header: a media_type of text/… gets a second charset from Litestar.
    return Response(metrics.render(figures), headers={"Content-Type": CONTENT_TYPE_LATEST})


ROUTES = [live, ready, metrics_endpoint]
