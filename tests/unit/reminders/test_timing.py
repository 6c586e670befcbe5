from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from groepsaanbod.reminders.timing import due_hours

START = datetime(2027, 3, 2, 18, 30, tzinfo=UTC)


def test_two_days_and_two_hours_before():
    assert due_hours(START, [48, 2], START - timedelta(hours=49)) == []
    assert due_hours(START, [48, 2], START - timedelta(hours=48)) == [48]
    assert due_hours(START, [48, 2], START - timedelta(hours=3)) == [48]
    assert due_hours(START, [48, 2], START - timedelta(hours=2)) == [2]
    assert due_hours(START, [48, 2], START) == []


@given(st.integers(min_value=-400, max_value=400))
def test_at_most_one_reminder_and_never_after_the_start(minutes_before):
    now = START - timedelta(minutes=minutes_before)
    due = due_hours(START, [48, 24, 2], now)
    assert len(due) <= 1
    if minutes_before <= 0:
        assert due == []
