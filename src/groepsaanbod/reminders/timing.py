"""When reminders are due. Pure: the clock is passed in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta


def due_hours(starts_at: datetime, hours_before: Iterable[int], now: datetime) -> list[int]:
    """The reminders (hours before the meeting) that are due at `now` and still make sense.

    A reminder is due from `starts_at - hours` on, until the meeting starts. Of several
    due at once (a worker that was down) only the latest is sent: one message, not a burst.
    """
    if now >= starts_at:
        return []
    due = [h for h in hours_before if starts_at - timedelta(hours=h) <= now]
    return [min(due)] if due else []
