"""Check one session (and its cohort) against the rules of its template. Pure.

`check_session` takes plain facts about a dated meeting (who is assigned, who is
absent, the room, the members' due dates, the school calendar) and the template's
`ConstraintData` rules, and returns every broken rule as a `Violation` whose
message tells a coordinator what is wrong and what would fix it. No framework, no
database, no clock: everything the check needs is in the facts.

Besides the template's rules, some checks always run (the ``BUILTIN_KINDS``):
the room must hold everyone who comes, must be open and available, and, when the
programme sets ``school_hours``, the meeting should not fall in them. Room
checks are always hard; the school-hours check is soft unless the template lists
a rule of kind ``no_school_hours`` (whose ``hard`` flag then counts).

Message parameters: ``role`` holds a role code and ``language`` a language code,
which the edge shows in the reader's language; dates are `date` objects; times
are ``HH:MM`` wall-clock strings in the venue's time zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from groepsaanbod.bounds import shifted
from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.programmes.templates import ConstraintData
from groepsaanbod.scheduling.status import SessionStatus

VENUE_TIMEZONE = ZoneInfo("Europe/Amsterdam")

#: Checks that run for every session, whatever the template lists.
BUILTIN_KINDS = ("room_capacity", "room_open", "room_unavailable", "no_school_hours")

#: Days from the start of pregnancy (gestational age 0w0d) to the due date (40w0d).
DAYS_TO_DUE_DATE = 280

MENTOR_MISSING = N_(
    "The class mentor cannot be at lesson %(number)s. Without the mentor the lesson cannot go ahead. "
    "Find another mentor of this class, or move or cancel the lesson."
)
ROLE_MISSING = N_(
    "Meeting %(number)s needs someone with the role %(role)s, and nobody with that role can be there. "
    "Assign someone with this role, or move the meeting."
)
ROLE_TOO_FEW = N_(
    "Meeting %(number)s needs at least %(count)s people with the role %(role)s; %(have)s can be there. "
    "Assign %(missing)s more, or move the meeting."
)
LANGUAGE_MISSING = N_(
    "Nobody with the role %(role)s at meeting %(number)s speaks the group's language (%(language)s). "
    "Assign someone with this role who speaks it."
)
GROUP_TOO_SMALL = N_(
    "The group has %(members)s members; it needs at least %(min)s. Find more members, or join it with another group."
)
GROUP_TOO_LARGE = N_("The group has %(members)s members; at most %(max)s fit. Move some members to another group.")
OUTSIDE_PREGNANCY_WINDOW = N_(
    "Meeting %(number)s on %(date)s is meant for pregnancy week %(low)s to %(high)s, but %(count)s members "
    "are then in week %(first)s to %(last)s. Move the meeting, or check these members' due dates."
)
IN_SCHOOL_HOLIDAY = N_("Meeting %(number)s on %(date)s falls in a school holiday. Move it to a school week.")
STAFF_DOUBLE_BOOKED = N_(
    "%(name)s is also booked for another meeting on %(date)s from %(start)s to %(end)s, at the same time as "
    "meeting %(number)s. Assign someone else, or move one of the meetings."
)
ROOM_DOUBLE_BOOKED = N_(
    "%(room)s is also booked for another meeting on %(date)s from %(start)s to %(end)s, at the same time as "
    "meeting %(number)s. Choose another room, or move one of the meetings."
)
TOO_FEW_FACILITATORS = N_(
    "Meeting %(number)s needs at least %(count)s facilitators; %(have)s can be there. "
    "Assign %(missing)s more, or move the meeting."
)
ROOM_TOO_SMALL = N_(
    "%(room)s holds %(capacity)s people, but %(people)s are coming to meeting %(number)s "
    "(%(members)s members and %(extra)s partners or babies). Choose a larger room."
)
ROOM_TOO_SMALL_WITH_SUPPORT = N_(
    "%(room)s holds %(capacity)s people, but %(people)s are coming to meeting %(number)s: %(members)s members, "
    "%(extra)s partners or babies invited to this meeting, %(partners)s partners who come along and "
    "%(children)s children to look after. Choose a larger room."
)
ROOM_CLOSED = N_(
    "%(room)s is closed during meeting %(number)s on %(date)s from %(start)s to %(end)s. "
    "Choose a time when it is open, or another room."
)
ROOM_UNAVAILABLE = N_("%(room)s cannot be used for meeting %(number)s. Choose another room, or move the meeting.")
IN_SCHOOL_HOURS = N_(
    "Meeting %(number)s on %(date)s from %(start)s to %(end)s is during school hours "
    "(%(school_start)s to %(school_end)s). "
    "Move it to after school, or to a day without school."
)


@dataclass(frozen=True)
class Booking:
    """Someone or a room busy at a time."""

    session_id: int
    start: datetime  # aware UTC
    end: datetime


@dataclass(frozen=True)
class AssignedStaff:
    staff_id: int
    name: str
    role: str  # midwife, mentor, guest_teacher, trainer, volunteer, coordinator, cjg_staff, admin
    languages: frozenset[str]
    absent: bool = False  # reported absent for this session
    other_bookings: tuple[Booking, ...] = ()  # their other sessions (not this one)


@dataclass(frozen=True)
class RoomFacts:
    venue_id: int
    name: str
    capacity: int
    opening: tuple[tuple[int, time, time], ...] = ()  # (weekday 0=Monday, opens, closes), local; empty = always open
    other_bookings: tuple[Booking, ...] = ()
    unavailable: bool = False


@dataclass(frozen=True)
class SessionFacts:
    session_id: int
    number: int  # meeting number in the cohort
    start: datetime  # aware UTC
    local_start: datetime  # naive wall-clock (Europe/Amsterdam)
    duration_minutes: int
    status: str  # planned | cancelled | held
    cohort_language: str
    members: int  # confirmed members
    extra_people: int = 0  # partners / babies who come along (room must hold them too)
    # Support needs the template's room_counts rule counts (registration/support.py): partners who
    # said they come along, and children looked after in the room.
    support_partners: int = 0
    support_children: int = 0
    staff: tuple[AssignedStaff, ...] = ()
    room: RoomFacts | None = None
    pregnancy_week: int | None = None  # the template's week for this meeting
    member_due_dates: tuple[date, ...] = ()  # for the pregnancy-week window check
    window_weeks: int = 0  # allowed distance (in weeks) from pregnancy_week; 0 = exactly that week
    school_holidays: frozenset[date] = frozenset()
    school_hours: tuple[time, time] | None = None  # must NOT be during these hours on school days (Mon–Fri)

    @property
    def end(self) -> datetime:
        return shifted(self.start, timedelta(minutes=self.duration_minutes))

    @property
    def local_end(self) -> datetime:
        return shifted(self.local_start, timedelta(minutes=self.duration_minutes))


@dataclass(frozen=True)
class Violation:
    constraint: str  # the ConstraintData.kind or one of BUILTIN_KINDS
    hard: bool
    message: Message
    staff_id: int | None = None


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Whether two half-open periods [start, end) share time; one ending as the other starts is no overlap."""
    return a_start < b_end and b_start < a_end


