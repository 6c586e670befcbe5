"""The dates and times of a cohort's sessions. Pure.

No framework, no database, no clock, no holiday library: the caller passes the
closed days (see `closed_days.py`) and gets a `SessionPlan` back.

Times. A session is planned in wall-clock time of its venue (`Europe/Amsterdam`):
a weekly meeting at 10:00 is at 10:00 local time before and after the change to or
from summer time, so its UTC time moves by an hour. `starts_at` is derived from the
wall-clock time with `to_utc`.

Closed days are handled per kind of schedule:

* pregnancy weeks (CenteringPregnancy): a meeting belongs in its week of the
  pregnancy, so on a closed day it moves to another weekday of that same week;
* weekly courses (THINK, Triple P, Baby in huis): the course pauses for the week,
  so that meeting and every later one move a week on, keeping order and spacing;
* drop-in series (Kids & Koffie): the occurrence on a closed day is skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.programmes.templates import SessionSpecData
from groepsaanbod.refusals import Problem

DEFAULT_TIMEZONE = "Europe/Amsterdam"
#: Gestational age at the due date: 40 weeks 0 days.
DUE_DATE_GESTATION_DAYS = 280
WEEK = timedelta(days=7)

NO_OPEN_DAY_IN_PREGNANCY_WEEK = N_(
    "Meeting %(number)s on %(date)s falls on a closed day in week %(week)s of the pregnancy, "
    "and no other day that week is open."
)
NO_OPEN_DAY_AFTER_BIRTH = N_(
    "Meeting %(number)s on %(date)s falls on a closed day in week %(week)s after the birth, "
    "and no other day that week is open."
)


@dataclass(frozen=True)
class PlannedSession:
    number: int
    """1-based, in order of time."""
    spec_index: int | None
    """Index into the template's sessions; None for drop-in occurrences."""
    kind: str
    local_start: datetime
    """Naive wall-clock time in `timezone` (always a time that exists there)."""
    timezone: str
    starts_at: datetime
    """Aware, UTC."""
    duration_minutes: int
    topic: dict[str, str]
    moved_from: date | None
    """The date the session would have had without a closed day, else None."""

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


@dataclass(frozen=True)
class MeetingTime:
    """When a group meets: on `weekday` (0 = Monday) at `start_time`, wall-clock time in `timezone`."""

    weekday: int
    start_time: time
    timezone: str = DEFAULT_TIMEZONE


@dataclass(frozen=True)
class DropInSeries:
    """A drop-in series: every week from `start_date` to `end_date` inclusive, except on `exceptions`."""

    start_date: date
    end_date: date
    duration_minutes: int
    topic: dict[str, str] | None = None
    exceptions: frozenset[date] = frozenset()


@dataclass(frozen=True)
class SessionPlan:
    sessions: tuple[PlannedSession, ...]
    problems: tuple[Problem, ...] = field(default=())
    """Sessions that could not be kept where they belong; they are still in `sessions`,
    on their closed day, for a person to decide."""

    @property
    def ok(self) -> bool:
        return not self.problems


# --- time -------------------------------------------------------------------------------------------------------


def _zone(timezone: str) -> ZoneInfo:
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {timezone!r}") from error


def to_utc(local: datetime, timezone: str) -> datetime:
    """Wall-clock time in `timezone` -> aware UTC datetime.

    `local` must be naive; its `fold` attribute is ignored. Two edge cases at the
    changes of summer time:

    * a time that does not exist (the spring-forward gap, e.g. 2026-03-29 02:30 in
      Amsterdam) moves forward by the length of the gap: it is read with the offset
      in force before the change, so 02:30 becomes 01:30 UTC, which is 03:30 local;
    * an ambiguous time (the autumn fold, e.g. 2026-10-25 02:30) takes its first
      occurrence, still in summer time (fold=0): 00:30 UTC.
    """
    if local.tzinfo is not None:
        raise ValueError("to_utc takes a naive wall-clock time")
    return local.replace(tzinfo=_zone(timezone), fold=0).astimezone(UTC)


def _wall_clock(starts_at: datetime, timezone: str) -> datetime:
    return starts_at.astimezone(_zone(timezone)).replace(tzinfo=None, fold=0)


