"""Reading the dates and times of the schedule forms: None when a field cannot be read."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from groepsaanbod import bounds


def form_date(text: Any) -> date | None:
    try:
        return date.fromisoformat(str(text or "").strip())
    except ValueError:
        return None


def form_time(text: Any) -> time | None:
    return bounds.time_of_day(str(text or ""))
