"""Log lines: JSON in production, readable in development, a request id on each.

Services log with `extra=` fields that are ids and counts, never names, addresses
or tokens. The request id travels in a context variable, so every line written
while a request is handled carries it, whichever module writes it. Secrets that
travel in URL paths (feed tokens, private links) are cut out of every line as a
last safety net; the request log itself names the route template, not the path.
"""

from __future__ import annotations

import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName", "request_id", "color_message"}

request_id: ContextVar[str | None] = ContextVar("groepsaanbod_request_id", default=None)

# /feeds/<token>.ics, /{lang}/my/<token>…, /api/v1/my/<token>…, /{lang}/staff/password/<token>,
# /{lang}/staff/invitations/<token>, ?token=…
_SECRETS_IN_PATHS = re.compile(r"(/feeds/|/my/|/staff/password/|/staff/invitations/|[?&]token=)[A-Za-z0-9_\-.%]+")


def redact(text: str) -> str:
    """`GET /feeds/AbC….ics` → `GET /feeds/***`: no secret of a URL path in a log line."""
    return _SECRETS_IN_PATHS.sub(r"\1***", text)


def _fields(record: logging.LogRecord) -> dict[str, object]:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}


class RequestIdFilter(logging.Filter):
    """Puts the current request id (if any) on the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class FieldsFormatter(logging.Formatter):
    """`INFO groepsaanbod.programmes.services.set_up: programme published programme_id=3 by=7 [req 1f2e…]`."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = _fields(record)
        if fields:
            line += " " + " ".join(f"{k}={v}" for k, v in sorted(fields.items()))
        rid = getattr(record, "request_id", None)
        if rid:
            line += f" [req {rid}]"
        return redact(line)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id and the record's fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None)
        if rid:
            entry["request_id"] = rid
        entry.update(_fields(record))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return redact(json.dumps(entry, default=str, ensure_ascii=False))


def configure_logging(level: int = logging.INFO, *, as_json: bool = False) -> None:
    """Root handler on stderr; call again to switch format (idempotent)."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if as_json else FieldsFormatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Alembic announces each of its plugins at INFO; the migrations themselves are enough.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    # uvicorn's own loggers go through the root handler (its access log stays off: raw paths carry secrets).
    for name in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True