# --- validation -------------------------------------------------------------------------------------------------


def _check_weekday(weekday: int) -> None:
    if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {weekday!r}")


def _check_duration(duration_minutes: int) -> None:
    if isinstance(duration_minutes, bool) or not isinstance(duration_minutes, int) or duration_minutes <= 0:
        raise ValueError(f"duration_minutes must be a positive whole number, not {duration_minutes!r}")


def _check_spec(index: int, spec: SessionSpecData, timings: tuple[str, ...]) -> int:
    if spec.timing not in timings:
        raise ValueError(f"sessions[{index}]: timing {spec.timing!r} is not one of {', '.join(timings)}")
    if isinstance(spec.week, bool) or not isinstance(spec.week, int) or spec.week < 1:
        raise ValueError(f"sessions[{index}]: week must be a whole number from 1, not {spec.week!r}")
    _check_duration(spec.duration_minutes)
    return spec.week


def _first_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


# --- building sessions ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Draft:
    spec_index: int | None
    kind: str
    day: date
    duration_minutes: int
    topic: dict[str, str]
    moved_from: date | None


def _finish(drafts: list[_Draft], at: MeetingTime) -> tuple[PlannedSession, ...]:
    """Number the drafts in order of time (ties by template order) and derive the UTC start."""
    ordered = sorted(drafts, key=lambda d: (d.day, -1 if d.spec_index is None else d.spec_index))
    sessions = []
    timezone = at.timezone
    for number, draft in enumerate(ordered, start=1):
        starts_at = to_utc(datetime.combine(draft.day, at.start_time), timezone)
        sessions.append(
            PlannedSession(
                number=number,
                spec_index=draft.spec_index,
                kind=draft.kind,
                local_start=_wall_clock(starts_at, timezone),
                timezone=timezone,
                starts_at=starts_at,
                duration_minutes=draft.duration_minutes,
                topic=dict(draft.topic),
                moved_from=draft.moved_from,
            )
        )
    return tuple(sessions)


# --- pregnancy weeks --------------------------------------------------------------------------------------------


def pregnancy_week_start(due_date: date, week: int) -> date:
    """The first day of pregnancy week `week`.

    Convention (as midwives count): gestational age is counted from the first day
    of the last period, and the due date is at 40 weeks 0 days (280 days). Pregnancy
    week N is gestational age (N-1)w0d up to (N-1)w6d, so week 1 starts 280 days
    before the due date and week N starts at `due_date - 280 days + (N-1) * 7 days`.
    Week 15 is therefore 14w0d-14w6d, and the due date is the first day of week 41.
    """
    return due_date - timedelta(days=DUE_DATE_GESTATION_DAYS) + (week - 1) * WEEK


def weeks_after_birth_start(birth_date: date, week: int) -> date:
    """The first day of week `week` after the birth: the day the baby is `week` weeks old.

    Week N covers the baby's age N w0d up to N w6d, so "8 weeks after birth" starts on
    the day the baby turns 8 weeks.
    """
    return birth_date + week * WEEK


def _day_in_window(window_start: date, weekday: int) -> date:
    """The one day with `weekday` among the seven days from `window_start`."""
    return _first_on_or_after(window_start, weekday)


def _open_day_in_window(window_start: date, planned: date, closed: frozenset[date]) -> date | None:
    """Another weekday (Mon-Fri) of the same seven-day window, nearest to `planned` first, earlier on a tie."""
    candidates = [window_start + timedelta(days=offset) for offset in range(7)]
    candidates = [day for day in candidates if day != planned and day.weekday() < 5]
    candidates.sort(key=lambda day: (abs((day - planned).days), day))
    return next((day for day in candidates if day not in closed), None)


