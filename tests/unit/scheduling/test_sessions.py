from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groepsaanbod.programmes.library import builtin_templates
from groepsaanbod.programmes.templates import SessionSpecData
from groepsaanbod.scheduling.closed_days import closed_days, public_holidays, school_holidays
from groepsaanbod.scheduling.sessions import (
    NO_OPEN_DAY_AFTER_BIRTH,
    NO_OPEN_DAY_IN_PREGNANCY_WEEK,
    DropInSeries,
    MeetingTime,
    plan_drop_in,
    plan_pregnancy_sessions,
    plan_weekly_sessions,
    pregnancy_week_start,
    to_utc,
)

AMS = "Europe/Amsterdam"
THU, FRI, MON, WED = 3, 4, 0, 2


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def weekly_specs(weeks, kind="group", duration=60):
    return tuple(SessionSpecData(kind, duration, "week_after_start", w, {"en": f"Lesson {w}"}) for w in weeks)


def pregnancy_spec(week, timing="pregnancy_week", kind="group"):
    return SessionSpecData(kind, 120, timing, week, {"nl": f"Week {week}"})


# --- to_utc -----------------------------------------------------------------------------------------------------


def test_to_utc_winter_and_summer():
    assert to_utc(datetime(2026, 1, 15, 10, 0), AMS) == utc(2026, 1, 15, 9, 0)  # CET, UTC+1
    assert to_utc(datetime(2026, 7, 15, 10, 0), AMS) == utc(2026, 7, 15, 8, 0)  # CEST, UTC+2


def test_to_utc_spring_gap_moves_forward_by_the_gap():
    # On 2026-03-29 clocks jump from 02:00 CET to 03:00 CEST; 02:30 does not exist.
    # It is read with the offset before the change (+01:00): 01:30 UTC, which is 03:30 CEST.
    result = to_utc(datetime(2026, 3, 29, 2, 30), AMS)
    assert result == utc(2026, 3, 29, 1, 30)
    assert result.astimezone(ZoneInfo(AMS)).replace(tzinfo=None) == datetime(2026, 3, 29, 3, 30)


def test_to_utc_autumn_fold_takes_the_first_occurrence():
    # On 2026-10-25 clocks go back from 03:00 CEST to 02:00 CET; 02:30 happens twice.
    # The first one is still summer time (+02:00): 00:30 UTC. The fold attribute is ignored.
    assert to_utc(datetime(2026, 10, 25, 2, 30), AMS) == utc(2026, 10, 25, 0, 30)
    assert to_utc(datetime(2026, 10, 25, 2, 30, fold=1), AMS) == utc(2026, 10, 25, 0, 30)


def test_to_utc_refuses_aware_times_and_unknown_zones():
    with pytest.raises(ValueError, match="to_utc takes a naive wall-clock time"):
        to_utc(utc(2026, 1, 1, 10), AMS)
    with pytest.raises(ValueError, match="unknown time zone 'Europe/Nowhere'"):
        to_utc(datetime(2026, 1, 1, 10), "Europe/Nowhere")


# --- weekly courses across summer time --------------------------------------------------------------------------


def test_weekly_lesson_stays_at_ten_across_start_of_summer_time():
    # Thursdays from 2026-03-19; summer time starts Sunday 2026-03-29.
    plan = plan_weekly_sessions(
        weekly_specs([1, 2, 3, 4]), date(2026, 3, 16), MeetingTime(THU, time(10, 0)), closed=frozenset()
    )
    assert [s.local_start for s in plan.sessions] == [
        datetime(2026, 3, 19, 10),
        datetime(2026, 3, 26, 10),
        datetime(2026, 4, 2, 10),
        datetime(2026, 4, 9, 10),
    ]
    assert [s.starts_at for s in plan.sessions] == [
        utc(2026, 3, 19, 9),  # winter, UTC+1
        utc(2026, 3, 26, 9),
        utc(2026, 4, 2, 8),  # summer, UTC+2
        utc(2026, 4, 9, 8),
    ]
    assert all(s.timezone == AMS and s.starts_at.tzinfo is UTC for s in plan.sessions)


