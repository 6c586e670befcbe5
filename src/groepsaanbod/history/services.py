"""Writing the history: record (one event, in the caller's transaction)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.history.models import RegistrationEvent


def record(
    session: AsyncSession,
    now: datetime,
    programme_id: int,
    action: str,
    *,
    cohort_id: int | None = None,
    registration_id: int | None = None,
    actor: int | None = None,
    **details: Any,
) -> None:
    session.add(
        RegistrationEvent(
            programme_id=programme_id,
            cohort_id=cohort_id,
            registration_id=registration_id,
            actor_staff_id=actor,
            action=action,
            details=details,
            at=now,
        )
    )
