"""Log lines: JSON in production, readable in development, request id on each, no secrets of URL paths."""

from __future__ import annotations

import json
import logging

from groepsaanbod.logs import FieldsFormatter, JsonFormatter, RequestIdFilter, redact, request_id
from groepsaanbod.settings import Settings


def _record(message: str, **fields) -> logging.LogRecord:
    record = logging.makeLogRecord({"name": "groepsaanbod.x", "levelname": "INFO", "msg": message, **fields})
    RequestIdFilter().filter(record)
    return record


def test_json_line_has_the_request_id_and_the_fields():
    token = request_id.set("abc123")
    try:
        line = JsonFormatter().format(_record("participant registered", registration_id=7, status="confirmed"))
    finally:
        request_id.reset(token)
    entry = json.loads(line)
    assert entry["message"] == "participant registered"
    assert entry["level"] == "info"
    assert entry["request_id"] == "abc123"
    assert entry["registration_id"] == 7
    assert entry["status"] == "confirmed"
    assert entry["time"].endswith("+00:00")


def test_readable_line_outside_a_request():
    line = FieldsFormatter("%(levelname)s %(name)s: %(message)s").format(_record("venue added", venue_id=3))
    assert line == "INFO groepsaanbod.x: venue added venue_id=3"


def test_secrets_in_paths_never_reach_a_line():
    assert redact("GET /feeds/Zx9_-abc.ics 200") == "GET /feeds/*** 200"
    assert redact("/nl/my/AbCdEf123_-/withdraw") == "/nl/my/***/withdraw"
    assert redact("/api/v1/my/tok3n/calendar.ics") == "/api/v1/my/***/calendar.ics"
    line = JsonFormatter().format(_record("Invalid request %s", args=("/feeds/s3cr3t.ics",)))
    assert "s3cr3t" not in line


def test_json_in_production_text_in_development():
    assert Settings.from_env({}).log_as_json
    assert not Settings.from_env({"GROEPSAANBOD_DEBUG": "1"}).log_as_json
    assert Settings.from_env({"GROEPSAANBOD_DEBUG": "1", "GROEPSAANBOD_LOG_FORMAT": "json"}).log_as_json
    assert not Settings.from_env({"GROEPSAANBOD_LOG_FORMAT": "text"}).log_as_json