def pregnancy_week_on(due_date: date, day: date) -> int:
    """The pregnancy week on `day`: week N is gestational age (N-1)w0d to (N-1)w6d; 40w0d is the due date."""
    gestational_days = DAYS_TO_DUE_DATE - (due_date - day).days
    return gestational_days // 7 + 1


def _hhmm(moment: datetime | time) -> str:
    return moment.strftime("%H:%M")


def _present(facts: SessionFacts) -> list[AssignedStaff]:
    return [s for s in facts.staff if not s.absent]


class _Collector:
    def __init__(self, facts: SessionFacts) -> None:
        self.facts = facts
        self.found: list[Violation] = []

    def add(self, kind: str, msgid: str, *, hard: bool, staff_id: int | None = None, **params: Any) -> None:
        self.found.append(Violation(kind, hard, Message(msgid, {"number": self.facts.number, **params}), staff_id))


def _role_present(c: _Collector, rule: ConstraintData) -> None:
    role = rule.params.get("role")
    if any(s.role == role for s in _present(c.facts)):
        return
    msgid = MENTOR_MISSING if role == "mentor" else ROLE_MISSING
    c.add(rule.kind, msgid, hard=rule.hard, role=role)


def _min_role_count(c: _Collector, rule: ConstraintData) -> None:
    role = rule.params.get("role")
    count = int(rule.params.get("count", 1))
    have = sum(1 for s in _present(c.facts) if s.role == role)
    if have < count:
        c.add(rule.kind, ROLE_TOO_FEW, hard=rule.hard, role=role, count=count, have=have, missing=count - have)


