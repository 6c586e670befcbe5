"""Who works in an organisation's schedules, when they join or leave it:
release_staff, take_up_mentorships, place_mentor. The caller (membership) opens the transaction
and commits; nothing here checks permissions."""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.cohorts.models import Cohort, CohortFacilitator, SchoolClass
from groepsaanbod.programmes.models import Programme
from groepsaanbod.scheduling.models import Session, SessionStaff, StaffAvailability
from groepsaanbod.scheduling.status import SessionStatus

log = logging.getLogger(__name__)


async def release_staff(session: AsyncSession, staff_id: int, organisation_ids: Collection[int], now: datetime) -> int:
    """End what a person's roles in these organisations allowed: their place on meetings
    still to come and in groups, their working hours there, and the mentorship of those
    organisations' classes. Meetings already held keep who led them. Returns how many
    meetings lost the person (their feeds change: SEQUENCE goes up)."""
    orgs = list(organisation_ids)
    programmes = select(Programme.id).where(Programme.organisation_id.in_(orgs))
    to_come = select(Session.id).where(Session.programme_id.in_(programmes), Session.starts_at >= now)
    meetings = set(
        await session.scalars(
            select(SessionStaff.session_id).where(
                SessionStaff.staff_id == staff_id, SessionStaff.session_id.in_(to_come)
            )
        )
    )
    if meetings:
        await session.execute(
            delete(SessionStaff).where(SessionStaff.staff_id == staff_id, SessionStaff.session_id.in_(meetings))
        )
        await session.execute(update(Session).where(Session.id.in_(meetings)).values(sequence=Session.sequence + 1))
    await session.execute(
        delete(CohortFacilitator).where(
            CohortFacilitator.staff_id == staff_id,
            CohortFacilitator.cohort_id.in_(select(Cohort.id).where(Cohort.programme_id.in_(programmes))),
        )
    )
    await session.execute(
        delete(StaffAvailability).where(
            StaffAvailability.staff_id == staff_id, StaffAvailability.organisation_id.in_(orgs)
        )
    )
    await session.execute(
        update(SchoolClass)
        .where(SchoolClass.organisation_id.in_(orgs), SchoolClass.mentor_id == staff_id)
        .values(mentor_id=None)
    )
    log.info("staff released from schedules", extra={"staff_id": staff_id, "meetings": len(meetings)})
    return len(meetings)


async def take_up_mentorships(session: AsyncSession, invitation_id: int, staff_id: int) -> int:
    """The classes that waited for this invitation get the person who accepted it as mentor,
    on their groups and on every lesson of those groups still planned."""
    waiting = list(
        await session.scalars(
            select(SchoolClass.id).where(
                SchoolClass.mentor_invitation_id == invitation_id, SchoolClass.mentor_id.is_(None)
            )
        )
    )
    # An UPDATE's result is a CursorResult, which counts the rows it changed.
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(SchoolClass)
            .where(SchoolClass.mentor_invitation_id == invitation_id, SchoolClass.mentor_id.is_(None))
            .values(mentor_id=staff_id)
        ),
    )
    if result.rowcount:
        log.info("mentor took up classes", extra={"staff_id": staff_id, "classes": result.rowcount})
    if waiting:
        cohorts = list(await session.scalars(select(Cohort.id).where(Cohort.school_class_id.in_(waiting))))
        await place_mentor(session, cohorts, staff_id)
    return result.rowcount or 0


async def place_mentor(session: AsyncSession, cohort_ids: Collection[int], staff_id: int) -> int:
    """The mentor on these classes' groups and on each of their lessons still planned (so no lesson
    shows the mentor missing). Returns how many lessons gained them (their feeds change)."""
    for cohort_id in cohort_ids:
        if await session.get(CohortFacilitator, (cohort_id, staff_id, "mentor")) is None:
            session.add(CohortFacilitator(cohort_id=cohort_id, staff_id=staff_id, role="mentor"))
    lessons = list(
        await session.scalars(
            select(Session).where(
                Session.cohort_id.in_(list(cohort_ids)),
                Session.status == SessionStatus.PLANNED,
                Session.id.not_in(
                    select(SessionStaff.session_id).where(
                        SessionStaff.staff_id == staff_id, SessionStaff.role == "mentor"
                    )
                ),
            )
        )
    )
    for lesson in lessons:
        session.add(SessionStaff(session_id=lesson.id, staff_id=staff_id, role="mentor"))
        lesson.sequence += 1
    await session.flush()
    return len(lessons)
