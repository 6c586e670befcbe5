"""Late joiners: a coordinator adds a waiting person to a confirmed group that still has room and
has not passed the template's last joining meeting; she gets a place and is told her dates, in
her language. Locks in the order of issue 14: programme, cohort, registration. (In scheduling,
not cohorts: whether joining is still open, and the dates she is told, are the group's meetings.)"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.cohorts import errors
from groepsaanbod.cohorts.models import Cohort, CohortStatus
from groepsaanbod.cohorts.services.loading import load_cohort
from groepsaanbod.db import lock_row, take_write_lock
from groepsaanbod.history.services import Subject, record
from groepsaanbod.i18n.formatting import local_date
from groepsaanbod.i18n.text import N_, pick
from groepsaanbod.messaging.services.queue import MessageContent, queue_message
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate
from groepsaanbod.programmes.pregnancy_weeks import latest_join_week, too_far_along
from groepsaanbod.registration.models import Registration
from groepsaanbod.registration.services.recipients import participant_recipient
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.scheduling.models import Session
from groepsaanbod.scheduling.services.context import TIMEZONE
from groepsaanbod.scheduling.status import SessionStatus

log = logging.getLogger(__name__)

NOT_CONFIRMED = N_("Only a confirmed group can take a late joiner. Move people into a proposed group instead.")
GROUP_FULL = N_("This group is full: it has %(count)s people, at most %(max)s.")
JOINING_OVER = N_(
    "This group can no longer take new people: meeting %(number)s, the last one to join before, was on %(date)s."
)
JOINING_LEFT_OUT = N_(
    "This group can no longer take new people: it started after meeting %(number)s, the last one to join before."
)
NOT_WAITING = N_("This person is not waiting for a group. Choose someone who is waiting.")
NOT_SAME_KIND = N_("This person chose another language or place than this group.")
TOO_FAR_ALONG = N_("This person is more than %(weeks)s weeks pregnant: too late to join a group.")
#: A group's meetings people still have when they join, at most this many are listed in the message.
LISTED_MEETINGS = 20


def _waiting(registration: Registration) -> bool:
    """Waiting for a group (no group yet), or on a group's waiting list."""
    return (
        registration.status == RegistrationStatus.PENDING and registration.cohort_id is None
    ) or registration.status == RegistrationStatus.WAITLISTED


async def _size(session: AsyncSession, cohort_id: int) -> int:
    members = (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED)
    return (
        await session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(Registration.cohort_id == cohort_id, Registration.status.in_(members))
        )
        or 0
    )


async def _check_joining_open(
    session: AsyncSession, cohort: Cohort, template: ProgrammeTemplate, now: datetime
) -> None:
    """The template's last joining meeting (else the group's last meeting) has not begun, and was
    not left out of the plan because its date had passed."""
    rows = (
        await session.execute(
            select(Session.number, Session.starts_at).where(Session.cohort_id == cohort.id).order_by(Session.number)
        )
    ).all()
    if not rows:
        return  # not planned yet
    last = template.rules.get("joinable_until_meeting") or rows[-1].number
    if rows[0].number > last:
        raise errors.CohortRefused.single("cohort", JOINING_LEFT_OUT, number=last)
    for row in rows:
        if row.number == last and row.starts_at <= now:
            raise errors.CohortRefused.single("cohort", JOINING_OVER, number=row.number, date=local_date(row.starts_at))


async def add_late_joiner(
    session: AsyncSession, viewer: Viewer, cohort_id: int, registration_id: int, *, now: datetime
) -> Cohort:
    """The waiting person gets a place in the confirmed group, and a message with her dates."""
    cohort, programme, template = await load_cohort(session, viewer, cohort_id)
    await take_write_lock(session, Programme.__table__, programme.id)
    await lock_row(session, Cohort.__table__, cohort.id)
    await lock_row(session, Registration.__table__, registration_id)
    cohort = await session.get_one(Cohort, cohort.id, populate_existing=True)
    registration = await session.get(
        Registration, registration_id, populate_existing=True, options=[selectinload(Registration.participant)]
    )
    if registration is None or registration.programme_id != programme.id:
        raise errors.CohortNotFound()
    if cohort.status != CohortStatus.CONFIRMED:
        raise errors.CohortRefused.single("cohort", NOT_CONFIRMED)
    if not _waiting(registration):
        raise errors.CohortRefused.single("registration_id", NOT_WAITING)
    if (registration.language, registration.place) != (cohort.language, cohort.place):
        raise errors.CohortRefused.single("registration_id", NOT_SAME_KIND)
    person = registration.participant
    latest = latest_join_week(template.rules)
    if person.due_date is not None and too_far_along(person.due_date, local_date(now), latest):
        raise errors.CohortRefused.single("registration_id", TOO_FAR_ALONG, weeks=latest)
    size = await _size(session, cohort.id)
    if size >= template.max_group_size:
        raise errors.CohortRefused.single("cohort", GROUP_FULL, count=size, max=template.max_group_size)
    await _check_joining_open(session, cohort, template, now)

    was = registration.cohort_id
    registration.cohort_id, registration.status = cohort.id, RegistrationStatus.CONFIRMED
    registration.confirmed_at, registration.waitlist_position = now, None
    await queue_message(
        session,
        participant_recipient(person),
        MessageContent(
            "late_joiner_added",
            {
                "name": person.full_name,
                "programme": pick(programme.name, person.language),
                "group": cohort.name,
                "meetings": await _coming_meetings(session, cohort.id, now),
                "timezone": TIMEZONE,
            },
        ),
        dedupe_key=f"registration:{registration.id}:late_joiner:{cohort.id}",
        organisation_id=programme.organisation_id,
        now=now,
    )
    record(
        session,
        now,
        Subject(programme.id, registration_id=registration.id, cohort_id=cohort.id),
        "late_joiner_added",
        actor=viewer.staff_id,
        was=was,
    )
    await session.commit()
    log.info("late joiner added", extra={"cohort_id": cohort.id, "by": viewer.staff_id})
    return cohort


async def _coming_meetings(session: AsyncSession, cohort_id: int, now: datetime) -> list[datetime]:
    return list(
        await session.scalars(
            select(Session.starts_at)
            .where(Session.cohort_id == cohort_id, Session.starts_at > now, Session.status == SessionStatus.PLANNED)
            .order_by(Session.starts_at)
            .limit(LISTED_MEETINGS)
        )
    )
