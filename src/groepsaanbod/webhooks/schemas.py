"""What the webhooks API takes and gives."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class SubscriptionIn:
    #: https://… (http and loopback addresses only in development or with GROEPSAANBOD_WEBHOOKS_ALLOW_PRIVATE)
    url: str
    #: Event names from GET /api/v1/webhooks/events, e.g. ["registration.received"].
    events: list[str]
    #: Detail scopes, e.g. ["registrations:read"]: without one, that family's payloads carry ids and status only.
    scopes: list[str] = field(default_factory=list)
    description: str = ""
    #: false pauses the receiver: its events wait until it is active again.
    active: bool = True


@dataclass
class SubscriptionOut:
    id: int
    organisation_id: int
    url: str
    description: str
    events: list[str]
    scopes: list[str]
    active: bool
    created_at: datetime
    updated_at: datetime
    #: The signing secret (whsec_…), only in the answer that made or rotated it; never again.
    secret: str | None = None


@dataclass
class EventKindOut:
    name: str
    #: The scope that lets its payloads carry more than ids and status.
    detail_scope: str


@dataclass
class DeliveryOut:
    id: int
    #: The webhook-id of every attempt (msg_…).
    event_id: str
    event_type: str
    #: waiting | retrying | delivered | failed
    status: str
    attempts: int
    #: The receiver's last HTTP status code (null: no answer).
    last_status: int | None
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    failed_at: datetime | None
    #: The JSON body, exactly as signed and sent.
    payload: str