def test_weekly_lesson_stays_at_ten_across_end_of_summer_time():
    # Thursdays from 2026-10-15; summer time ends Sunday 2026-10-25.
    plan = plan_weekly_sessions(
        weekly_specs([1, 2, 3]), date(2026, 10, 15), MeetingTime(THU, time(10, 0)), closed=frozenset()
    )
    assert [s.local_start.time() for s in plan.sessions] == [time(10, 0)] * 3
    assert [s.starts_at for s in plan.sessions] == [utc(2026, 10, 15, 8), utc(2026, 10, 22, 8), utc(2026, 10, 29, 9)]
    assert plan.sessions[0].ends_at == utc(2026, 10, 15, 9)


def test_session_in_the_spring_gap_gets_the_real_wall_clock_time():
    plan = plan_drop_in(
        DropInSeries(date(2026, 3, 29), date(2026, 3, 29), 60), MeetingTime(6, time(2, 30)), closed=frozenset()
    )
    (session,) = plan.sessions
    assert session.starts_at == utc(2026, 3, 29, 1, 30)
    assert session.local_start == datetime(2026, 3, 29, 3, 30)


# --- pregnancy weeks --------------------------------------------------------------------------------------------


def test_pregnancy_week_start_convention():
    due = date(2027, 3, 31)
    assert pregnancy_week_start(due, 1) == due - timedelta(days=280)  # 0w0d
    assert pregnancy_week_start(due, 41) == due  # 40w0d is the due date
    assert pregnancy_week_start(due, 15) == date(2026, 9, 30)  # 14w0d = due - 280 + 98 = due - 182


def test_centering_pregnancy_across_end_of_summer_time_and_christmas():
    specs = builtin_templates()["centering-pregnancy"].sessions
    due = date(2027, 3, 31)  # a Wednesday, so every pregnancy week runs Wednesday-Tuesday
    closed = public_holidays([2026, 2027])
    plan = plan_pregnancy_sessions(specs, due, MeetingTime(FRI, time(19, 0)), closed=closed)
    assert plan.problems == ()
    # Week N starts at due - 280 + 7(N-1) = 2026-06-24 + 7(N-1); the meeting is that week's Friday (start + 2 days).
    #   week 15: 2026-06-24 +  98 = 2026-09-30 (Wed) -> Fri 2026-10-02, summer time: 19:00 CEST = 17:00 UTC
    #   -- summer time ends Sunday 2026-10-25 --
    #   week 19: 2026-06-24 + 126 = 2026-10-28 (Wed) -> Fri 2026-10-30, 19:00 CET = 18:00 UTC
    #   week 23: 2026-06-24 + 154 = 2026-11-25 -> Fri 2026-11-27
    #   week 27: 2026-06-24 + 182 = 2026-12-23 -> Fri 2026-12-25 is Christmas Day; its week runs Wed 23 - Tue 29;
    #            the open weekdays nearest to Friday: Thu 24 (1 day), Wed 23 (2), Mon 28 (3) -> Thu 2026-12-24
    #   week 29: 2026-06-24 + 196 = 2027-01-06 -> Fri 2027-01-08
    #   week 31: 2026-06-24 + 210 = 2027-01-20 -> Fri 2027-01-22
    #   week 33: 2026-06-24 + 224 = 2027-02-03 -> Fri 2027-02-05
    #   week 35: 2026-06-24 + 238 = 2027-02-17 -> Fri 2027-02-19
    #   week 37: 2026-06-24 + 252 = 2027-03-03 -> Fri 2027-03-05 (summer time starts later, on 2027-03-28)
    group = [s for s in plan.sessions if s.kind == "group" and specs[s.spec_index].timing == "pregnancy_week"]
    expected_days = [
        date(2026, 10, 2),
        date(2026, 10, 30),
        date(2026, 11, 27),
        date(2026, 12, 24),
        date(2027, 1, 8),
        date(2027, 1, 22),
        date(2027, 2, 5),
        date(2027, 2, 19),
        date(2027, 3, 5),
    ]
    assert [s.local_start for s in group] == [datetime.combine(d, time(19, 0)) for d in expected_days]
    assert [s.starts_at for s in group] == [utc(2026, 10, 2, 17)] + [
        datetime.combine(d, time(18, 0), tzinfo=UTC) for d in expected_days[1:]
    ]
    assert [specs[s.spec_index].week for s in group] == [15, 19, 23, 27, 29, 31, 33, 35, 37]
    christmas = group[3]
    assert christmas.moved_from == date(2026, 12, 25)
    assert christmas.local_start.weekday() == THU
    assert all(s.moved_from is None for s in group if s is not christmas)
    # The intake (individual, week 12: 2026-06-24 + 77 = 2026-09-09 -> Fri 2026-09-11) comes first;
    # the reunion (8 weeks after the due date: 2027-05-26, a Wednesday -> Fri 2027-05-28, CEST) last.
    first, last = plan.sessions[0], plan.sessions[-1]
    assert (first.kind, first.local_start) == ("individual", datetime(2026, 9, 11, 19))
    assert (last.local_start, last.starts_at) == (datetime(2027, 5, 28, 19), utc(2027, 5, 28, 17))
    assert [s.number for s in plan.sessions] == list(range(1, 12))
    assert [s.spec_index for s in plan.sessions] == list(range(11))
    assert all(s.duration_minutes == 120 for s in group)
    assert group[0].topic == specs[1].topic


