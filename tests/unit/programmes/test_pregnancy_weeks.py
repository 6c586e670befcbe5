"""Pregnancy weeks: who may still join, the meetings a member would miss, the group's due date and
the part of the day the members asked for."""

from __future__ import annotations

from datetime import date, timedelta

from groepsaanbod.programmes.pregnancy_weeks import (
    PlannedWeek,
    group_due_date,
    latest_join_week,
    missed_meetings,
    part_of_day_wish,
    pregnancy_meetings,
    pregnancy_week_on,
    too_far_along,
    week_start,
)

DUE = date(2027, 5, 5)


def test_weeks_are_counted_as_midwives_do():
    assert pregnancy_week_on(DUE, DUE - timedelta(days=280)) == 1
    assert pregnancy_week_on(DUE, DUE) == 41  # the due date is 40w0d, the first day of week 41
    assert pregnancy_week_on(DUE, week_start(DUE, 26) + timedelta(days=6)) == 26
    assert pregnancy_week_on(DUE, week_start(DUE, 27)) == 27


def test_too_far_along_from_the_first_day_after_the_latest_week():
    assert not too_far_along(DUE, week_start(DUE, 26) + timedelta(days=6), 26)
    assert too_far_along(DUE, week_start(DUE, 27), 26)
    assert not too_far_along(DUE, DUE, None)  # no rule, no limit


def test_the_rule_is_read_only_when_it_is_a_whole_number():
    assert latest_join_week({"latest_join_week": 26}) == 26
    assert latest_join_week({}) is None
    assert latest_join_week({"latest_join_week": True}) is None


def test_the_group_due_date_is_the_middle_lower_one():
    assert group_due_date([date(2027, 5, d) for d in (10, 1, 4, 5)]) == date(2027, 5, 4)
    assert group_due_date([]) is None


def test_a_member_misses_the_weeks_that_are_over_and_the_meetings_after_her_due_date():
    meetings = pregnancy_meetings([("pregnancy_week", 12), ("pregnancy_week", 15), ("pregnancy_week", 37),
                                   ("weeks_after_birth", 8)])  # fmt: skip
    assert meetings == (PlannedWeek(1, 12), PlannedWeek(2, 15), PlannedWeek(3, 37))
    today = week_start(DUE, 15) + timedelta(days=7)  # week 15 of the group has just ended
    assert missed_meetings(meetings, DUE, DUE, today) == (PlannedWeek(1, 12), PlannedWeek(2, 15))
    early = week_start(DUE, 37)  # she is due on the first day of the group's week 37
    assert missed_meetings(meetings, DUE, early, today) == meetings
    assert missed_meetings(meetings, DUE, DUE, week_start(DUE, 12)) == ()


def test_the_part_of_day_most_asked_for_is_suggested():
    wish = part_of_day_wish(["evening", "evening", "morning", "any", "any"])
    assert (wish.best, wish.suits, wish.flexible) == ("evening", 4, 2)
    assert part_of_day_wish(["any", "any"]).best == ""
    assert part_of_day_wish(["morning", "evening"]).best == "morning"  # a tie: the earlier part
