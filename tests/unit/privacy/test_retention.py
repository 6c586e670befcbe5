from datetime import UTC, datetime

from groepsaanbod.privacy.retention import RegistrationFacts, add_months, erase_after, is_due

T = datetime(2026, 1, 31, 10, 0, tzinfo=UTC)


def test_months_are_calendar_months():
    assert add_months(T, 1) == datetime(2026, 2, 28, 10, 0, tzinfo=UTC)
    assert add_months(T, 12) == datetime(2027, 1, 31, 10, 0, tzinfo=UTC)
    assert add_months(datetime(2027, 2, 28, tzinfo=UTC), 12) == datetime(2028, 2, 28, tzinfo=UTC)


def test_kept_while_any_registration_still_needs_it():
    done = RegistrationFacts("confirmed", None, T)
    waiting = RegistrationFacts("pending", None, None)
    stopped = RegistrationFacts("withdrawn", datetime(2026, 3, 1, tzinfo=UTC), None)
    assert erase_after([done], 12) == datetime(2027, 1, 31, 10, 0, tzinfo=UTC)
    assert erase_after([done, waiting], 12) is None
    assert erase_after([done, stopped], 12) == datetime(2027, 3, 1, tzinfo=UTC)
    assert erase_after([], 12) is None
    assert not is_due([done], 12, datetime(2027, 1, 31, 9, 59, tzinfo=UTC))
    assert is_due([done], 12, datetime(2027, 1, 31, 10, 0, tzinfo=UTC))
