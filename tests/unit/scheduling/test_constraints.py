"""The constraint engine: each rule kind broken and kept, and the built-in room and school checks."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from groepsaanbod.programmes.library import builtin_templates
from groepsaanbod.programmes.templates import CONSTRAINT_KINDS, ConstraintData
from groepsaanbod.scheduling.constraints import (
    MENTOR_MISSING,
    ROLE_MISSING,
    AssignedStaff,
    Booking,
    RoomFacts,
    SessionFacts,
    Violation,
    check_session,
    overlaps,
    pregnancy_week_on,
)

# Monday 13 January 2025, 10:00–12:00 in Amsterdam (CET, UTC+1).
START = datetime(2025, 1, 13, 9, 0, tzinfo=UTC)
LOCAL_START = datetime(2025, 1, 13, 10, 0)


def person(staff_id: int = 1, role: str = "trainer", languages=("nl",), absent: bool = False, bookings=()):
    return AssignedStaff(
        staff_id=staff_id,
        name=f"Staff {staff_id}",
        role=role,
        languages=frozenset(languages),
        absent=absent,
        other_bookings=tuple(bookings),
    )


def room(capacity: int = 20, **kwargs) -> RoomFacts:
    return RoomFacts(venue_id=1, name="Room A", capacity=capacity, **kwargs)


def facts(**kwargs) -> SessionFacts:
    values = dict(
        session_id=100,
        number=3,
        start=START,
        local_start=LOCAL_START,
        duration_minutes=120,
        status="planned",
        cohort_language="nl",
        members=10,
    )
    values.update(kwargs)
    return SessionFacts(**values)


def booking(start: datetime, minutes: int, session_id: int = 200) -> Booking:
    return Booking(session_id=session_id, start=start, end=start + timedelta(minutes=minutes))


def rule(kind: str, hard: bool = True, **params) -> ConstraintData:
    return ConstraintData(kind=kind, params=params, hard=hard)


def check(f: SessionFacts, *rules: ConstraintData, min_size: int = 8, max_size: int = 14) -> tuple[Violation, ...]:
    return check_session(f, rules, min_size, max_size)


def kinds(violations) -> list[str]:
    return [v.constraint for v in violations]


# role_present


def test_role_present_kept_when_someone_with_the_role_is_there():
    assert check(facts(staff=(person(role="midwife"),)), rule("role_present", role="midwife")) == ()


def test_role_present_broken_when_nobody_has_the_role():
    (violation,) = check(facts(staff=(person(role="trainer"),)), rule("role_present", role="midwife"))
    assert violation.constraint == "role_present"
    assert violation.hard is True
    assert violation.message.msgid == ROLE_MISSING
    assert violation.message.params == {"number": 3, "role": "midwife"}


def test_absent_staff_do_not_count_for_role_present():
    f = facts(staff=(person(role="midwife", absent=True),))
    assert kinds(check(f, rule("role_present", role="midwife"))) == ["role_present"]


def test_soft_rule_gives_a_soft_violation():
    (violation,) = check(facts(), rule("role_present", hard=False, role="cjg_staff"))
    assert violation.hard is False


# min_role_count


def test_min_role_count_kept_with_enough_volunteers():
    f = facts(staff=tuple(person(i, role="volunteer") for i in range(3)))
    assert check(f, rule("min_role_count", role="volunteer", count=3)) == ()


def test_min_role_count_broken_with_too_few_volunteers_absent_ones_not_counted():
    f = facts(
        staff=(person(1, role="volunteer"), person(2, role="volunteer"), person(3, role="volunteer", absent=True))
    )
    (violation,) = check(f, rule("min_role_count", role="volunteer", count=3))
    assert violation.constraint == "min_role_count"
    assert violation.message.params == {"number": 3, "role": "volunteer", "count": 3, "have": 2, "missing": 1}


# trainer_speaks_language


def test_trainer_speaks_language_kept():
    f = facts(cohort_language="tr", staff=(person(1, languages=("nl",)), person(2, languages=("nl", "tr"))))
    assert check(f, rule("trainer_speaks_language", role="trainer")) == ()


def test_trainer_speaks_language_broken_and_absent_trainer_does_not_count():
    f = facts(cohort_language="tr", staff=(person(1, languages=("nl",)), person(2, languages=("tr",), absent=True)))
    (violation,) = check(f, rule("trainer_speaks_language", role="trainer"))
    assert violation.constraint == "trainer_speaks_language"
    assert violation.message.params == {"number": 3, "role": "trainer", "language": "tr"}


def test_trainer_speaks_language_defaults_to_the_trainer_role():
    f = facts(cohort_language="ar", staff=(person(1, role="volunteer", languages=("ar",)),))
    assert kinds(check(f, rule("trainer_speaks_language"))) == ["trainer_speaks_language"]


# group_size


def test_group_size_kept_at_both_ends():
    assert check(facts(members=8), rule("group_size")) == ()
    assert check(facts(members=14), rule("group_size")) == ()


def test_group_size_broken_too_small_and_too_large():
    (small,) = check(facts(members=7), rule("group_size"))
    assert small.message.params == {"number": 3, "members": 7, "min": 8}
    (large,) = check(facts(members=15), rule("group_size"))
    assert large.message.params == {"number": 3, "members": 15, "max": 14}
    assert small.message.msgid != large.message.msgid


# pregnancy_window


def test_pregnancy_week_arithmetic():
    due = date(2025, 6, 30)
    # 175 days before the due date: gestational age 280 - 175 = 105 days = 15w0d, pregnancy week 16.
    assert pregnancy_week_on(due, date(2025, 1, 6)) == 16
    assert pregnancy_week_on(due, date(2025, 1, 12)) == 16  # 15w6d
    assert pregnancy_week_on(due, date(2025, 1, 5)) == 15  # 14w6d
    assert pregnancy_week_on(due, date(2025, 1, 13)) == 17  # 16w0d
    assert pregnancy_week_on(due, due) == 41  # 40w0d


def test_pregnancy_window_kept_and_broken():
    # Session on Monday 13 January 2025: due 30 June 2025 -> 16w0d (week 17); due 7 July -> 15w0d (week 16).
    f = facts(pregnancy_week=17, member_due_dates=(date(2025, 7, 7), date(2025, 6, 30)))
    (violation,) = check(f, rule("pregnancy_window"))
    assert violation.constraint == "pregnancy_window"
    assert violation.message.params == {
        "number": 3,
        "date": date(2025, 1, 13),
        "low": 17,
        "high": 17,
        "count": 1,
        "first": 16,
        "last": 16,
    }
    assert check(replace(f, window_weeks=1), rule("pregnancy_window")) == ()


def test_pregnancy_window_skipped_for_meetings_without_a_pregnancy_week():
    f = facts(pregnancy_week=None, member_due_dates=(date(2025, 12, 1),))
    assert check(f, rule("pregnancy_window")) == ()


# no_school_holidays


def test_no_school_holidays():
    r = rule("no_school_holidays")
    assert check(facts(school_holidays=frozenset({date(2025, 1, 14)})), r) == ()
    (violation,) = check(facts(school_holidays=frozenset({date(2025, 1, 13)})), r)
    assert violation.constraint == "no_school_holidays"
    assert violation.message.params == {"number": 3, "date": date(2025, 1, 13)}


# no_double_booking


def test_staff_double_booking_by_one_minute_is_found():
    other = booking(START + timedelta(minutes=119), 60)  # starts one minute before this one ends
    f = facts(staff=(person(7, bookings=(other,)),))
    (violation,) = check(f, rule("no_double_booking"))
    assert violation.constraint == "no_double_booking"
    assert violation.staff_id == 7
    assert violation.message.params == {
        "number": 3,
        "name": "Staff 7",
        "date": date(2025, 1, 13),
        "start": "11:59",
        "end": "12:59",
    }


def test_back_to_back_is_not_a_double_booking():
    before = booking(START - timedelta(minutes=60), 60)
    after = booking(START + timedelta(minutes=120), 60)
    f = facts(staff=(person(7, bookings=(before, after)),), room=room(other_bookings=(before, after)))
    assert check(f, rule("no_double_booking")) == ()


def test_absent_staff_and_this_session_itself_are_not_double_booked():
    clash = booking(START, 30)
    f = facts(staff=(person(7, absent=True, bookings=(clash,)), person(8, bookings=(booking(START, 120, 100),))))
    assert check(f, rule("no_double_booking")) == ()


def test_room_double_booking_is_found():
    f = facts(room=room(other_bookings=(booking(START + timedelta(minutes=30), 30),)))
    (violation,) = check(f, rule("no_double_booking", hard=False))
    assert violation.hard is False
    assert violation.staff_id is None
    assert violation.message.params["room"] == "Room A"


def test_double_booking_only_checked_when_listed():
    f = facts(staff=(person(7, bookings=(booking(START, 30),)),))
    assert check(f) == ()


minutes = st.integers(min_value=0, max_value=24 * 60)
lengths = st.integers(min_value=1, max_value=6 * 60)


@given(a=minutes, a_len=lengths, b=minutes, b_len=lengths)
def test_overlap_is_sharing_at_least_one_minute(a, a_len, b, b_len):
    shared = set(range(a, a + a_len)) & set(range(b, b + b_len))
    a_start, b_start = START + timedelta(minutes=a), START + timedelta(minutes=b)
    found = overlaps(a_start, a_start + timedelta(minutes=a_len), b_start, b_start + timedelta(minutes=b_len))
    assert found == bool(shared)
    assert found == overlaps(b_start, b_start + timedelta(minutes=b_len), a_start, a_start + timedelta(minutes=a_len))


@given(offset=st.integers(min_value=-8 * 60, max_value=8 * 60), length=lengths)
def test_double_booking_found_exactly_when_the_minutes_meet(offset, length):
    other = booking(START + timedelta(minutes=offset), length)
    f = facts(staff=(person(7, bookings=(other,)),), room=room(other_bookings=(other,)))
    shared = set(range(0, 120)) & set(range(offset, offset + length))
    violations = check(f, rule("no_double_booking"))
    assert len(violations) == (2 if shared else 0)


# fixed_facilitators


def test_fixed_facilitators():
    r = rule("fixed_facilitators", count=2)
    assert check(facts(staff=(person(1, role="midwife"), person(2, role="coordinator"))), r) == ()
    (violation,) = check(facts(staff=(person(1, role="midwife"), person(2, role="coordinator", absent=True))), r)
    assert violation.constraint == "fixed_facilitators"
    assert violation.message.params == {"number": 3, "count": 2, "have": 1, "missing": 1}


# built-in room checks


def test_room_must_hold_members_and_extra_people():
    assert check(facts(members=10, extra_people=2, room=room(capacity=12))) == ()
    (violation,) = check(facts(members=10, extra_people=3, room=room(capacity=12)))
    assert violation.constraint == "room_capacity"
    assert violation.hard is True
    assert violation.message.params == {
        "number": 3,
        "room": "Room A",
        "capacity": 12,
        "people": 13,
        "members": 10,
        "extra": 3,
    }


def test_room_opening_hours():
    monday_morning = ((0, time(9, 0), time(12, 0)), (2, time(13, 0), time(17, 0)))
    assert check(facts(room=room(opening=monday_morning))) == ()  # 10:00–12:00 on Monday
    assert check(facts(room=room())) == ()  # no opening hours: always open
    late = facts(room=room(opening=monday_morning), duration_minutes=121)  # until 12:01
    (violation,) = check(late)
    assert violation.constraint == "room_open"
    assert violation.hard is True
    assert violation.message.params == {
        "number": 3,
        "room": "Room A",
        "date": date(2025, 1, 13),
        "start": "10:00",
        "end": "12:01",
    }
    tuesday = facts(
        room=room(opening=monday_morning),
        start=START + timedelta(days=1),
        local_start=LOCAL_START + timedelta(days=1),
    )
    assert kinds(check(tuesday)) == ["room_open"]


def test_unavailable_room():
    (violation,) = check(facts(room=room(unavailable=True)))
    assert violation.constraint == "room_unavailable"
    assert violation.hard is True


# built-in school hours


SCHOOL = (time(8, 30), time(15, 30))


def test_school_hours_soft_unless_listed():
    (violation,) = check(facts(school_hours=SCHOOL))
    assert violation.constraint == "no_school_hours"
    assert violation.hard is False
    assert violation.message.params["school_start"] == "08:30"
    (listed,) = check(facts(school_hours=SCHOOL), rule("no_school_hours", hard=True))
    assert listed.hard is True


def test_school_hours_only_on_school_days():
    after_school = facts(
        school_hours=SCHOOL,
        start=START + timedelta(hours=5, minutes=30),
        local_start=LOCAL_START + timedelta(hours=5, minutes=30),
    )  # 15:30–17:30
    assert check(after_school) == ()
    saturday = facts(school_hours=SCHOOL, start=START + timedelta(days=5), local_start=LOCAL_START + timedelta(days=5))
    assert check(saturday) == ()
    holiday = facts(school_hours=SCHOOL, school_holidays=frozenset({date(2025, 1, 13)}))
    assert check(holiday) == ()


# whole sessions


def everything_wrong() -> SessionFacts:
    clash = booking(START, 30)
    return facts(
        members=30,
        extra_people=5,
        cohort_language="so",
        staff=(person(1, role="mentor", absent=True), person(2, role="trainer", bookings=(clash,))),
        room=room(capacity=10, opening=((4, time(9), time(17)),), other_bookings=(clash,)),
        pregnancy_week=20,
        member_due_dates=(date(2025, 12, 1),),
        school_holidays=frozenset({date(2025, 1, 13)}),
    )


ALL_RULES = (
    rule("role_present", role="mentor"),
    rule("min_role_count", role="volunteer", count=3),
    rule("trainer_speaks_language", role="trainer"),
    rule("group_size"),
    rule("pregnancy_window"),
    rule("no_school_holidays"),
    rule("no_double_booking"),
    rule("fixed_facilitators", count=2),
)


def test_every_template_kind_is_checked_and_every_message_fills_in():
    violations = check(everything_wrong(), *ALL_RULES)
    # School hours do not count on a school holiday, which this session is on: tested on its own above.
    assert set(CONSTRAINT_KINDS) - {"no_school_hours"} <= set(kinds(violations))
    assert {"room_capacity", "room_open"} <= set(kinds(violations))
    for violation in violations:
        assert violation.message.msgid % violation.message.params


def test_cancelled_session_breaks_nothing():
    assert check(replace(everything_wrong(), status="cancelled"), *ALL_RULES) == ()


def test_think_template_mentor_absent_stops_the_lesson():
    think = builtin_templates()["think-op-school"]
    staff = (person(1, role="mentor", absent=True), person(2, role="guest_teacher"))
    violations = check_session(
        facts(members=25, staff=staff), think.constraints, think.min_group_size, think.max_group_size
    )
    (violation,) = violations
    assert violation.constraint == "role_present"
    assert violation.hard is True
    assert violation.message.msgid == MENTOR_MISSING
    present = (person(1, role="mentor"), person(2, role="guest_teacher"))
    assert check_session(facts(members=25, staff=present), think.constraints, 15, 32) == ()
