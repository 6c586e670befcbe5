"""Readable log lines that keep the structured fields a service logs with `extra=`."""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class FieldsFormatter(logging.Formatter):
    """`INFO groepsaanbod.programmes.services: programme published programme_id=3 by=7`."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}
        if fields:
            line += " " + " ".join(f"{k}={v}" for k, v in sorted(fields.items()))
        return line


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(FieldsFormatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Alembic announces each of its plugins at INFO; the migrations themselves are enough.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


#: Paths that carry a secret: private links, feeds, one-time account links.
_SECRET_PATH = re.compile(r"(/my/|/feeds/|/staff/password/)[^/?\s\"]+")


def redact(text: str) -> str:
    """`/nl/my/Abc…/withdraw` -> `/nl/my/[secret]/withdraw`."""
    return _SECRET_PATH.sub(r"\1[secret]", text)


class RedactSecrets(logging.Filter):
    """Keeps the secrets in URLs out of access log lines (uvicorn logs every path)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's own logging set-up, with secrets redacted from its access lines."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_secrets"] = {"()": "groepsaanbod.logs.RedactSecrets"}
    config["handlers"]["access"]["filters"] = ["redact_secrets"]
    return config
