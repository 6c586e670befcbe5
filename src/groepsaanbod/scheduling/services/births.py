"""After the birth: staff record a member's actual birth date, and the group's meetings after the
birth (CenteringPregnancy's meeting with the babies) move to the members' real dates: the week
after the birth counts from the last baby born (or the due date of who has not given birth yet),
so that every mother can come with her baby. Moved meetings are announced as any move is."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from groepsaanbod.access.roles import PROGRAMME_EDITORS
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.cohorts.errors import CohortNotFound
from groepsaanbod.cohorts.models import Cohort, CohortFacilitator
from groepsaanbod.db import lock_row, take_write_lock
from groepsaanbod.history.services import Subject, record
from groepsaanbod.i18n.formatting import local_date
from groepsaanbod.i18n.text import N_
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate
from groepsaanbod.programmes.services.set_up import template_data
from groepsaanbod.programmes.templates import Schedule
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.scheduling.closed_days import closed_days
from groepsaanbod.scheduling.errors import ScheduleRefused
from groepsaanbod.scheduling.models import Session, SessionStaff
from groepsaanbod.scheduling.services.context import TIMEZONE, session_context
from groepsaanbod.scheduling.services.notices import notify_session
from groepsaanbod.scheduling.sessions import MeetingTime, plan_pregnancy_sessions, to_utc
from groepsaanbod.scheduling.status import SessionStatus
from groepsaanbod.webhooks.services.record import organisation_of_programme, record_event

log = logging.getLogger(__name__)

#: A birth more than this long before the due date is taken for a typo.
EARLIEST_BEFORE_DUE = timedelta(weeks=20)
BIRTH_DATE_FUTURE = N_("This date of birth is in the future. Check the date.")
#: … and more than this long after it (a pregnancy lasts at most 42 weeks: due date + 2 weeks).
LATEST_AFTER_DUE = timedelta(weeks=4)
BIRTH_TOO_LATE = N_("This date of birth is more than 4 weeks after her due date (%(due)s). Check the date.")
BIRTH_TOO_EARLY = N_("This date of birth is more than 20 weeks before her due date (%(due)s). Check the date.")
NOT_BY_PREGNANCY_WEEK = N_("This group is not planned by pregnancy weeks.")


@dataclass(frozen=True)
class Birth:
    registration_id: int
    birth_date: date


#: Who records a birth besides coordinators and admins: the midwife, trainer (or mentor) who runs
#: the group's meetings, for a group they are planned on (access/privileges.py BIRTHS).
CARERS = frozenset({"midwife", "mentor", "trainer"})


async def record_birth(session: AsyncSession, viewer: Viewer, cohort_id: int, birth: Birth, *, now: datetime) -> int:
    """Store the birth date; the meetings after the birth are planned from the real dates. The
    number of meetings moved. Coordinators and admins of the organisation record it for any
    group; a midwife, mentor or trainer for a group they are planned on (else: not found)."""
    group = await group_of(session, cohort_id)
    if not await _may_record(session, viewer, group.cohort, group.programme.organisation_id):
        raise CohortNotFound()
    moved = await note_birth(session, group, birth, actor=viewer.staff_id, now=now)
    await session.commit()
    log.info("birth recorded", extra={"cohort_id": cohort_id, "moved": moved, "by": viewer.staff_id})
    return moved


async def _may_record(session: AsyncSession, viewer: Viewer, cohort: Cohort, organisation_id: int) -> bool:
    held = set(viewer.roles.get(organisation_id, ()))
    if held & PROGRAMME_EDITORS:
        return True
    if not held & CARERS:
        return False
    facilitator = select(CohortFacilitator.cohort_id).where(
        CohortFacilitator.cohort_id == cohort.id, CohortFacilitator.staff_id == viewer.staff_id
    )
    on_a_meeting = (
        select(SessionStaff.session_id)
        .join(Session, Session.id == SessionStaff.session_id)
        .where(Session.cohort_id == cohort.id, SessionStaff.staff_id == viewer.staff_id)
    )
    return bool(await session.scalar(select(or_(facilitator.exists(), on_a_meeting.exists()))))


@dataclass(frozen=True)
class GroupOf:
    """A group with its programme and template, already loaded and checked for the person."""

    cohort: Cohort
    programme: Programme
    template: ProgrammeTemplate


async def group_of(session: AsyncSession, cohort_id: int) -> GroupOf:
    """The group with what planning needs loaded (not checked for anyone: callers check access)."""
    cohort = await session.get(Cohort, cohort_id, populate_existing=True)
    programme = await session.get(Programme, cohort.programme_id) if cohort else None
    if cohort is None or programme is None:
        raise CohortNotFound()
    template = (
        await session.scalars(
            select(ProgrammeTemplate)
            .options(selectinload(ProgrammeTemplate.session_specs), selectinload(ProgrammeTemplate.constraints))
            .where(ProgrammeTemplate.id == cohort.template_id)
        )
    ).one()
    return GroupOf(cohort, programme, template)


async def note_birth(session: AsyncSession, group: GroupOf, birth: Birth, *, actor: int | None, now: datetime) -> int:
    """The birth stored and the meetings after it moved, not yet committed: the caller (this
    module, or the register that records it with a "gave birth" absence) commits it with the rest,
    or rolls all back. Refused (field "birth_date") in the future or long before the due date."""
    cohort, programme, template = group.cohort, group.programme, group.template
    if template.schedule != Schedule.PREGNANCY_WEEK:
        raise ScheduleRefused.single("cohort", NOT_BY_PREGNANCY_WEEK)
    await take_write_lock(session, Programme.__table__, programme.id)
    await lock_row(session, Cohort.__table__, cohort.id)
    await lock_row(session, Registration.__table__, birth.registration_id)
    registration = await session.get(
        Registration, birth.registration_id, populate_existing=True, options=[selectinload(Registration.participant)]
    )
    members = (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED)
    if registration is None or registration.cohort_id != cohort.id or registration.status not in members:
        raise CohortNotFound()
    person = registration.participant
    if birth.birth_date > local_date(now):
        raise ScheduleRefused.single("birth_date", BIRTH_DATE_FUTURE)
    if person.due_date is not None and birth.birth_date < person.due_date - EARLIEST_BEFORE_DUE:
        raise ScheduleRefused.single("birth_date", BIRTH_TOO_EARLY, due=person.due_date)
    if person.due_date is not None and birth.birth_date > person.due_date + LATEST_AFTER_DUE:
        raise ScheduleRefused.single("birth_date", BIRTH_TOO_LATE, due=person.due_date)
    if person.child_birth_date == birth.birth_date:
        return 0  # the register saved again: nothing new
    person.child_birth_date = birth.birth_date
    record(
        session,
        now,
        Subject(programme.id, registration_id=registration.id, cohort_id=cohort.id),
        "birth_recorded",
        actor=actor,
    )
    return await _plan_after_birth(session, actor, cohort, (programme, template), now)


async def _last_birth(session: AsyncSession, cohort_id: int) -> date | None:
    """The latest of the members' birth dates, and due dates of who has not given birth yet."""
    rows = await session.execute(
        select(Participant.child_birth_date, Participant.due_date)
        .join(Registration, Registration.participant_id == Participant.id)
        .where(
            Registration.cohort_id == cohort_id,
            Registration.status.in_((RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED)),
        )
    )
    dates = [when for born, due in rows if (when := born or due) is not None]
    return max(dates) if dates else None


