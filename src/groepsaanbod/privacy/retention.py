"""When a participant's personal data is erased automatically. Pure.

Data is kept for `months` after the person's use of the service ended, and goes when
every registration of theirs has ended:

- a registration whose group met ends with the group's last meeting;
- a withdrawn one ends when they stopped;
- one that never reached a meeting (pending, on a waiting list, or in a group that has
  not met) is a wait, and a wait ends at the first of: the due date (a pregnancy group is
  for before the birth), the day the child grows past the programme's ages, and
  `waiting_months` after the last change to the registration (signing up, being moved up
  or to another group). Until then the person may still get a group.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from groepsaanbod.registration.status import RegistrationStatus

#: GROEPSAANBOD_WAITING_MONTHS' default.
WAITING_MONTHS = 12


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later, or the month's last day when it is shorter."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def add_months_to_date(day: date, months: int) -> date:
    return add_months(datetime(day.year, day.month, day.day, tzinfo=UTC), months).date()


@dataclass(frozen=True)
class RegistrationFacts:
    status: str
    withdrawn_at: datetime | None
    #: The start of the last meeting of the person's group; None when there is none yet.
    last_meeting: datetime | None
    #: The last change to the registration: signing up, being moved up or moved, stopping.
    last_activity: datetime | None = None
    #: The due date, for a programme that asks it.
    due_date: date | None = None
    #: The day the child is older than the programme's ages, for a programme with ages.
    outgrown_on: date | None = None


def _start_of(day: date | None) -> datetime | None:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) if day is not None else None


def is_waiting(registration: RegistrationFacts) -> bool:
    """Not stopped, and no meeting of a group yet."""
    return registration.status != RegistrationStatus.WITHDRAWN and registration.last_meeting is None


def wait_ends(registration: RegistrationFacts, waiting_months: int = WAITING_MONTHS) -> datetime | None:
    after_last_change = (
        add_months(registration.last_activity, waiting_months) if registration.last_activity is not None else None
    )
    known = [
        m
        for m in (_start_of(registration.due_date), _start_of(registration.outgrown_on), after_last_change)
        if m is not None
    ]
    return min(known) if known else None


def ended_at(registration: RegistrationFacts, waiting_months: int = WAITING_MONTHS) -> datetime | None:
    """When this registration's use of personal data ended; None while it goes on."""
    if registration.status == RegistrationStatus.WITHDRAWN:
        return registration.withdrawn_at or registration.last_activity
    if registration.last_meeting is not None:
        return registration.last_meeting
    return wait_ends(registration, waiting_months)


def erase_after(
    registrations: Iterable[RegistrationFacts], months: int, waiting_months: int = WAITING_MONTHS
) -> datetime | None:
    """The moment from which a participant's data may go; None while any registration needs it."""
    ends = [ended_at(r, waiting_months) for r in registrations]
    if not ends or any(end is None for end in ends):
        return None
    return add_months(max(e for e in ends if e is not None), months)


def is_due(
    registrations: Iterable[RegistrationFacts], months: int, now: datetime, waiting_months: int = WAITING_MONTHS
) -> bool:
    moment = erase_after(registrations, months, waiting_months)
    return moment is not None and moment <= now