def test_weeks_after_birth_count_from_the_birth_date_when_known():
    spec = (pregnancy_spec(8, timing="weeks_after_birth"),)
    due, born = date(2027, 3, 31), date(2027, 4, 12)
    # From the due date: 2027-03-31 + 56 = 2027-05-26 (Wed) -> Friday 2027-05-28.
    first = plan_pregnancy_sessions(spec, due, MeetingTime(FRI, time(10)), closed=frozenset()).sessions[0]
    assert first.local_start.date() == date(2027, 5, 28)
    # From the birth: 2027-04-12 (Mon) + 56 = 2027-06-07 (Mon) -> Friday 2027-06-11.
    plan = plan_pregnancy_sessions(spec, due, MeetingTime(FRI, time(10)), closed=frozenset(), birth_date=born)
    assert plan.sessions[0].local_start.date() == date(2027, 6, 11)


def test_pregnancy_meeting_without_an_open_day_is_a_problem():
    due = date(2027, 3, 31)
    # Week 15 runs Wed 2026-09-30 - Tue 2026-10-06; close every day of it.
    week = frozenset(date(2026, 9, 30) + timedelta(days=n) for n in range(7))
    specs = (pregnancy_spec(12, kind="individual"), pregnancy_spec(15), pregnancy_spec(19))
    plan = plan_pregnancy_sessions(specs, due, MeetingTime(FRI, time(19)), closed=week)
    assert [s.local_start.date() for s in plan.sessions] == [date(2026, 9, 11), date(2026, 10, 2), date(2026, 10, 30)]
    assert plan.sessions[1].moved_from is None
    (problem,) = plan.problems
    assert problem.field == "sessions[1]"
    assert problem.message.msgid == NO_OPEN_DAY_IN_PREGNANCY_WEEK
    assert problem.message.params == {"number": 2, "week": 15, "date": date(2026, 10, 2)}
    assert not plan.ok


def test_after_birth_meeting_without_an_open_day_is_a_problem():
    due = date(2027, 3, 31)
    week = frozenset(date(2027, 5, 26) + timedelta(days=n) for n in range(7))
    plan = plan_pregnancy_sessions(
        (pregnancy_spec(8, timing="weeks_after_birth"),), due, MeetingTime(FRI, time(10)), closed=week
    )
    (problem,) = plan.problems
    assert problem.message.msgid == NO_OPEN_DAY_AFTER_BIRTH
    assert problem.message.params["week"] == 8


def test_pregnancy_meeting_moves_only_to_a_working_day_of_the_same_week():
    # A Saturday group; pregnancy week 15 runs Wed 2026-09-30 - Tue 2026-10-06, its Saturday is 2026-10-03.
    # Close the Saturday and the Friday: the nearest open weekday is Thursday 2026-10-01 (2 days),
    # before Monday 2026-10-05 (2 days, later on the tie); the Sunday is never used.
    closed = frozenset({date(2026, 10, 3), date(2026, 10, 2)})
    plan = plan_pregnancy_sessions((pregnancy_spec(15),), date(2027, 3, 31), MeetingTime(5, time(10)), closed=closed)
    assert plan.sessions[0].local_start.date() == date(2026, 10, 1)
    assert plan.sessions[0].moved_from == date(2026, 10, 3)


def test_pregnancy_plan_refuses_other_timings():
    with pytest.raises(ValueError, match=r"sessions\[0\]: timing 'week_after_start' is not one of pregnancy_week"):
        plan_pregnancy_sessions(weekly_specs([1]), date(2027, 3, 31), MeetingTime(FRI, time(10)), closed=frozenset())


