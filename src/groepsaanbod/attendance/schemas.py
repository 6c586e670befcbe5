"""What the attendance API takes and gives."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class MarkIn:
    participant_id: int
    present: bool
    #: When absent: ill | excused | no_reason | gave_birth | other (default no_reason)
    reason: str | None = None
    note: str = ""
    #: Counted only where the meeting invites partners or babies.
    partners: int = 0
    babies: int = 0
    #: With reason gave_birth only: the baby's date of birth (a CenteringPregnancy group's meeting
    #: with the babies moves to the real dates). Not in the future, nor far from her due date.
    birth_date: date | None = None


@dataclass
class RegisterIn:
    marks: list[MarkIn]


@dataclass
class HeadCountIn:
    adults: int
    children: int
    theme: str = ""
    speaker: str = ""
    volunteer_ids: list[int] = field(default_factory=list)
    #: Registered visitors checked in by name (optional).
    checked_in: list[int] = field(default_factory=list)


@dataclass
class LineOut:
    participant_id: int
    name: str
    status: str | None
    reason: str | None
    note: str
    partners: int
    babies: int
    #: The person's own time at an individual meeting with times (a phone call)
    appointment_at: datetime | None = None
    #: Her baby's date of birth, as recorded (groups planned by pregnancy weeks; not for helpers)
    birth_date: date | None = None


@dataclass
class RegisterOut:
    session_id: int
    cohort_id: int
    starts_at: datetime
    #: group | individual | phone
    meeting_kind: str
    drop_in: bool
    counts_partners: bool
    counts_babies: bool
    taken_at: datetime | None
    #: Why you cannot save it now, in your language (null: you can).
    closed: str | None
    lines: list[LineOut]
    adults: int = 0
    children: int = 0
    theme: str = ""
    speaker: str = ""
    volunteer_ids: list[int] = field(default_factory=list)
    #: all, or assigned (a volunteer or guest teacher): first names only, no reasons or notes.
    view: str = "all"


@dataclass
class SignalOut:
    id: int
    kind: str
    #: What the signal means and what to do, in your language.
    title: str
    suggested_action: str
    participant_id: int
    name: str
    cohort_id: int
    attended: int
    recorded: int
    raised_at: datetime


@dataclass
class HandledIn:
    note: str = ""


@dataclass
class FigureOut:
    key: str
    name: str
    #: A number, a percentage for rates, "<5" for a count of 1 to 4 people, "hidden" for a larger
    #: count or a share hidden so that a "<5" cannot be worked out from it, or null.
    value: float | str | None


@dataclass
class TableRowOut:
    key: str
    label: str
    values: list[float | str | None]


@dataclass
class TableOut:
    key: str
    title: str
    columns: list[str]
    rows: list[TableRowOut]


@dataclass
class ReportOut:
    #: provider | municipality
    audience: str
    title: str
    start: date
    end: date
    #: True when counts of 1 to 4 people are shown as "<5" (and cells that would give one away as "hidden").
    suppressed: bool
    summary: list[FigureOut]
    tables: list[TableOut]


@dataclass
class SentMarkIn:
    #: Your own id of this mark, a UUID made on the device: sending it again changes nothing.
    id: str
    #: present | absent | head_count (a drop-in's count: adults and children, no person)
    value: str
    #: When it was marked on the device, with its time zone. Not more than 5 minutes ahead of the
    #: server's clock, nor more than 7 days ago. Of two marks of one person, the later one wins.
    marked_at: datetime
    participant_id: int | None = None
    #: When absent: ill | excused | no_reason | gave_birth | other (not for volunteers and guest teachers)
    reason: str | None = None
    adults: int = 0
    children: int = 0
    #: The meeting, if you send it: must be the one in the path.
    session_id: int | None = None


@dataclass
class SentMarksIn:
    marks: list[SentMarkIn]


@dataclass
class SentMarksOut:
    #: Ids recorded now.
    applied: list[str]
    #: Ids received now but changing nothing: a later mark of the same person was recorded.
    outdated: list[str]
    #: Ids received before: nothing changed.
    known: list[str]
