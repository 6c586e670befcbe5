"""When a participant's personal data is erased automatically. Pure.

Data is kept for `months` after the last meeting of the person's group, or after
they withdrew; a person still waiting for a group keeps it (they still want one).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later, or the month's last day when it is shorter."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@dataclass(frozen=True)
class RegistrationFacts:
    status: str
    withdrawn_at: datetime | None
    #: The start of the last meeting of the person's group; None when there is none yet.
    last_meeting: datetime | None


def ended_at(registration: RegistrationFacts) -> datetime | None:
    """When this registration's use of personal data ended; None while it goes on."""
    if registration.status == "withdrawn":
        return registration.withdrawn_at
    return registration.last_meeting


def erase_after(registrations: Iterable[RegistrationFacts], months: int) -> datetime | None:
    """The moment from which a participant's data may go; None while any registration needs it."""
    ends = [ended_at(r) for r in registrations]
    if not ends or any(end is None for end in ends):
        return None
    return add_months(max(e for e in ends if e is not None), months)


def is_due(registrations: Iterable[RegistrationFacts], months: int, now: datetime) -> bool:
    moment = erase_after(registrations, months)
    return moment is not None and moment <= now