# --- THINK op school --------------------------------------------------------------------------------------------


def test_think_from_september_skips_the_autumn_break_of_noord():
    specs = builtin_templates()["think-op-school"].sessions
    closed = closed_days([2026, 2027], "noord", school=True)
    # Start Monday 2026-09-21, lessons on Thursday 10:00. Autumn break noord: 10-18 October 2026.
    plan = plan_weekly_sessions(specs, date(2026, 9, 21), MeetingTime(THU, time(10, 0)), closed=closed)
    # Sep 24, Oct 1, Oct 8, [Oct 15 in the break: the course pauses a week], Oct 22, ... Dec 3.
    expected = [date(2026, 9, 24), date(2026, 10, 1), date(2026, 10, 8)] + [
        date(2026, 10, 22) + timedelta(weeks=n) for n in range(7)
    ]
    assert [s.local_start.date() for s in plan.sessions] == expected
    assert [s.moved_from for s in plan.sessions[3:]] == [d - timedelta(weeks=1) for d in expected[3:]]
    assert all(s.moved_from is None for s in plan.sessions[:3])
    assert len(plan.sessions) == len(specs)
    assert [s.spec_index for s in plan.sessions] == list(range(len(specs)))
    assert [s.topic for s in plan.sessions] == [spec.topic for spec in specs]
    autumn = school_holidays([2026], "noord") & {date(2026, 10, 10) + timedelta(days=n) for n in range(9)}
    assert not {s.local_start.date() for s in plan.sessions} & (autumn | closed)
    # Summer time ends 2026-10-25: still 10:00 local, UTC 08:00 before and 09:00 after.
    assert {s.local_start.time() for s in plan.sessions} == {time(10, 0)}
    assert plan.sessions[3].starts_at == utc(2026, 10, 22, 8)
    assert plan.sessions[4].starts_at == utc(2026, 10, 29, 9)


def test_think_across_christmas_and_the_new_year():
    specs = builtin_templates()["think-op-school"].sessions
    closed = closed_days([2026, 2027], "noord", school=True)
    # Wednesdays from 2026-12-09. Christmas break: 19 Dec 2026 - 3 Jan 2027 (two Wednesdays closed),
    # spring break noord 2027: 20-28 February (one more).
    plan = plan_weekly_sessions(specs, date(2026, 12, 9), MeetingTime(WED, time(10, 0)), closed=closed)
    assert [s.local_start.date() for s in plan.sessions] == [
        date(2026, 12, 9),
        date(2026, 12, 16),
        # 2026-12-23 and 2026-12-30 closed: lesson 3 moves two weeks, from Dec 23 to Jan 6
        date(2027, 1, 6),
        date(2027, 1, 13),
        date(2027, 1, 20),
        date(2027, 1, 27),
        date(2027, 2, 3),
        date(2027, 2, 10),
        date(2027, 2, 17),
        # 2027-02-24 closed: lesson 10 moves another week
        date(2027, 3, 3),
    ]
    assert [s.moved_from for s in plan.sessions] == [
        None,
        None,
        date(2026, 12, 23),
        date(2026, 12, 30),
        date(2027, 1, 6),
        date(2027, 1, 13),
        date(2027, 1, 20),
        date(2027, 1, 27),
        date(2027, 2, 3),
        date(2027, 2, 10),  # week 10 without closed days: 2026-12-09 + 9 weeks
    ]
    assert [s.number for s in plan.sessions] == list(range(1, 11))
    assert all(s.starts_at.hour == 9 for s in plan.sessions)  # all in winter time


def test_weekly_start_date_need_not_be_the_weekday():
    # Start on a Friday, lessons on Monday: week 1 is the first Monday on or after the start.
    plan = plan_weekly_sessions(weekly_specs([1, 2]), date(2026, 9, 4), MeetingTime(MON, time(9)), closed=frozenset())
    assert [s.local_start.date() for s in plan.sessions] == [date(2026, 9, 7), date(2026, 9, 14)]


def test_closed_week_without_a_meeting_moves_nothing():
    # Triple P style gap: meetings in weeks 1 and 3 only; week 2 is closed.
    closed = frozenset({date(2026, 9, 14)})
    plan = plan_weekly_sessions(weekly_specs([1, 3]), date(2026, 9, 7), MeetingTime(MON, time(9)), closed=closed)
    assert [s.local_start.date() for s in plan.sessions] == [date(2026, 9, 7), date(2026, 9, 21)]
    assert all(s.moved_from is None for s in plan.sessions)


