"""Her support needs on her own page: see them (own_support) and change them (change_support).

Asked once at sign-up (registration/support.py gives the shape and the checks); she can change
them here while she takes part. Each change is recorded in the registration's history, with
which kinds of help she asks for (not the note she wrote)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.history.services import Subject, record
from groepsaanbod.i18n.text import N_
from groepsaanbod.registration.errors import RegistrationRefused
from groepsaanbod.registration.models import Registration
from groepsaanbod.registration.services.registrations import find_registration
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.registration.support import SupportAnswers, check_support

log = logging.getLogger(__name__)

STOPPED = N_("You have stopped with this programme, so there is no help to arrange. Sign up again to take part.")


def asked_kinds(support: dict[str, Any] | None) -> list[str]:
    """Which kinds of help are asked for, without what she wrote."""
    if not support:
        return []
    kinds = [k for k in ("interpreter", "children", "partner", "travel") if support.get(k)]
    return kinds + (["access"] if support.get("access") or support.get("access_note") else [])


async def own_support(session: AsyncSession, token: str, now: datetime) -> Registration:
    """The registration behind her private link, with its support needs."""
    return await find_registration(session, token, now)


async def change_support(session: AsyncSession, token: str, answers: SupportAnswers, now: datetime) -> Registration:
    """Replace her support needs by these answers (all empty: she asks for nothing). Refused,
    nothing is saved; after stopping there is nothing to change."""
    registration = await find_registration(session, token, now)
    if registration.status == RegistrationStatus.WITHDRAWN:
        raise RegistrationRefused.single("support", STOPPED)
    support, problems = check_support(answers)
    if problems:
        raise RegistrationRefused(tuple(problems))
    registration.support = support
    record(
        session,
        now,
        Subject(registration.programme_id, registration_id=registration.id, cohort_id=registration.cohort_id),
        "support_changed",
        asks=asked_kinds(support),
    )
    await session.commit()
    log.info("support needs changed", extra={"registration_id": registration.id, "asks": asked_kinds(support)})
    return registration