def plan_pregnancy_sessions(
    specs: Sequence[SessionSpecData],
    due_date: date,
    at: MeetingTime,
    *,
    closed: frozenset[date],
    birth_date: date | None = None,
) -> SessionPlan:
    """Sessions that belong in a week of the pregnancy or a week after the birth.

    Each session falls on the cohort's weekday (`at`) inside its week (see
    `pregnancy_week_start`, `weeks_after_birth_start`; weeks after birth count from
    `birth_date` when known, else from the due date). Individual and phone sessions
    are planned the same way: appointments within that week.

    A session on a closed day moves, at the same time, to the nearest other weekday
    (Monday-Friday) of the same week that is open (the earlier one on a tie), with
    `moved_from` set. When every such day is closed, the session stays on its closed
    day and the plan carries a `Problem` for field `sessions[<spec index>]`.
    """
    _check_weekday(at.weekday)
    _zone(at.timezone)
    drafts: list[_Draft] = []
    unplaced: list[tuple[int, SessionSpecData, date]] = []
    for index, spec in enumerate(specs):
        week = _check_spec(index, spec, ("pregnancy_week", "weeks_after_birth"))
        if spec.timing == "pregnancy_week":
            window_start = pregnancy_week_start(due_date, week)
        else:
            window_start = weeks_after_birth_start(birth_date or due_date, week)
        day = _day_in_window(window_start, at.weekday)
        moved_from = None
        if day in closed:
            other = _open_day_in_window(window_start, day, closed)
            if other is None:
                unplaced.append((index, spec, day))
            else:
                day, moved_from = other, day
        drafts.append(_Draft(index, spec.kind, day, spec.duration_minutes, spec.topic, moved_from))
    sessions = _finish(drafts, at)
    numbers = {session.spec_index: session.number for session in sessions}
    problems = tuple(
        Problem(
            f"sessions[{index}]",
            Message(
                NO_OPEN_DAY_IN_PREGNANCY_WEEK if spec.timing == "pregnancy_week" else NO_OPEN_DAY_AFTER_BIRTH,
                {"number": numbers[index], "week": spec.week, "date": day},
            ),
        )
        for index, spec, day in unplaced
    )
    return SessionPlan(sessions, problems)


# --- weekly courses ---------------------------------------------------------------------------------------------


def plan_weekly_sessions(
    specs: Sequence[SessionSpecData], start_date: date, at: MeetingTime, *, closed: frozenset[date]
) -> SessionPlan:
    """Sessions of a course given in week 1, 2, ... after the start.

    Week 1's meeting is on the first weekday of `at` on or after `start_date`;
    week k's is 7 * (k-1) days later. When a meeting falls on a closed day the course
    pauses that week: that meeting and every later one move one week on (again, as
    often as needed, e.g. over a two-week Christmas break), with `moved_from` set to
    the date it would otherwise have had. The number of meetings, their order and
    their spacing stay; a closed week without a meeting moves nothing.
    """
    _check_weekday(at.weekday)
    _zone(at.timezone)
    first = _first_on_or_after(start_date, at.weekday)
    weeks = [_check_spec(index, spec, ("week_after_start",)) for index, spec in enumerate(specs)]
    order = sorted(range(len(specs)), key=lambda index: (weeks[index], index))
    drafts: list[_Draft] = []
    paused_weeks = 0
    for index in order:
        spec = specs[index]
        nominal = first + (weeks[index] - 1) * WEEK
        day = nominal + paused_weeks * WEEK
        while day in closed:
            day += WEEK
            paused_weeks += 1
        moved_from = nominal if day != nominal else None
        drafts.append(_Draft(index, spec.kind, day, spec.duration_minutes, spec.topic, moved_from))
    return SessionPlan(_finish(drafts, at))


# --- drop-in ----------------------------------------------------------------------------------------------------


def plan_drop_in(series: DropInSeries, at: MeetingTime, *, closed: frozenset[date]) -> SessionPlan:
    """Every weekday of `at` in the series, except closed days and the series' exceptions.

    A skipped occurrence is not moved. All occurrences are group sessions without a
    template spec (`spec_index` None).
    """
    _check_weekday(at.weekday)
    _check_duration(series.duration_minutes)
    if series.end_date < series.start_date:
        raise ValueError("end_date must not be before start_date")
    _zone(at.timezone)
    drafts = []
    day = _first_on_or_after(series.start_date, at.weekday)
    while day <= series.end_date:
        if day not in closed and day not in series.exceptions:
            drafts.append(_Draft(None, "group", day, series.duration_minutes, series.topic or {}, None))
        day += WEEK
    return SessionPlan(_finish(drafts, at))