async def _plan_after_birth(
    session: AsyncSession, actor: int | None, cohort: Cohort, of: tuple[Programme, ProgrammeTemplate], now: datetime
) -> int:
    programme, template = of
    last = await _last_birth(session, cohort.id)
    if last is None or cohort.reference_date is None or cohort.weekday is None or cohort.start_time is None:
        return 0  # not planned yet: planning will use the dates
    data = template_data(programme, template)
    years = range(last.year - 1, last.year + 2)
    at = MeetingTime(cohort.weekday, cohort.start_time, TIMEZONE)
    plan = plan_pregnancy_sessions(
        data.sessions, cohort.reference_date, at, closed=closed_days(years, None, school=False), birth_date=last
    )
    specs = sorted(template.session_specs, key=lambda s: s.position)
    wanted = {
        specs[p.spec_index].id: p.local_start
        for p in plan.sessions
        if p.spec_index is not None and specs[p.spec_index].timing == "weeks_after_birth"
    }
    rows = await session.scalars(
        select(Session).where(
            Session.cohort_id == cohort.id,
            Session.spec_id.in_(wanted),
            Session.status == SessionStatus.PLANNED,
            Session.starts_at > now,
        )
    )
    moved = 0
    for row in list(rows):
        local_start = wanted[row.spec_id] if row.spec_id is not None else row.local_start
        starts_at = to_utc(local_start, row.timezone)
        if local_start == row.local_start or starts_at <= now:
            continue
        old = row.starts_at
        row.local_start, row.starts_at = local_start, starts_at
        row.sequence += 1
        await session.flush()  # the meeting's context is read afresh from the database
        await notify_session(
            session, await session_context(session, row.id), "session_moved", now=now, old_starts_at=old
        )
        record(
            session,
            now,
            Subject(row.programme_id, cohort_id=cohort.id),
            "session_moved",
            actor=actor,
            session_id=row.id,
            old=old.isoformat(),
            new=row.starts_at.isoformat(),
        )
        await record_event(
            session,
            await organisation_of_programme(session, row.programme_id),
            "session.moved",
            {
                "session_id": row.id,
                "cohort_id": cohort.id,
                "programme_id": row.programme_id,
                "status": row.status,
                "old_starts_at": old,
                "starts_at": row.starts_at,
            },
            now,
        )
        moved += 1
    return moved