def test_triple_p_phone_sessions_keep_their_kind_and_length():
    specs = builtin_templates()["triple-p-group"].sessions
    plan = plan_weekly_sessions(specs, date(2026, 9, 7), MeetingTime(MON, time(19)), closed=frozenset())
    assert [(s.kind, s.duration_minutes) for s in plan.sessions] == [
        (spec.kind, spec.duration_minutes) for spec in specs
    ]
    assert [s.local_start.date() for s in plan.sessions] == [
        date(2026, 9, 7) + timedelta(weeks=spec.week - 1) for spec in specs
    ]


# --- drop-in ----------------------------------------------------------------------------------------------------


def test_drop_in_mondays_skip_easter_and_whit_monday_and_exceptions():
    closed = public_holidays([2027])
    exceptions = frozenset({date(2027, 4, 19)})
    topic = {"nl": "Koffie en spelen"}
    # Mondays 2027-03-22 .. 2027-05-17 (eight weeks on): Mar 22, [Mar 29 Easter Monday], Apr 5, 12,
    # [Apr 19 exception], Apr 26, May 3, May 10, [May 17 Whit Monday].
    plan = plan_drop_in(
        DropInSeries(date(2027, 3, 22), date(2027, 5, 17), 90, topic, exceptions=exceptions),
        MeetingTime(MON, time(9, 30)),
        closed=closed,
    )
    assert [s.local_start for s in plan.sessions] == [
        datetime.combine(d, time(9, 30))
        for d in (
            date(2027, 3, 22),
            date(2027, 4, 5),
            date(2027, 4, 12),
            date(2027, 4, 26),
            date(2027, 5, 3),
            date(2027, 5, 10),
        )
    ]
    # Summer time starts 2027-03-28: 08:30 UTC before, 07:30 UTC after.
    assert plan.sessions[0].starts_at == utc(2027, 3, 22, 8, 30)
    assert plan.sessions[1].starts_at == utc(2027, 4, 5, 7, 30)
    assert all(
        (s.kind, s.spec_index, s.moved_from, s.duration_minutes, s.topic) == ("group", None, None, 90, topic)
        for s in plan.sessions
    )
    assert [s.number for s in plan.sessions] == list(range(1, 7))
    assert plan.problems == ()


def test_drop_in_start_date_not_on_the_weekday_and_empty_range():
    plan = plan_drop_in(
        DropInSeries(date(2027, 3, 23), date(2027, 4, 5), 90), MeetingTime(MON, time(9, 30)), closed=frozenset()
    )
    assert [s.local_start.date() for s in plan.sessions] == [date(2027, 3, 29), date(2027, 4, 5)]
    assert (
        plan_drop_in(
            DropInSeries(date(2027, 3, 23), date(2027, 3, 24), 90), MeetingTime(MON, time(9, 30)), closed=frozenset()
        ).sessions
        == ()
    )


@pytest.mark.parametrize(
    ("call", "says"),
    [
        (
            lambda: plan_drop_in(
                DropInSeries(date(2027, 3, 22), date(2027, 3, 21), 90), MeetingTime(MON, time(9)), closed=frozenset()
            ),
            "end_date must not be before start_date",
        ),
        (
            lambda: plan_drop_in(
                DropInSeries(date(2027, 3, 22), date(2027, 4, 21), 90), MeetingTime(7, time(9)), closed=frozenset()
            ),
            r"weekday must be 0 \(Monday\) to 6 \(Sunday\), not 7",
        ),
        (
            lambda: plan_drop_in(
                DropInSeries(date(2027, 3, 22), date(2027, 4, 21), 0), MeetingTime(MON, time(9)), closed=frozenset()
            ),
            "duration_minutes must be a positive whole number, not 0",
        ),
        (
            lambda: plan_drop_in(
                DropInSeries(date(2027, 3, 22), date(2027, 4, 21), 90),
                MeetingTime(MON, time(9), "Mars"),
                closed=frozenset(),
            ),
            "unknown time zone 'Mars'",
        ),
        (
            lambda: plan_weekly_sessions(
                weekly_specs([1]), date(2026, 9, 7), MeetingTime(-1, time(9)), closed=frozenset()
            ),
            "weekday must be .*, not -1",
        ),
        (
            lambda: plan_weekly_sessions(
                weekly_specs([1], duration=0), date(2026, 9, 7), MeetingTime(MON, time(9)), closed=frozenset()
            ),
            "duration_minutes must be a positive whole number, not 0",
        ),
        (
            lambda: plan_weekly_sessions(
                (pregnancy_spec(15),), date(2026, 9, 7), MeetingTime(MON, time(9)), closed=frozenset()
            ),
            "timing 'pregnancy_week' is not one of week_after_start",
        ),
        (
            lambda: plan_pregnancy_sessions(
                (pregnancy_spec(15),), date(2027, 3, 31), MeetingTime(9, time(9)), closed=frozenset()
            ),
            "weekday must be .*, not 9",
        ),
    ],
)
def test_bad_input_raises_value_error(call, says):
    with pytest.raises(ValueError, match=says):
        call()


