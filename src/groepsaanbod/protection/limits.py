"""Rate-limit windows. Pure: which window a moment falls in, and how long until it ends."""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, datetime, timedelta


def window_start(moment: datetime, window: timedelta) -> datetime:
    seconds = int(window.total_seconds())
    stamp = int(moment.timestamp())
    return datetime.fromtimestamp(stamp - stamp % seconds, tz=UTC)


def minutes_left(moment: datetime, window: timedelta) -> int:
    """Whole minutes until the window that holds `moment` ends (at least 1)."""
    ends = window_start(moment, window) + window
    return max(1, math.ceil((ends - moment).total_seconds() / 60))


def counter_key(kind: str, subject: str) -> str:
    """What the table stores: the kind of action and a hash of who (no personal data)."""
    return f"{kind}:{hashlib.sha256(subject.strip().lower().encode()).hexdigest()[:56]}"
