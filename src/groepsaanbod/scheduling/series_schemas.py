"""What the drop-in series and rota API reads and answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass
class SeriesIn:
    """weekday 0 = Monday; start_time "HH:MM" (wall-clock at the location); ends_on empty: open-ended."""

    name: str
    weekday: int
    start_time: str
    starts_on: date
    ends_on: date | None = None
    venue_id: int | None = None


@dataclass
class ExtendIn:
    """The new last day; null makes the series open-ended."""

    ends_on: date | None = None


@dataclass
class PauseIn:
    starts_on: date
    ends_on: date
    reason: str = ""


@dataclass
class EndIn:
    """The last day with a meeting; default today."""

    last_day: date | None = None


@dataclass
class SeriesMeetingOut:
    id: int
    number: int
    status: str
    local_start: str
    starts_at: datetime
    volunteer_ids: list[int]


@dataclass
class SeriesOut:
    cohort_id: int
    programme_id: int
    name: str
    weekday: int | None
    start_time: str
    venue_id: int | None
    starts_on: date
    ends_on: date | None
    planned_until: date
    ended: bool
    meetings: list[SeriesMeetingOut]


@dataclass
class ChangedOut:
    """How many meetings were added or cancelled."""

    meetings: int


@dataclass
class SwapIn:
    to_staff_id: int


@dataclass
class SwapAnswerIn:
    accept: bool


@dataclass
class SwapOut:
    id: int
    session_id: int
    from_staff_id: int
    to_staff_id: int
    status: str


@dataclass
class RotaMeetingOut:
    session_id: int
    series: str
    local_start: str
    starts_at: datetime
    volunteers: list[dict[str, int | str]]
    needed: int
    mine: bool


@dataclass
class RotaOut:
    meetings: list[RotaMeetingOut]
    asked_of_me: list[SwapOut]
