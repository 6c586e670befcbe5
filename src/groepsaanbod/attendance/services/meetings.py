"""The meetings behind the registers: which ones a person may see (and how much of them: their
Sight), who is on the register of one, and the recent ones whose register is to be taken."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.privileges import REGISTERS, Sight
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.attendance import rules
from groepsaanbod.attendance.errors import RegisterNotFound
from groepsaanbod.attendance.models import Attendance, SessionRegister
from groepsaanbod.bounds import shifted
from groepsaanbod.cohorts.models import Cohort, CohortFacilitator
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate, SessionSpec
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.scheduling.models import Session, SessionStaff
from groepsaanbod.scheduling.status import SessionStatus


def assigned_to(staff_id: int) -> ColumnElement[bool]:
    """The meetings a person is assigned to: on the meeting's staff (the drop-in rota too),
    or a facilitator of its group."""
    return or_(
        exists().where(SessionStaff.session_id == Session.id, SessionStaff.staff_id == staff_id),
        exists().where(CohortFacilitator.cohort_id == Session.cohort_id, CohortFacilitator.staff_id == staff_id),
    )


def register_sight(viewer: Viewer, organisation_id: int) -> Sight:
    return REGISTERS.sight(viewer.roles.get(organisation_id, ()))


@dataclass(frozen=True)
class Meeting:
    """A meeting with a register, with what the register needs of it, and how much the viewer sees."""

    session: Session
    cohort: Cohort
    programme: Programme
    template: ProgrammeTemplate
    spec: SessionSpec | None
    sight: Sight


async def meeting_in_sight(session: AsyncSession, viewer: Viewer, session_id: int) -> Meeting:
    """The meeting, if the viewer may see its register (else RegisterNotFound, as for none)."""
    s = await session.get(Session, session_id, populate_existing=True)
    if s is None or s.cohort_id is None:
        raise RegisterNotFound()
    programme = await session.get(Programme, s.programme_id)
    sight = register_sight(viewer, programme.organisation_id) if programme else Sight.NONE
    if sight is Sight.ASSIGNED:
        # Not assigned: the same answer as for a meeting that does not exist.
        mine = await session.scalar(select(Session.id).where(Session.id == s.id, assigned_to(viewer.staff_id)))
        sight = sight if mine else Sight.NONE
    if programme is None or sight not in (Sight.ALL, Sight.ASSIGNED):
        raise RegisterNotFound()
    cohort = await session.get(Cohort, s.cohort_id)
    assert cohort is not None  # the meeting's foreign key
    template = await session.get(ProgrammeTemplate, cohort.template_id)
    assert template is not None  # the group's foreign key
    spec = await session.get(SessionSpec, s.spec_id) if s.spec_id else None
    return Meeting(s, cohort, programme, template, spec, sight)


async def members(session: AsyncSession, meeting: Meeting, *, drop_in: bool) -> list[Participant]:
    """Confirmed members who had joined by the meeting's end, and anyone already marked
    (someone who withdrew later keeps their marks). Drop-ins: visitors registered for the
    programme, who agreed at sign-up that their information is used for it."""
    s = meeting.session
    ends = shifted(s.starts_at, timedelta(minutes=s.duration_minutes))
    joined = select(Registration.participant_id).where(
        Registration.status == RegistrationStatus.CONFIRMED,
        or_(Registration.confirmed_at.is_(None), Registration.confirmed_at <= ends),
        (Registration.programme_id == s.programme_id) if drop_in else (Registration.cohort_id == meeting.cohort.id),
    )
    if drop_in:
        joined = joined.where(Registration.consented_at.is_not(None))
    marked = select(Attendance.participant_id).where(
        Attendance.session_id == s.id, Attendance.participant_id.is_not(None)
    )
    return list(
        await session.scalars(
            select(Participant)
            .where(or_(Participant.id.in_(joined), Participant.id.in_(marked)))
            .order_by(Participant.full_name, Participant.id)
        )
    )


async def recent_sessions(session: AsyncSession, viewer: Viewer, now: datetime) -> list[tuple[Session, Cohort, bool]]:
    """Meetings of the person's organisations from the last 7 days and today, newest first,
    each with whether its register was taken. Helpers see only the meetings they are assigned to."""
    by_sight = {org: register_sight(viewer, org) for org in viewer.roles}
    whole = [org for org, sight in by_sight.items() if sight is Sight.ALL]
    assigned = [org for org, sight in by_sight.items() if sight is Sight.ASSIGNED]
    visible = or_(
        Programme.organisation_id.in_(whole) if whole else false(),
        and_(Programme.organisation_id.in_(assigned), assigned_to(viewer.staff_id)) if assigned else false(),
    )
    rows = await session.execute(
        select(Session, Cohort, SessionRegister.session_id.is_not(None))
        .join(Cohort, Cohort.id == Session.cohort_id)
        .join(Programme, Programme.id == Session.programme_id)
        .outerjoin(SessionRegister, SessionRegister.session_id == Session.id)
        .where(
            visible,
            Session.status != SessionStatus.CANCELLED,
            Session.starts_at >= now - rules.OPEN_FOR - timedelta(days=1),
            Session.starts_at <= now + timedelta(hours=12),
        )
        .order_by(Session.starts_at.desc())
    )
    return [(s, c, bool(done)) for s, c, done in rows.all()]


async def programmes_by_id(session: AsyncSession) -> dict[int, Programme]:
    """Every programme by its id: the list of recent meetings names each meeting's programme."""
    return {p.id: p for p in await session.scalars(select(Programme))}