def _trainer_speaks_language(c: _Collector, rule: ConstraintData) -> None:
    role = rule.params.get("role") or "trainer"
    language = c.facts.cohort_language
    if not any(s.role == role and language in s.languages for s in _present(c.facts)):
        c.add(rule.kind, LANGUAGE_MISSING, hard=rule.hard, role=role, language=language)


def _group_size(c: _Collector, rule: ConstraintData, min_size: int, max_size: int) -> None:
    members = c.facts.members
    if members < min_size:
        c.add(rule.kind, GROUP_TOO_SMALL, hard=rule.hard, members=members, min=min_size)
    elif members > max_size:
        c.add(rule.kind, GROUP_TOO_LARGE, hard=rule.hard, members=members, max=max_size)


def _pregnancy_window(c: _Collector, rule: ConstraintData) -> None:
    planned = c.facts.pregnancy_week
    if planned is None or not c.facts.member_due_dates:
        return
    day = c.facts.local_start.date()
    low, high = planned - c.facts.window_weeks, planned + c.facts.window_weeks
    outside = sorted(
        week for week in (pregnancy_week_on(due, day) for due in c.facts.member_due_dates) if not low <= week <= high
    )
    if outside:
        c.add(
            rule.kind,
            OUTSIDE_PREGNANCY_WINDOW,
            hard=rule.hard,
            date=day,
            low=low,
            high=high,
            count=len(outside),
            first=outside[0],
            last=outside[-1],
        )


def _no_school_holidays(c: _Collector, rule: ConstraintData) -> None:
    day = c.facts.local_start.date()
    if day in c.facts.school_holidays:
        c.add(rule.kind, IN_SCHOOL_HOLIDAY, hard=rule.hard, date=day)


def _first_clash(facts: SessionFacts, bookings: Sequence[Booking]) -> Booking | None:
    clashes = [
        b for b in bookings if b.session_id != facts.session_id and overlaps(facts.start, facts.end, b.start, b.end)
    ]
    return min(clashes, key=lambda b: (b.start, b.session_id)) if clashes else None


def _booking_params(booking: Booking) -> dict[str, Any]:
    start = booking.start.astimezone(VENUE_TIMEZONE)
    end = booking.end.astimezone(VENUE_TIMEZONE)
    return {"date": start.date(), "start": _hhmm(start), "end": _hhmm(end)}


def _no_double_booking(c: _Collector, rule: ConstraintData) -> None:
    for person in _present(c.facts):
        clash = _first_clash(c.facts, person.other_bookings)
        if clash is not None:
            c.add(
                rule.kind,
                STAFF_DOUBLE_BOOKED,
                hard=rule.hard,
                staff_id=person.staff_id,
                name=person.name,
                **_booking_params(clash),
            )
    room = c.facts.room
    if room is not None:
        clash = _first_clash(c.facts, room.other_bookings)
        if clash is not None:
            c.add(rule.kind, ROOM_DOUBLE_BOOKED, hard=rule.hard, room=room.name, **_booking_params(clash))


