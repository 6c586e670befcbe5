"""What the API of individual appointments takes and gives (scheduling's and the participant's)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class SlotsIn:
    """Times back to back from `start_time` ("HH:MM", Europe/Amsterdam) on `day`: `count` (1 to 24)
    of them, each the meeting's length, with `gap_minutes` (0 to 120) between two."""

    day: date
    start_time: str
    count: int = 1
    gap_minutes: int = 0


@dataclass
class AssignIn:
    """Give a member a time: one of the offered ones (`appointment_id`), or a new one
    (`local_start`, wall-clock "2027-03-15T10:00:00")."""

    registration_id: int
    appointment_id: int | None = None
    local_start: datetime | None = None


@dataclass
class MemberIn:
    registration_id: int


@dataclass
class SlotIdIn:
    appointment_id: int


@dataclass
class AppointmentOut:
    id: int
    #: Wall-clock start, without an offset: "2027-03-15T10:00:00"
    local_start: str
    starts_at: datetime
    duration_minutes: int
    #: Who has this time; None when it is free (the person's own API: true when it is theirs).
    registration_id: int | None = None
    name: str | None = None
    chosen_by: str | None = None


@dataclass
class BoardOut:
    session_id: int
    slots: list[AppointmentOut]
    #: Every member of the group, with their time or None
    members: list[dict[str, object]] = field(default_factory=list)


@dataclass
class MyAppointmentOut:
    session_id: int
    topic: str
    mine: AppointmentOut | None
    free: list[AppointmentOut]
