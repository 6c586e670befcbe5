from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from groepsaanbod.organisations.schemas import HoursIn


@dataclass
class PlanIn:
    """weekday 0 = Monday; start_time "HH:MM" (wall-clock, Europe/Amsterdam). Pregnancy programmes
    use due_date (default: the middle of the members' due dates); weekly ones start_date; drop-ins
    start_date and end_date. A pregnancy group's meeting that would be in the past is refused,
    unless leave_out_past: then only the coming meetings are planned."""

    weekday: int
    start_time: str
    venue_id: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    due_date: date | None = None
    leave_out_past: bool = False


@dataclass
class ViolationOut:
    constraint: str
    hard: bool
    message: str


@dataclass
class SessionOut:
    id: int
    number: int
    status: str
    #: Wall-clock start at the venue, without an offset (so not an RFC 3339 date-time): "2027-03-15T10:00:00"
    local_start: str
    timezone: str
    starts_at: datetime
    duration_minutes: int
    topic: dict[str, str]
    venue_id: int | None
    moved_from: date | None
    cancel_reason: str | None
    staff: list[dict[str, object]] = field(default_factory=list)
    violations: list[ViolationOut] = field(default_factory=list)


@dataclass
class PlanOut:
    sessions: list[SessionOut]
    problems: list[dict[str, str]]


@dataclass
class FacilitatorIn:
    staff_id: int
    role: str


@dataclass
class AbsenceIn:
    reason: str = ""
    #: A coordinator may report for someone else; leave out to report for yourself.
    staff_id: int | None = None


@dataclass
class AbsenceOut:
    cancelled: bool
    #: How many messages were queued (each person told once, in their language).
    told: int
    violations: list[ViolationOut]
    #: What happened: cancelled (the meeting is off and everyone is told), coordinators_told (it is
    #: at risk and the coordinators know), taken_over (a THINK stand-in gives the lesson and is told)
    #: or noted (it goes ahead without this person).
    outcome: str = "noted"
    #: The same in a sentence, in the caller's language.
    said: str = ""


@dataclass
class CancelIn:
    reason: str


@dataclass
class RescheduleIn:
    #: New wall-clock start, e.g. "2027-03-15T10:00:00" (Europe/Amsterdam), within two years of today
    local_start: datetime


@dataclass
class SlotOut:
    #: Wall-clock start at the venue, without an offset: "2027-03-15T10:00:00"
    local_start: str
    starts_at: datetime


@dataclass
class GuestTeacherIn:
    staff_id: int
    topics: list[str]
    weekdays: list[int]
    max_lessons_per_week: int = 4


@dataclass
class GuestTeacherPlanIn:
    #: Left out or empty: the guest teachers as their page keeps them (topics, school days, weeks off).
    teachers: list[GuestTeacherIn] = field(default_factory=list)


@dataclass
class GuestTeacherAvailabilityIn:
    """What a guest teacher gives and when: topics as the programme names them in Dutch, school days
    0 = Monday .. 4 = Friday, any day of each week they cannot teach, the most lessons in one week."""

    topics: list[str]
    weekdays: list[int]
    weeks_off: list[date] = field(default_factory=list)
    max_lessons_per_week: int = 4


@dataclass
class GuestTeacherPlanOut:
    status: str
    lessons: int
    assigned: int
    hard_violations: int
    problems: list[dict[str, str]]
    max_load: int
    min_load: int


@dataclass
class AvailabilityIn:
    hours: list[HoursIn]
    #: A coordinator may set the hours of someone of their own organisation; leave out for your own.
    staff_id: int | None = None
    #: The organisation these hours are for; left out: each of yours (your own hours), or each of
    #: your organisations the person works for (a coordinator).
    organisation_id: int | None = None


@dataclass
class AvailabilityOut:
    #: The organisations whose hours for the person were replaced.
    organisation_ids: list[int]


@dataclass
class ClosureIn:
    starts_at: datetime
    ends_at: datetime
    reason: str = ""


@dataclass
class SessionStaffIn:
    staff_id: int
    role: str
    #: The person this one replaces on this meeting, if any.
    replace_staff_id: int | None = None


@dataclass
class LateJoinerIn:
    registration_id: int


@dataclass
class LateJoinerOut:
    cohort_id: int
    registration_id: int
    status: str


@dataclass
class BirthIn:
    registration_id: int
    birth_date: date


@dataclass
class BirthOut:
    registration_id: int
    birth_date: date
    #: how many of the group's meetings after the birth moved to the real dates
    moved_meetings: int
