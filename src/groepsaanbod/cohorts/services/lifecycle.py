"""An open group's life after it started (Triple P and kin): it closes for joining (by the
coordinator, or by itself at the template's last joining meeting, see close_group), reopens, and
ends. When a group closes its waiting list waits for the next group of its language and place,
which starts by itself at the minimum, as the first did (registration/services/offers.py).

Locks in the one order (db.lock_row): the programme, then the cohort, then registrations."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.cohorts import errors
from groepsaanbod.cohorts.models import Cohort, CohortStatus
from groepsaanbod.cohorts.services.loading import LoadedCohort, load_cohort
from groepsaanbod.db import begin_writing, lock_row
from groepsaanbod.history.services import Subject, record
from groepsaanbod.i18n.text import N_
from groepsaanbod.programmes.models import Programme
from groepsaanbod.programmes.templates import Formation
from groepsaanbod.registration.models import Registration
from groepsaanbod.registration.services.offers import GroupWish, place_waiting, wait_for_next_group
from groepsaanbod.registration.status import RegistrationStatus

log = logging.getLogger(__name__)

NOT_OPEN_GROUP = N_("Only a group that people join by signing up (an open group) can be closed or reopened.")
ALREADY_CLOSED = N_("This group is already closed for new people.")
ALREADY_OPEN = N_("This group already takes new people.")
ANOTHER_OPEN = N_("Another group of this language and place takes new people now: %(group)s. Close it first.")
ENDED = N_("This group has ended. It cannot be changed any more.")

#: The statuses of a group that still meets (and can be closed, reopened or ended).
_LIVE = (CohortStatus.FORMING, CohortStatus.CONFIRMED, CohortStatus.RUNNING)


@dataclass(frozen=True)
class Change:
    """Who changes a group, when, and the address messages link to (coordinators' notices)."""

    now: datetime
    base_url: str
    actor: int | None = None


async def _locked(session: AsyncSession, cohort_id: int) -> Cohort:
    """The cohort as it is once its programme's and its own locks are held."""
    await begin_writing(session)
    programme_id = await session.scalar(select(Cohort.programme_id).where(Cohort.id == cohort_id))
    if programme_id is None:
        raise errors.CohortNotFound()
    await lock_row(session, Programme.__table__, programme_id)
    await lock_row(session, Cohort.__table__, cohort_id)
    cohort = await session.get(Cohort, cohort_id, populate_existing=True)
    if cohort is None:
        raise errors.CohortNotFound()
    return cohort


def _must_be_open_kind(cohort: Cohort) -> None:
    if cohort.status not in _LIVE:
        raise errors.CohortRefused.single("cohort", ENDED)
    if cohort.school_class_id is not None or cohort.status == CohortStatus.PROPOSED:
        raise errors.CohortRefused.single("cohort", NOT_OPEN_GROUP)


def _must_be_enrolment(loaded: LoadedCohort) -> None:
    if loaded.template.formation != Formation.ENROLMENT:
        raise errors.CohortRefused.single("cohort", NOT_OPEN_GROUP)


async def _waiting(session: AsyncSession, cohort_id: int, *statuses: RegistrationStatus) -> list[Registration]:
    return list(
        await session.scalars(
            select(Registration)
            .options(selectinload(Registration.participant))
            .where(Registration.cohort_id == cohort_id, Registration.status.in_(statuses))
            .order_by(Registration.waitlist_position, Registration.id)
        )
    )


async def close_group(session: AsyncSession, cohort_id: int, change: Change) -> Cohort:
    """Close the group for new people: new sign-ups and its waiting list go towards the next group
    of its language and place (which starts now if enough wait). Open offers stand. The caller
    commits; coordinators use close_cohort, the worker close_groups_due (scheduling)."""
    cohort = await _locked(session, cohort_id)
    _must_be_open_kind(cohort)
    if not cohort.accepts_registrations:
        raise errors.CohortRefused.single("cohort", ALREADY_CLOSED)
    cohort.accepts_registrations = False
    waiting = await _waiting(session, cohort.id, RegistrationStatus.WAITLISTED)
    record(
        session,
        change.now,
        Subject(cohort.programme_id, cohort_id=cohort.id),
        "cohort_closed",
        actor=change.actor,
        waiting=len(waiting),
    )
    await session.flush()
    await wait_for_next_group(session, waiting, now=change.now, base_url=change.base_url)
    if not waiting:  # people who waited already may be enough for the next group now
        wish = GroupWish(cohort.programme_id, cohort.language, cohort.place)
        await place_waiting(session, wish, now=change.now, base_url=change.base_url)
    log.info("cohort closed", extra={"cohort_id": cohort.id, "waiting": len(waiting), "by": change.actor})
    return cohort


async def close_cohort(session: AsyncSession, viewer: Viewer, cohort_id: int, change: Change) -> Cohort:
    """The coordinator closes a group for new people (another organisation's: not found)."""
    _must_be_enrolment(await load_cohort(session, viewer, cohort_id))
    cohort = await close_group(session, cohort_id, change)
    await session.commit()
    return cohort


async def reopen_cohort(session: AsyncSession, viewer: Viewer, cohort_id: int, change: Change) -> Cohort:
    """The group takes new people again, when no other group of its language and place does; people
    who wait for a group of its language and place join it (up to its size, then its waiting list)."""
    _must_be_enrolment(await load_cohort(session, viewer, cohort_id))
    cohort = await _locked(session, cohort_id)
    _must_be_open_kind(cohort)
    if cohort.accepts_registrations:
        raise errors.CohortRefused.single("cohort", ALREADY_OPEN)
    other = await session.scalar(
        select(Cohort).where(
            Cohort.programme_id == cohort.programme_id,
            Cohort.id != cohort.id,
            Cohort.accepts_registrations.is_(True),
            Cohort.language == cohort.language,
            Cohort.place == cohort.place,
            Cohort.status.in_(_LIVE),
        )
    )
    if other is not None:
        raise errors.CohortRefused.single("cohort", ANOTHER_OPEN, group=other.name)
    cohort.accepts_registrations = True
    record(
        session, change.now, Subject(cohort.programme_id, cohort_id=cohort.id), "cohort_reopened", actor=change.actor
    )
    await session.flush()
    await place_waiting(
        session,
        GroupWish(cohort.programme_id, cohort.language, cohort.place),
        now=change.now,
        base_url=change.base_url,
    )
    await session.commit()
    log.info("cohort reopened", extra={"cohort_id": cohort.id, "by": change.actor})
    return cohort


async def end_cohort(session: AsyncSession, viewer: Viewer, cohort_id: int, change: Change) -> Cohort:
    """The group has ended (its course is over): it takes nobody any more; its waiting list and open
    offers wait for the next group of its language and place. Its members and register stay."""
    await load_cohort(session, viewer, cohort_id)
    cohort = await _locked(session, cohort_id)
    if cohort.status not in _LIVE or cohort.school_class_id is not None:
        raise errors.CohortRefused.single("cohort", ENDED if cohort.status not in _LIVE else NOT_OPEN_GROUP)
    cohort.status, cohort.accepts_registrations = CohortStatus.COMPLETED, False
    waiting = await _waiting(session, cohort.id, RegistrationStatus.WAITLISTED, RegistrationStatus.OFFERED)
    record(
        session,
        change.now,
        Subject(cohort.programme_id, cohort_id=cohort.id),
        "cohort_ended",
        actor=change.actor,
        waiting=len(waiting),
    )
    await session.flush()
    await wait_for_next_group(session, waiting, now=change.now, base_url=change.base_url)
    await session.commit()
    log.info("cohort ended", extra={"cohort_id": cohort.id, "by": change.actor})
    return cohort
