"""THINK op school: what each guest teacher gives and when (guest_teacher_pool,
set_guest_teacher_availability, stored_teachers), kept per organisation for the year planner,
and the year's lessons with their guest teachers (year_plan)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod import bounds
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import Role, Staff
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.history.services import Subject, record
from groepsaanbod.i18n.formatting import local_date
from groepsaanbod.i18n.text import N_, Message, pick
from groepsaanbod.programmes.models import Programme
from groepsaanbod.programmes.services.set_up import get_programme, published_template
from groepsaanbod.programmes.templates import Formation
from groepsaanbod.refusals import Problem
from groepsaanbod.scheduling.errors import ScheduleRefused, SessionNotFound
from groepsaanbod.scheduling.models import GuestTeacherAvailability, Session, SessionStaff
from groepsaanbod.scheduling.status import SessionStatus

log = logging.getLogger(__name__)

NOT_FOR_CLASSES = N_("This programme is not given to school classes.")
NO_TOPIC = N_("Choose at least one topic this guest teacher gives.")
NO_WEEKDAY = N_("Choose at least one school day this guest teacher can teach.")
TOO_MANY_WEEKS_OFF = N_("Give at most %(max)s weeks off.")
LESSONS_PER_WEEK = N_("The number of lessons per week must be a whole number from 1 to %(max)s.")
MAX_WEEKS_OFF = 52
MAX_LESSONS_PER_WEEK = 20
SCHOOL_DAYS = range(5)


@dataclass(frozen=True)
class TeacherAvailability:
    """What the form or API says: topics (as the template names them in Dutch), school days
    (0 = Monday .. 4 = Friday), any day of each week off, and the most lessons in one week."""

    topics: tuple[str, ...]
    weekdays: tuple[int, ...]
    weeks_off: tuple[date, ...]
    max_lessons_per_week: int


@dataclass(frozen=True)
class PoolTeacher:
    staff_id: int
    name: str
    availability: TeacherAvailability | None


@dataclass(frozen=True)
class ThinkPool:
    programme: Programme
    #: The lesson topics of the programme: (Dutch name, name in the reader's language).
    topics: tuple[tuple[str, str], ...]
    teachers: tuple[PoolTeacher, ...]


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


async def _think_programme(session: AsyncSession, viewer: Viewer, programme_id: int) -> Programme:
    programme = await get_programme(session, viewer, programme_id)
    template = published_template(programme)
    if template is None or template.formation != Formation.SCHOOL_CLASS:
        raise ScheduleRefused.single("programme", NOT_FOR_CLASSES)
    return programme


def _topics(programme: Programme, language: str) -> tuple[tuple[str, str], ...]:
    template = published_template(programme)
    specs = template.session_specs if template is not None else []
    return tuple(dict.fromkeys((pick(s.topic, "nl"), pick(s.topic, language)) for s in specs if s.topic))


def _stored(row: GuestTeacherAvailability) -> TeacherAvailability:
    return TeacherAvailability(
        tuple(row.topics),
        tuple(int(d) for d in row.weekdays),
        tuple(date.fromisoformat(d) for d in row.weeks_off),
        row.max_lessons_per_week,
    )


async def guest_teacher_pool(session: AsyncSession, viewer: Viewer, programme_id: int, language: str) -> ThinkPool:
    """The programme's topics and the organisation's guest teachers with what they said they give."""
    programme = await _think_programme(session, viewer, programme_id)
    people = list(
        await session.scalars(
            select(Staff)
            .join(Role, Role.staff_id == Staff.id)
            .where(
                Role.organisation_id == programme.organisation_id,
                Role.role == "guest_teacher",
                Staff.active.is_(True),
            )
            .order_by(Staff.full_name, Staff.id)
        )
    )
    rows = {
        row.staff_id: row
        for row in await session.scalars(
            select(GuestTeacherAvailability).where(
                GuestTeacherAvailability.organisation_id == programme.organisation_id
            )
        )
    }
    teachers = tuple(PoolTeacher(p.id, p.full_name, _stored(rows[p.id]) if p.id in rows else None) for p in people)
    return ThinkPool(programme, _topics(programme, language), teachers)


def _problems(availability: TeacherAvailability, topics: set[str], today: date) -> list[Problem]:
    problems: list[Problem] = []
    if not availability.topics or not set(availability.topics) <= topics:
        problems.append(Problem("topics", Message(NO_TOPIC)))
    if not availability.weekdays or not set(availability.weekdays) <= set(SCHOOL_DAYS):
        problems.append(Problem("weekdays", Message(NO_WEEKDAY)))
    if len(availability.weeks_off) > MAX_WEEKS_OFF:
        problems.append(Problem("weeks_off", Message(TOO_MANY_WEEKS_OFF, {"max": MAX_WEEKS_OFF})))
    window = bounds.meeting_window(today)
    for i, day in enumerate(availability.weeks_off[:MAX_WEEKS_OFF]):
        if (problem := bounds.check_date(f"weeks_off[{i}]", day, window)) is not None:
            problems.append(Problem("weeks_off", problem.message))
            break
    if not 1 <= availability.max_lessons_per_week <= MAX_LESSONS_PER_WEEK:
        problems.append(Problem("max_lessons_per_week", Message(LESSONS_PER_WEEK, {"max": MAX_LESSONS_PER_WEEK})))
    return problems


async def set_guest_teacher_availability(
    session: AsyncSession,
    viewer: Viewer,
    programme_id: int,
    staff_id: int,
    availability: TeacherAvailability,
    *,
    now: datetime,
) -> None:
    """Keep what a guest teacher gives and when (replacing what was kept). Someone who is not a guest
    teacher of the programme's organisation does not exist here (404)."""
    programme = await _think_programme(session, viewer, programme_id)
    org_id = programme.organisation_id
    is_guest = await session.scalar(
        select(Role.staff_id).where(
            Role.staff_id == staff_id, Role.organisation_id == org_id, Role.role == "guest_teacher"
        )
    )
    if is_guest is None:
        raise SessionNotFound()
    topics = {nl for nl, _ in _topics(programme, "nl")}
    if problems := _problems(availability, topics, local_date(now)):
        raise ScheduleRefused(problems)
    row = await session.scalar(
        select(GuestTeacherAvailability).where(
            GuestTeacherAvailability.organisation_id == org_id, GuestTeacherAvailability.staff_id == staff_id
        )
    )
    if row is None:
        row = GuestTeacherAvailability(organisation_id=org_id, staff_id=staff_id)
        session.add(row)
    row.topics = sorted(set(availability.topics))
    row.weekdays = sorted(set(availability.weekdays))
    row.weeks_off = sorted({monday_of(day).isoformat() for day in availability.weeks_off})
    row.max_lessons_per_week = availability.max_lessons_per_week
    record(
        session, now, Subject(programme_id), "guest_teacher_availability_set", actor=viewer.staff_id, staff_id=staff_id
    )
    await session.commit()
    log.info("guest teacher availability set", extra={"programme_id": programme_id, "staff_id": staff_id})


