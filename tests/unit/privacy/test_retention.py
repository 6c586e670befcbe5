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


# Registrations that never reached a group: their wait ends on the due date, on the day the
# child grows past the programme's ages, or `waiting_months` after the last change, whichever
# comes first; the data goes `months` after that, as after stopping.
SIGNED_UP = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def test_a_wait_ends_on_the_due_date():
    from datetime import date

    pregnant = RegistrationFacts("pending", None, None, last_activity=SIGNED_UP, due_date=date(2027, 5, 19))
    assert erase_after([pregnant], 12, waiting_months=12) == datetime(2028, 5, 19, tzinfo=UTC)
    assert not is_due([pregnant], 12, datetime(2028, 5, 18, 23, 59, tzinfo=UTC), waiting_months=12)
    assert is_due([pregnant], 12, datetime(2028, 5, 19, tzinfo=UTC), waiting_months=12)


def test_a_wait_ends_when_the_child_outgrows_the_programme_or_after_the_waiting_time():
    from datetime import date

    nearly_four = RegistrationFacts("waitlisted", None, None, last_activity=SIGNED_UP, outgrown_on=date(2027, 2, 1))
    assert erase_after([nearly_four], 12, waiting_months=12) == datetime(2028, 2, 1, tzinfo=UTC)
    young = RegistrationFacts("pending", None, None, last_activity=SIGNED_UP, outgrown_on=date(2034, 1, 1))
    assert erase_after([young], 12, waiting_months=12) == datetime(2028, 11, 30, 10, 0, tzinfo=UTC)
    assert erase_after([young], 12, waiting_months=6) == datetime(2028, 5, 30, 10, 0, tzinfo=UTC)
    # A group without meetings yet is still a wait, also for its confirmed members.
    placed = RegistrationFacts("confirmed", None, None, last_activity=SIGNED_UP)
    assert erase_after([placed], 12, waiting_months=12) == datetime(2028, 11, 30, 10, 0, tzinfo=UTC)
    # Nothing known about the wait at all: kept (the worker cannot tell when it ends).
    assert erase_after([RegistrationFacts("pending", None, None)], 12) is None


def test_the_latest_end_of_a_persons_registrations_counts():
    from datetime import date

    waiting = RegistrationFacts("pending", None, None, last_activity=SIGNED_UP, due_date=date(2027, 5, 19))
    done = RegistrationFacts("confirmed", None, datetime(2027, 9, 1, tzinfo=UTC))
    assert erase_after([waiting, done], 12, waiting_months=12) == datetime(2028, 9, 1, tzinfo=UTC)
    stopped = RegistrationFacts("withdrawn", None, None, last_activity=SIGNED_UP)
    assert erase_after([stopped], 12) == datetime(2027, 11, 30, 10, 0, tzinfo=UTC)
