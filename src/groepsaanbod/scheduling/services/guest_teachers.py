"""THINK op school: a guest teacher for every lesson of the school year (plan_think_year), and
another one for a lesson whose guest teacher cannot come (take_over_lesson).

The solver (timetable.plan_guest_teachers, OR-Tools CP-SAT) proposes; the
independent checker (timetable.check_timetable) must find no hard violation
before anything is stored.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod import bounds
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import Role, Staff
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.db import lock_row
from groepsaanbod.history.services import Subject, record
from groepsaanbod.i18n.text import N_, Message, pick
from groepsaanbod.messaging.services.queue import MessageContent, Recipient, queue_message
from groepsaanbod.programmes.models import Programme
from groepsaanbod.programmes.services.set_up import get_programme, published_template
from groepsaanbod.programmes.templates import Formation
from groepsaanbod.refusals import Problem
from groepsaanbod.scheduling.errors import ScheduleRefused
from groepsaanbod.scheduling.models import Session, SessionStaff, StaffAbsence
from groepsaanbod.scheduling.services.context import MeetingContext
from groepsaanbod.scheduling.services.facts import is_free, session_end
from groepsaanbod.scheduling.services.think_availability import stored_teachers
from groepsaanbod.scheduling.status import SessionStatus
from groepsaanbod.scheduling.timetable import GuestTeacher, Lesson, check_timetable, plan_guest_teachers

log = logging.getLogger(__name__)
NOT_A_GUEST_TEACHER = N_("Person %(staff_id)s is not a guest teacher of this organisation.")
NOT_FOR_CLASSES = N_("This programme is not given to school classes.")


@dataclass(frozen=True)
class YearPlanOutcome:
    status: str
    lessons: int
    assigned: int
    hard_violations: int
    problems: tuple[Problem, ...]
    max_load: int
    min_load: int


def _week_key(moment: datetime) -> int:
    iso = moment.isocalendar()
    return iso.year * 100 + iso.week


def in_words(problems: tuple[Problem, ...]) -> tuple[Problem, ...]:
    """The planner counts weeks as year*100 + ISO week and days as 0..4; people read the Monday of
    the week as a date (shown in their language) and the day's name."""
    shown = []
    for problem in problems:
        params = dict(problem.message.params)
        week = params.get("week")
        if isinstance(week, int) and week > 100:
            monday = date.fromisocalendar(week // 100, week % 100, 1)
            params["week"] = monday
            day = params.get("day")
            if isinstance(day, int) and 1 <= day <= 7:
                params["day"] = monday + timedelta(days=day - 1)
        hour = params.get("hour")
        if isinstance(hour, int):
            params["hour"] = f"{hour // 100:02d}:{hour % 100:02d}"
        shown.append(Problem(problem.field, Message(problem.message.msgid, params)))
    return tuple(shown)


async def plan_think_year(
    session: AsyncSession, viewer: Viewer, programme_id: int, teachers: list[Any], *, now: datetime
) -> YearPlanOutcome:
    topics = (
        bounds.check_line(f"teachers[{i}].topics[{j}]", topic, bounds.SHORT_TEXT)
        for i, teacher in enumerate(teachers)
        for j, topic in enumerate(teacher.topics)
    )
    if problems := [p for p in topics if p is not None]:
        raise ScheduleRefused(problems)
    programme = await get_programme(session, viewer, programme_id)
    template = published_template(programme)
    if template is None or template.formation != Formation.SCHOOL_CLASS:
        raise ScheduleRefused.single("programme", NOT_FOR_CLASSES)
    allowed = set(
        await session.scalars(
            select(Role.staff_id).where(Role.organisation_id == programme.organisation_id, Role.role == "guest_teacher")
        )
    )
    pool = []
    for teacher in teachers:
        if teacher.staff_id not in allowed:
            raise ScheduleRefused.single("teachers", NOT_A_GUEST_TEACHER, staff_id=teacher.staff_id)
        pool.append(
            GuestTeacher(
                str(teacher.staff_id),
                frozenset(teacher.topics),
                frozenset(teacher.weekdays),
                max_lessons_per_week=teacher.max_lessons_per_week,
            )
        )
    if not teachers:  # none given: what the guest teachers' page keeps
        pool = [
            GuestTeacher(
                str(staff_id),
                frozenset(kept.topics),
                frozenset(kept.weekdays),
                frozenset(_week_key(datetime.combine(day, time())) for day in kept.weeks_off),
                kept.max_lessons_per_week,
            )
            for staff_id, kept in await stored_teachers(session, programme.organisation_id)
        ]
    rows = list(
        await session.execute(
            select(Session, Cohort)
            .join(Cohort, Cohort.id == Session.cohort_id)
            .where(
                Session.programme_id == programme_id,
                Session.status == SessionStatus.PLANNED,
                Cohort.school_class_id.is_not(None),
            )
            .order_by(Session.starts_at)
        )
    )
    lessons = [
        Lesson(
            str(s.id),
            programme.organisation.name,
            cohort.name,
            _week_key(s.local_start),
            s.local_start.weekday(),
            s.local_start.hour * 100 + s.local_start.minute,
            pick(s.topic, "nl"),
        )
        for s, cohort in rows
    ]
    result = plan_guest_teachers(lessons, pool)
    violations = check_timetable(lessons, pool, result.assignments) if result.assignments else ()
    if result.assignments and not violations:
        ids = [int(lesson.lesson_id) for lesson in lessons]
        await session.execute(
            delete(SessionStaff).where(SessionStaff.session_id.in_(ids), SessionStaff.role == "guest_teacher")
        )
        for assignment in result.assignments:
            session.add(
                SessionStaff(
                    session_id=int(assignment.lesson_id), staff_id=int(assignment.teacher_id), role="guest_teacher"
                )
            )
        for s, _ in rows:
            s.sequence += 1
        record(
            session, now, Subject(programme_id), "guest_teachers_planned", actor=viewer.staff_id, lessons=len(lessons)
        )
        await session.commit()
        log.info("guest teachers planned", extra={"programme_id": programme_id, "lessons": len(lessons)})
    return YearPlanOutcome(
        result.status,
        len(lessons),
        len(result.assignments) if not violations else 0,
        len(violations),
        in_words(tuple(result.problems) + tuple(violations)),
        result.max_load,
        result.min_load,
    )


async def _stand_ins(session: AsyncSession, about: MeetingContext, role: str, absent: int) -> list[Staff]:
    """Who of the organisation with `role` could take the lesson, locked, in id order. The locks
    follow the house order (programme, cohort, the meeting, then people) and are held until commit,
    so two lessons losing their guest teacher at once are handed out one after the other: the second
    sees the first one's stand-in booked and chooses another (or nobody). Whoever said they cannot
    come to a meeting at this hour is not asked to give another one then."""
    s, programme = about.meeting, about.programme
    await lock_row(session, Programme.__table__, programme.id)
    if s.cohort_id is not None:
        await lock_row(session, Cohort.__table__, s.cohort_id)
    await lock_row(session, Session.__table__, s.id)
    await session.refresh(s)  # what a take-over before ours changed (its sequence, its status)
    on_it = set(await session.scalars(select(SessionStaff.staff_id).where(SessionStaff.session_id == s.id)))
    said_no = select(StaffAbsence.staff_id).where(
        StaffAbsence.starts_at < session_end(s), StaffAbsence.ends_at > s.starts_at
    )
    candidates = (
        select(Staff.id)
        .join(Role, Role.staff_id == Staff.id)
        .where(
            Role.organisation_id == programme.organisation_id,
            Role.role == role,
            Staff.active.is_(True),
            Staff.id.not_in(on_it | {absent}),
            Staff.id.not_in(said_no),
        )
        .order_by(Staff.id)
    )
    ids = list(await session.scalars(candidates))
    for staff_id in ids:
        await lock_row(session, Staff.__table__, staff_id)
    people = list(await session.scalars(select(Staff).where(Staff.id.in_(ids)).order_by(Staff.id)))
    return [person for person in people if await is_free(session, person.id, s, programme.organisation_id)]


async def take_over_lesson(
    session: AsyncSession, about: MeetingContext, role: str, absent: int, now: datetime
) -> int | None:
    """Another person of the organisation with `role` who is free then takes the lesson of the absent one
    (the one with the fewest lessons still to come in this programme, so the load stays even) and is told.
    Returns who took it over, or None when nobody can (the caller cancels the lesson). The caller commits."""
    s, programme = about.meeting, about.programme
    free = await _stand_ins(session, about, role, absent)
    holders = set(
        await session.scalars(
            select(SessionStaff.staff_id).where(SessionStaff.session_id == s.id, SessionStaff.role == role)
        )
    )
    if absent not in holders and holders:
        return min(holders)  # taken over already, by an absence of the same person a moment before
    if not free:
        return None
    load = dict(
        (
            await session.execute(
                select(SessionStaff.staff_id, func.count())
                .join(Session, Session.id == SessionStaff.session_id)
                .where(
                    Session.programme_id == programme.id,
                    Session.status == SessionStatus.PLANNED,
                    Session.starts_at >= now,
                    SessionStaff.role == role,
                )
                .group_by(SessionStaff.staff_id)
            )
        ).all()
    )
    chosen = min(free, key=lambda person: (load.get(person.id, 0), person.id))
    await session.execute(
        delete(SessionStaff).where(
            SessionStaff.session_id == s.id, SessionStaff.staff_id == absent, SessionStaff.role == role
        )
    )
    session.add(SessionStaff(session_id=s.id, staff_id=chosen.id, role=role))
    s.sequence += 1
    await queue_message(
        session,
        Recipient(chosen.language, chosen.email, None),
        MessageContent(
            "lesson_taken_over",
            {
                "name": chosen.full_name,
                "programme": pick(programme.name, chosen.language),
                "group": about.cohort.name if about.cohort else "",
                "starts_at": s.starts_at,
                "timezone": s.timezone,
            },
        ),
        dedupe_key=f"session:{s.id}:taken_over:{s.sequence}:staff:{chosen.id}",
        organisation_id=programme.organisation_id,
        now=now,
    )
    record(
        session,
        now,
        Subject(s.programme_id, cohort_id=s.cohort_id),
        "lesson_taken_over",
        actor=None,
        session_id=s.id,
        staff_id=chosen.id,
        instead_of=absent,
    )
    log.info("lesson taken over", extra={"session_id": s.id, "staff_id": chosen.id})
    return chosen.id