def _fixed_facilitators(c: _Collector, rule: ConstraintData) -> None:
    count = int(rule.params.get("count", 1))
    have = len(_present(c.facts))
    if have < count:
        c.add(rule.kind, TOO_FEW_FACILITATORS, hard=rule.hard, count=count, have=have, missing=count - have)


def _is_open(room: RoomFacts, local_start: datetime, local_end: datetime) -> bool:
    if not room.opening:
        return True
    if local_end.date() != local_start.date():
        return False  # runs past midnight: no opening slot covers that
    weekday = local_start.weekday()
    return any(
        day == weekday and opens <= local_start.time() and local_end.time() <= closes
        for day, opens, closes in room.opening
    )


def _room_checks(c: _Collector) -> None:
    facts, room = c.facts, c.facts.room
    if room is None:
        return
    local: dict[str, Any] = {
        "date": facts.local_start.date(),
        "start": _hhmm(facts.local_start),
        "end": _hhmm(facts.local_end),
    }
    if room.unavailable:
        c.add("room_unavailable", ROOM_UNAVAILABLE, hard=True, room=room.name)
    elif not _is_open(room, facts.local_start, facts.local_end):
        c.add("room_open", ROOM_CLOSED, hard=True, room=room.name, **local)
    support = facts.support_partners + facts.support_children
    people = facts.members + facts.extra_people + support
    if people > room.capacity:
        c.add(
            "room_capacity",
            ROOM_TOO_SMALL_WITH_SUPPORT if support else ROOM_TOO_SMALL,
            hard=True,
            room=room.name,
            capacity=room.capacity,
            people=people,
            members=facts.members,
            extra=facts.extra_people,
            **({"partners": facts.support_partners, "children": facts.support_children} if support else {}),
        )


def _school_hours(c: _Collector, hard: bool) -> None:
    facts = c.facts
    if facts.school_hours is None:
        return
    day = facts.local_start.date()
    if day.weekday() >= 5 or day in facts.school_holidays:
        return  # no school that day
    begins, ends = facts.school_hours
    if overlaps(facts.local_start, facts.local_end, datetime.combine(day, begins), datetime.combine(day, ends)):
        c.add(
            "no_school_hours",
            IN_SCHOOL_HOURS,
            hard=hard,
            date=day,
            start=_hhmm(facts.local_start),
            end=_hhmm(facts.local_end),
            school_start=_hhmm(begins),
            school_end=_hhmm(ends),
        )


def check_session(
    facts: SessionFacts, rules: Sequence[ConstraintData], min_size: int, max_size: int
) -> tuple[Violation, ...]:
    """Every rule this session breaks: the template's rules in their order, then the built-in checks.

    A cancelled session breaks nothing. Absent staff count as not there. Kinds this
    module does not know are skipped, so an older engine does not fail on a newer template.
    """
    if facts.status == SessionStatus.CANCELLED:
        return ()
    c = _Collector(facts)
    for rule in rules:
        if rule.kind == "role_present":
            _role_present(c, rule)
        elif rule.kind == "min_role_count":
            _min_role_count(c, rule)
        elif rule.kind == "trainer_speaks_language":
            _trainer_speaks_language(c, rule)
        elif rule.kind == "group_size":
            _group_size(c, rule, min_size, max_size)
        elif rule.kind == "pregnancy_window":
            _pregnancy_window(c, rule)
        elif rule.kind == "no_school_holidays":
            _no_school_holidays(c, rule)
        elif rule.kind == "no_double_booking":
            _no_double_booking(c, rule)
        elif rule.kind == "fixed_facilitators":
            _fixed_facilitators(c, rule)
    _room_checks(c)
    listed = [rule for rule in rules if rule.kind == "no_school_hours"]
    _school_hours(c, hard=any(rule.hard for rule in listed))
    return tuple(c.found)
