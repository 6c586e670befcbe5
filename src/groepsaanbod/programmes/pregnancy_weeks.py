"""Pregnancy weeks of a programme planned by due date: who may still join, which meetings a
member would miss, where a group's due date may lie. Pure: `today` is passed in.

Weeks are counted as midwives do (and as scheduling.sessions plans them): the due date is at
40 weeks 0 days, pregnancy week N is gestational age (N-1)w0d to (N-1)w6d.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median_low
from typing import Any

GESTATION_DAYS = 280
WEEK = timedelta(weeks=1)
PARTS_OF_DAY = ("morning", "afternoon", "evening")


def pregnancy_week_on(due_date: date, day: date) -> int:
    """The pregnancy week a woman due on `due_date` is in on `day`."""
    return (GESTATION_DAYS - (due_date - day).days) // 7 + 1


def week_start(due_date: date, week: int) -> date:
    """The first day of pregnancy week `week`."""
    return due_date - timedelta(days=GESTATION_DAYS) + (week - 1) * WEEK


def latest_join_week(rules: Mapping[str, Any]) -> int | None:
    """The template's latest pregnancy week at which one can still join; None: no such rule."""
    week = rules.get("latest_join_week")
    return week if isinstance(week, int) and not isinstance(week, bool) else None


def too_far_along(due_date: date, today: date, latest_week: int | None) -> bool:
    """She is past the latest week at which one can still join."""
    return latest_week is not None and pregnancy_week_on(due_date, today) > latest_week


def group_due_date(member_due_dates: Iterable[date]) -> date | None:
    """The due date a group is planned around: the middle of its members' due dates."""
    dates = sorted(member_due_dates)
    return median_low(dates) if dates else None


@dataclass(frozen=True)
class PlannedWeek:
    """A meeting of the template in a pregnancy week: its number (1, 2, ...) and its week."""

    number: int
    week: int


def pregnancy_meetings(specs: Sequence[tuple[str, int | None]]) -> tuple[PlannedWeek, ...]:
    """The meetings held in a pregnancy week, from the template's (timing, week) per meeting."""
    return tuple(
        PlannedWeek(number, week)
        for number, (timing, week) in enumerate(specs, start=1)
        if timing == "pregnancy_week" and week is not None
    )


def missed_meetings(
    meetings: Sequence[PlannedWeek], group_due: date, member_due: date, today: date
) -> tuple[PlannedWeek, ...]:
    """The meetings a member would miss in a group planned around `group_due`: those whose whole
    week has passed before `today`, and those that start on or after her own due date."""
    missed = []
    for meeting in meetings:
        start = week_start(group_due, meeting.week)
        if start + timedelta(days=6) < today or start >= member_due:
            missed.append(meeting)
    return tuple(missed)


@dataclass(frozen=True)
class PartOfDayWish:
    """What the members asked for as the part of the day, as a soft preference.

    `best` is the part most of them asked for ("" when nobody chose one: all said any time);
    `counts` per part, `flexible` how many said any time."""

    best: str
    counts: tuple[tuple[str, int], ...]
    flexible: int

    @property
    def suits(self) -> int:
        """How many members the best part suits (those who chose it and those who said any time)."""
        return dict(self.counts).get(self.best, 0) + self.flexible


def part_of_day_wish(wishes: Iterable[str]) -> PartOfDayWish:
    """The members' wishes summed up; of equal counts the earlier part of the day wins."""
    counts = dict.fromkeys(PARTS_OF_DAY, 0)
    flexible = 0
    for wish in wishes:
        if wish in counts:
            counts[wish] += 1
        else:
            flexible += 1
    best = max(PARTS_OF_DAY, key=lambda part: (counts[part], -PARTS_OF_DAY.index(part)))
    return PartOfDayWish(best if counts[best] else "", tuple((p, c) for p, c in counts.items() if c), flexible)
