"""Use cases of the participant's own side: own_place (what their page shows) and stop_taking_part."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.registration.models import Registration
from groepsaanbod.registration.services.registrations import (
    find_registration,
    link_after_stopping,
    withdraw_registration,
)
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.scheduling.models import Session
from groepsaanbod.scheduling.services.views import meetings_of


@dataclass(frozen=True)
class OwnPlace:
    """A registration as its person sees it: the group they are in and its meetings."""

    registration: Registration
    #: The group they are (or were, after stopping) placed in; None before a group is found.
    cohort: Cohort | None
    #: The group's meetings in time order; none after stopping.
    meetings: list[Session]

    @property
    def stopped(self) -> bool:
        return self.registration.status == RegistrationStatus.WITHDRAWN


async def own_place(session: AsyncSession, token: str, now: datetime) -> OwnPlace:
    """The registration behind a private link (RegistrationNotFound when there is none)."""
    return await place_of(session, await find_registration(session, token, now))


async def place_of(session: AsyncSession, registration: Registration) -> OwnPlace:
    if registration.cohort_id is None:
        return OwnPlace(registration, None, [])
    cohort = await session.get(Cohort, registration.cohort_id)
    if registration.status == RegistrationStatus.WITHDRAWN:
        return OwnPlace(registration, cohort, [])
    return OwnPlace(registration, cohort, await meetings_of(session, registration.cohort_id))


async def stop_taking_part(session: AsyncSession, token: str, now: datetime, retention_months: int) -> Registration:
    """Withdraw; the private link keeps working until the data is erased (retention)."""
    return await withdraw_registration(session, token, now, link_until=link_after_stopping(now, retention_months))