async def stored_teachers(session: AsyncSession, organisation_id: int) -> list[tuple[int, TeacherAvailability]]:
    """The kept availability of the organisation's guest teachers who still have the role."""
    rows = await session.scalars(
        select(GuestTeacherAvailability).where(
            GuestTeacherAvailability.organisation_id == organisation_id,
            GuestTeacherAvailability.staff_id.in_(
                select(Role.staff_id).where(Role.organisation_id == organisation_id, Role.role == "guest_teacher")
            ),
        )
    )
    return [(row.staff_id, _stored(row)) for row in rows]


@dataclass(frozen=True)
class PlannedLesson:
    starts_at: datetime
    timezone: str
    class_name: str
    topic: dict[str, str]
    #: The guest teachers' names; empty while the planner has not given the lesson one.
    guest_teachers: tuple[str, ...]


async def year_plan(session: AsyncSession, viewer: Viewer, programme_id: int, now: datetime) -> list[PlannedLesson]:
    """The programme's class lessons still to come, with who gives them."""
    await _think_programme(session, viewer, programme_id)
    rows = (
        await session.execute(
            select(Session, Cohort.name)
            .join(Cohort, Cohort.id == Session.cohort_id)
            .where(
                Session.programme_id == programme_id,
                Session.status == SessionStatus.PLANNED,
                Session.starts_at >= now,
                Cohort.school_class_id.is_not(None),
            )
            .order_by(Session.starts_at, Cohort.name)
        )
    ).all()
    names: dict[int, list[str]] = {}
    ids = [s.id for s, _ in rows]
    if ids:
        for session_id, name in (
            await session.execute(
                select(SessionStaff.session_id, Staff.full_name)
                .join(Staff, Staff.id == SessionStaff.staff_id)
                .where(SessionStaff.session_id.in_(ids), SessionStaff.role == "guest_teacher")
                .order_by(Staff.full_name)
            )
        ).all():
            names.setdefault(session_id, []).append(name)
    return [PlannedLesson(s.starts_at, s.timezone, name, dict(s.topic), tuple(names.get(s.id, ()))) for s, name in rows]