# --- properties -------------------------------------------------------------------------------------------------

START = date(2025, 1, 1)


@st.composite
def weekly_cases(draw):
    weeks = sorted(draw(st.sets(st.integers(1, 52), min_size=1, max_size=12)))
    start_date = START + timedelta(days=draw(st.integers(0, 3 * 365)))
    weekday = draw(st.integers(0, 6))
    start_time = draw(st.times())
    # Closed days near the course (up to two years on), often in runs like a school break.
    offsets = draw(st.lists(st.tuples(st.integers(0, 730), st.integers(1, 21)), max_size=15))
    closed = frozenset(start_date + timedelta(days=o + n) for o, length in offsets for n in range(length))
    return weeks, start_date, weekday, start_time, closed


@settings(max_examples=300, deadline=None)
@given(weekly_cases())
def test_weekly_plan_properties(case):
    weeks, start_date, weekday, start_time, closed = case
    plan = plan_weekly_sessions(weekly_specs(weeks), start_date, MeetingTime(weekday, start_time), closed=closed)
    sessions = plan.sessions
    assert len(sessions) == len(weeks)
    assert plan.problems == ()
    days = [s.local_start.date() for s in sessions]
    assert all(a < b for a, b in zip(days, days[1:], strict=False))
    assert days[0] >= start_date
    assert not set(days) & closed
    assert all(d.weekday() == weekday for d in days)
    for session in sessions:
        wall = datetime.combine(session.local_start.date(), start_time)
        exists = to_utc(wall, AMS).astimezone(ZoneInfo(AMS)).replace(tzinfo=None) == wall
        if exists:
            assert session.local_start.time() == start_time
        else:  # only in the spring-forward gap, on a Sunday
            assert session.local_start == wall + timedelta(hours=1)
        assert session.starts_at == to_utc(session.local_start, AMS)
        assert session.moved_from is None or session.moved_from < session.local_start.date()
    # Order and spacing: the gap between meetings never shrinks below the template's.
    for (a, b), (wa, wb) in zip(zip(days, days[1:], strict=False), zip(weeks, weeks[1:], strict=False), strict=True):
        assert (b - a).days >= 7 * (wb - wa)


@st.composite
def pregnancy_cases(draw):
    weeks = sorted(draw(st.sets(st.integers(1, 42), min_size=1, max_size=10)))
    due = START + timedelta(days=draw(st.integers(280, 3 * 365)))
    weekday = draw(st.integers(0, 6))
    closed = frozenset(draw(st.sets(st.dates(due - timedelta(days=280), due), max_size=120)))
    return weeks, due, weekday, closed


@settings(max_examples=200, deadline=None)
@given(pregnancy_cases())
def test_pregnancy_plan_properties(case):
    weeks, due, weekday, closed = case
    plan = plan_pregnancy_sessions(
        [pregnancy_spec(w) for w in weeks], due, MeetingTime(weekday, time(10)), closed=closed
    )
    assert len(plan.sessions) == len(weeks)
    unplaced = {int(p.field[len("sessions[") : -1]) for p in plan.problems}
    for session in plan.sessions:
        day = session.local_start.date()
        week_start = pregnancy_week_start(due, weeks[session.spec_index])
        assert week_start <= day < week_start + timedelta(days=7)
        if session.spec_index in unplaced:
            assert day in closed
            assert day.weekday() == weekday
        elif session.moved_from is None:
            assert day.weekday() == weekday
            assert day not in closed
        else:
            assert day not in closed
            assert day.weekday() < 5
            assert session.moved_from in closed
