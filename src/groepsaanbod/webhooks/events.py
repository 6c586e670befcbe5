"""The webhook event catalogue and what a payload may carry. Pure.

Each event belongs to a scope family. A payload always carries the ids, statuses and times of the
change; anything else (a due date, a place, a reason) only when the subscription holds that family's
`read` scope. Names, email addresses and phone numbers are never sent at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class EventKind:
    name: str
    #: The scope family whose `read` scope lets the payload carry more than ids and status.
    family: str


CATALOGUE: tuple[EventKind, ...] = (
    EventKind("registration.received", "registrations"),
    EventKind("registration.placed", "registrations"),
    EventKind("registration.withdrawn", "registrations"),
    EventKind("cohort.confirmed", "cohorts"),
    EventKind("session.planned", "sessions"),
    EventKind("session.moved", "sessions"),
    EventKind("session.cancelled", "sessions"),
    EventKind("attendance.saved", "attendance"),
    EventKind("signal.raised", "signals"),
)
EVENTS: dict[str, EventKind] = {kind.name: kind for kind in CATALOGUE}

#: The scopes a subscription may hold for payload detail.
DETAIL_SCOPES: tuple[str, ...] = tuple(sorted({f"{kind.family}:read" for kind in CATALOGUE}))

#: Keys every payload may carry: what changed, never who.
_ALWAYS = frozenset({"status", "was", "kind", "count", "sessions", "members", "starts_at", "old_starts_at"})
#: Never in a payload, whatever the scopes: the subscriber identifies people by id.
_NEVER = frozenset({"full_name", "name", "email", "phone", "to_address"})


def is_basic(key: str) -> bool:
    return key == "id" or key.endswith("_id") or key.endswith("_ids") or key in _ALWAYS


def payload_data(event: str, data: Mapping[str, Any], scopes: Iterable[str]) -> dict[str, Any]:
    """The part of `data` this subscription may receive."""
    detail = f"{EVENTS[event].family}:read" in set(scopes)
    return {k: v for k, v in data.items() if k not in _NEVER and (detail or is_basic(k))}


def payload(event: str, data: Mapping[str, Any], scopes: Iterable[str], now: datetime) -> dict[str, Any]:
    """The body of a delivery (Standard Webhooks' shape): type, timestamp with its zone, data."""
    if now.tzinfo is None:
        raise ValueError("a payload's timestamp needs its time zone")
    return {"type": event, "timestamp": now.isoformat(), "data": payload_data(event, data, scopes)}


def backoff_seconds(attempts: int) -> int:
    """After the n-th failed attempt: 30 s, 1, 2, 4 … minutes, at most 6 hours."""
    return int(min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


#: Attempts before a delivery ends as failed (about 4 hours of trying with the backoff above).
MAX_ATTEMPTS = 10
