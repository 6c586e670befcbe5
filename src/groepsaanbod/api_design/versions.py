"""The API's version and contact: one constant each, sent as the `API-Version` header on every
/api/ answer and as `info.version` / `info.contact` in the OpenAPI document.

Changelog (semantic versioning: a new major version gets a new /api/v<major> path):

| version | what changed |
|---------|--------------|
| 1.0.0   | the API as it was before the NL API Design Rules |
| 1.1.0   | errors as application/problem+json (RFC 9457); API-Version header; lowerCamelCase query keys
|         | (cohortId, programmeId, sessionId, contactEmail; the snake_case names still work, deprecated);
|         | GET /api/v1 and /api/v1/openapi.json; service tokens (bearer, scopes); webhooks; cursor
|         | paging (cursor, pageSize, Link rel="next"); the open offer under /api/v1/open; the pages'
|         | missing routes (audit events, failed messages, second-factor policy, registers, report
|         | files, guest teachers) |
"""

from __future__ import annotations

from typing import Any

API_VERSION = "1.1.0"
API_MAJOR = API_VERSION.split(".", 1)[0]
#: The API's root; the OpenAPI document's server URL (relative, so it holds behind any host).
API_ROOT = f"/api/v{API_MAJOR}"
VERSION_HEADER = "API-Version"

CONTACT = {
    "name": "groepsaanbod",
    "url": "https://groepsaanbod.nl/contact",
    "email": "api@groepsaanbod.nl",
}

#: Where the kinds of problem are named (the `type` of a problem+json answer).
PROBLEM_BASE = "https://groepsaanbod.nl/problems/"


async def add_version_header(message: Any, scope: Any) -> None:
    """A Litestar `before_send` hook: every answer under /api/ (errors and unknown paths included)
    says which version answered."""
    if message["type"] == "http.response.start" and str(scope.get("path", "")).startswith("/api/"):
        message["headers"] = [*message.get("headers", []), (VERSION_HEADER.lower().encode(), API_VERSION.encode())]
