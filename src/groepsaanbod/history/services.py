"""Writing the history: record (one event, in the caller's transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.history.models import RegistrationEvent


@dataclass(frozen=True)
class Subject:
    """What an event is about: always a programme, often one of its cohorts or registrations."""

    programme_id: int
    cohort_id: int | None = None
    registration_id: int | None = None


def record(
    session: AsyncSession, now: datetime, subject: Subject, action: str, *, actor: int | None = None, **details: Any
) -> None:
    """One event, added to the caller's transaction; `actor` is None when the person or the system did it."""
    session.add(
        RegistrationEvent(
            programme_id=subject.programme_id,
            cohort_id=subject.cohort_id,
            registration_id=subject.registration_id,
            actor_staff_id=actor,
            action=action,
            details=details,
            at=now,
        )
    )
