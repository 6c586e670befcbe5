"""What the API clients API takes and gives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass
class ApiClientIn:
    #: The system that will use it, at most 100 characters on one line.
    name: str
    #: At least one of the scopes `<family>:read|write` (README: "API clients").
    scopes: list[str]
    #: The last day the token works (UTC): after today, at most two years ahead.
    expires_on: date


@dataclass
class ApiClientOut:
    id: int
    organisation_id: int
    name: str
    scopes: list[str]
    expires_on: date
    created_at: datetime
    #: active | expired | revoked
    status: str
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass
class NewApiClientOut:
    client: ApiClientOut
    #: The service token, shown this once: only its hash is kept. Send it as `Authorization: Bearer …`.
    token: str
