"""Assign guest teachers to a school year of THINK lessons with a constraint solver. Pure.

Every first-year class has one lesson of one hour each school week; each lesson has
a topic; a guest teacher from a partner organisation gives it. `plan_guest_teachers`
picks one guest teacher per lesson with OR-Tools CP-SAT so that all hard rules hold:

- the teacher gives the lesson's topic, teaches on its weekday, is not away that week,
  and may teach at that school;
- a teacher has at most one lesson at the same (week, weekday, hour): one person
  cannot be at two schools at once;
- a teacher has at most `max_lessons_per_week` lessons in a week.

Among the schedules that keep the rules, it prefers a balanced year: the smallest
difference between the most and the fewest lessons a teacher gives, counted over the
teachers who can give at least one of the lessons.

The solver starts from a schedule a min-cost flow finds in milliseconds (the rules nest
per teacher: time within week within year, so a flow network holds them exactly, and a
load-squared cost spreads the load evenly); CP-SAT then proves it best or improves it.
The CP-SAT model stays the place where new rules go that a flow cannot express.

`check_timetable` checks a schedule against the same rules without the solver, so a
schedule is trusted on the checker's word, not the solver's.

No database, no framework, no clock: the caller passes the lessons and teachers and
receives assignments or the reasons why none exist, as `Problem`s to be shown in the
coordinator's language.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ortools.sat.python import cp_model

from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.refusals import Problem
from groepsaanbod.scheduling.timetable.diagnosis import (
    DIAGNOSIS_SECONDS_PER_WEEK,
    NO_TEACHER,
    SLOT_SHORTFALL,
    TOPIC_SHORTFALL,
    TOPIC_TIGHT,
    WEEK_SHORTFALL,
    WEEK_TIGHT,
)

# Named here, where plan_guest_teachers looks them up: a test puts a solver without time in its place.
from groepsaanbod.scheduling.timetable.diagnosis import explain as _explain
from groepsaanbod.scheduling.timetable.diagnosis import precheck as _precheck
from groepsaanbod.scheduling.timetable.model import RANDOM_SEED
from groepsaanbod.scheduling.timetable.model import build_model as _model
from groepsaanbod.scheduling.timetable.model import flow_start as _flow_start
from groepsaanbod.scheduling.timetable.model import solver as _solver
from groepsaanbod.scheduling.timetable.rules import (
    ASSIGNED_TWICE,
    AWAY_THAT_WEEK,
    DOUBLE_BOOKED,
    FEASIBLE,
    INFEASIBLE,
    NOT_ASSIGNED,
    OPTIMAL,
    TOO_MANY_IN_WEEK,
    UNKNOWN,
    UNKNOWN_LESSON,
    UNKNOWN_TEACHER,
    WRONG_SCHOOL,
    WRONG_TOPIC,
    WRONG_WEEKDAY,
    Assignment,
    GuestTeacher,
    Lesson,
    TimetableResult,
    can_teach,
    check_timetable,
)

__all__ = [
    "ASSIGNED_TWICE",
    "AWAY_THAT_WEEK",
    "DIAGNOSIS_SECONDS_PER_WEEK",
    "DOUBLE_BOOKED",
    "FEASIBLE",
    "INFEASIBLE",
    "NO_ANSWER",
    "NO_SCHEDULE",
    "NO_TEACHER",
    "NOT_ASSIGNED",
    "OPTIMAL",
    "RANDOM_SEED",
    "SLOT_SHORTFALL",
    "TOO_MANY_IN_WEEK",
    "TOPIC_SHORTFALL",
    "TOPIC_TIGHT",
    "UNKNOWN",
    "UNKNOWN_LESSON",
    "UNKNOWN_TEACHER",
    "WEEK_SHORTFALL",
    "WEEK_TIGHT",
    "WRONG_SCHOOL",
    "WRONG_TOPIC",
    "WRONG_WEEKDAY",
    "Assignment",
    "GuestTeacher",
    "Lesson",
    "TimetableResult",
    "can_teach",
    "check_timetable",
    "plan_guest_teachers",
]

NO_SCHEDULE = N_(
    "No schedule fits all the rules. Add guest teachers for the topics in the weeks listed, "
    "or give them more lessons per week."
)
NO_ANSWER = N_(
    "The planner found no schedule within %(seconds)s seconds. Try again with more time, or with more guest teachers."
)


def plan_guest_teachers(
    lessons: Sequence[Lesson],
    teachers: Sequence[GuestTeacher],
    time_limit_seconds: float = 8.0,
    workers: int = 2,
) -> TimetableResult:
    """One guest teacher per lesson, keeping every hard rule, with the yearly load balanced."""
    _require_unique(lessons, teachers)
    if not lessons:
        return TimetableResult((), (), OPTIMAL, 0, 0)

    eligible = [[t for t, teacher in enumerate(teachers) if can_teach(teacher, lesson)] for lesson in lessons]
    problems = _precheck(lessons, teachers, eligible)
    if problems:
        return TimetableResult((), problems, INFEASIBLE, 0, 0)

    start = _flow_start(lessons, teachers, eligible)
    model, choice = _model(lessons, teachers, eligible, balance=True, start=start)
    solver = _solver(time_limit_seconds, workers)
    status = solver.solve(model)

    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen = [next(t for t in eligible[i] if solver.boolean_value(choice[i, t])) for i in range(len(lessons))]
        return _result(lessons, teachers, eligible, chosen, OPTIMAL if status == cp_model.OPTIMAL else FEASIBLE)
    if status == cp_model.INFEASIBLE:
        reasons = _explain(
            lessons, teachers, eligible, time_limit_seconds=time_limit_seconds - solver.wall_time, workers=workers
        )
        return TimetableResult((), (Problem("lessons", Message(NO_SCHEDULE)), *reasons), INFEASIBLE, 0, 0)
    if status == cp_model.MODEL_INVALID:  # pragma: no cover - a bug in this module, not in the input
        raise RuntimeError(f"invalid timetable model: {model.validate()}")
    # Out of time before the solver answered: the flow's schedule keeps every rule, so it is still an answer.
    placed = [t for t in start if t is not None]
    if len(placed) == len(start):
        result = _result(lessons, teachers, eligible, placed, FEASIBLE)
        if not check_timetable(lessons, teachers, result.assignments):
            return result
    problem = Problem("lessons", Message(NO_ANSWER, {"seconds": _seconds(time_limit_seconds)}))
    return TimetableResult((), (problem,), UNKNOWN, 0, 0)


def _result(
    lessons: Sequence[Lesson],
    teachers: Sequence[GuestTeacher],
    eligible: list[list[int]],
    chosen: list[int],
    status: str,
) -> TimetableResult:
    assignments = tuple(
        Assignment(lesson.lesson_id, teachers[t].teacher_id) for lesson, t in zip(lessons, chosen, strict=True)
    )
    loads = Counter(chosen)
    year = [loads[t] for t in {t for ts in eligible for t in ts}]
    return TimetableResult(assignments, (), status, max(year), min(year))


def _require_unique(lessons: Sequence[Lesson], teachers: Sequence[GuestTeacher]) -> None:
    for kind, ids in (("lesson", [x.lesson_id for x in lessons]), ("teacher", [x.teacher_id for x in teachers])):
        twice = sorted(k for k, n in Counter(ids).items() if n > 1)
        if twice:
            raise ValueError(f"{kind} ids must be unique: {', '.join(twice)}")


def _seconds(value: float) -> str:
    return f"{value:g}"
