"""What a THINK timetable is and the hard rules it keeps: lessons, guest teachers, assignments,
and `check_timetable`, which checks a schedule without the solver. Pure."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.refusals import Problem

#: Statuses of a `TimetableResult`.
OPTIMAL = "optimal"
FEASIBLE = "feasible"
INFEASIBLE = "infeasible"
UNKNOWN = "unknown"

# What is wrong with a given schedule (check_timetable).
NOT_ASSIGNED = N_("Lesson %(lesson_id)s has no guest teacher.")
ASSIGNED_TWICE = N_("Lesson %(lesson_id)s has %(count)s guest teachers; it needs exactly one.")
UNKNOWN_LESSON = N_("There is no lesson %(lesson_id)s to give.")
UNKNOWN_TEACHER = N_("Lesson %(lesson_id)s goes to %(teacher_id)s, who is not one of the guest teachers.")
WRONG_TOPIC = N_("Guest teacher %(teacher_id)s does not give %(topic)s (lesson %(lesson_id)s).")
WRONG_WEEKDAY = N_("Guest teacher %(teacher_id)s does not teach on the weekday of lesson %(lesson_id)s.")
AWAY_THAT_WEEK = N_("Guest teacher %(teacher_id)s is not available in week %(week)s (lesson %(lesson_id)s).")
WRONG_SCHOOL = N_("Guest teacher %(teacher_id)s does not teach at %(school)s (lesson %(lesson_id)s).")
DOUBLE_BOOKED = N_(
    "Guest teacher %(teacher_id)s has two lessons at the same time in week %(week)s: "
    "%(other_lesson_id)s and %(lesson_id)s."
)
TOO_MANY_IN_WEEK = N_(
    "Guest teacher %(teacher_id)s has %(count)s lessons in week %(week)s; at most %(max)s are allowed."
)


@dataclass(frozen=True)
class Lesson:
    """One THINK lesson: a class, a school week, a fixed slot and a topic."""

    lesson_id: str
    school: str
    class_name: str
    week: int  # school week 1..N; weeks without lessons are absent
    weekday: int  # 0 = Monday .. 4 = Friday
    hour: int  # lesson hour of the day; same (week, weekday, hour) = same time
    topic: str


@dataclass(frozen=True)
class GuestTeacher:
    """A guest teacher from a partner organisation and when and what they teach."""

    teacher_id: str
    topics: frozenset[str]
    available_weekdays: frozenset[int]
    unavailable_weeks: frozenset[int] = frozenset()
    max_lessons_per_week: int = 4
    schools: frozenset[str] | None = None  # None = any school in the city


@dataclass(frozen=True)
class Assignment:
    lesson_id: str
    teacher_id: str


@dataclass(frozen=True)
class TimetableResult:
    assignments: tuple[Assignment, ...]  # empty when no schedule exists
    problems: tuple[Problem, ...]  # why not
    status: str  # "optimal" | "feasible" | "infeasible" | "unknown"
    max_load: int  # most lessons in the year of one teacher (among teachers who can give a lesson)
    min_load: int  # fewest lessons in the year of one teacher (among the same)


def can_teach(teacher: GuestTeacher, lesson: Lesson) -> bool:
    """Whether the teacher may give this lesson, looking at the lesson alone."""
    return (
        teacher.max_lessons_per_week > 0
        and lesson.topic in teacher.topics
        and lesson.weekday in teacher.available_weekdays
        and lesson.week not in teacher.unavailable_weeks
        and (teacher.schools is None or lesson.school in teacher.schools)
    )


def check_timetable(
    lessons: Sequence[Lesson], teachers: Sequence[GuestTeacher], assignments: Sequence[Assignment]
) -> tuple[Problem, ...]:
    """Every hard rule the schedule breaks, found without a solver. Empty when the schedule is sound."""
    by_lesson = {lesson.lesson_id: lesson for lesson in lessons}
    by_teacher = {teacher.teacher_id: teacher for teacher in teachers}
    problems: list[Problem] = []

    def add(field: str, msgid: str, **params: object) -> None:
        problems.append(Problem(field, Message(msgid, params)))

    given: dict[str, list[str]] = defaultdict(list)
    for a in assignments:
        given[a.lesson_id].append(a.teacher_id)
    for lesson_id in given:
        if lesson_id not in by_lesson:
            add(f"lessons[{lesson_id}]", UNKNOWN_LESSON, lesson_id=lesson_id)

    slots: dict[tuple[str, int, int, int], str] = {}
    per_week: Counter[tuple[str, int]] = Counter()
    for lesson in lessons:
        field = f"lessons[{lesson.lesson_id}]"
        names = given.get(lesson.lesson_id, [])
        if not names:
            add(field, NOT_ASSIGNED, lesson_id=lesson.lesson_id)
            continue
        if len(names) > 1:
            add(field, ASSIGNED_TWICE, lesson_id=lesson.lesson_id, count=len(names))
        for teacher_id in dict.fromkeys(names):  # a repeated pair is reported above, counted once below
            teacher = by_teacher.get(teacher_id)
            params = {"lesson_id": lesson.lesson_id, "teacher_id": teacher_id}
            if teacher is None:
                add(field, UNKNOWN_TEACHER, **params)
                continue
            if lesson.topic not in teacher.topics:
                add(field, WRONG_TOPIC, topic=lesson.topic, **params)
            if lesson.weekday not in teacher.available_weekdays:
                add(field, WRONG_WEEKDAY, weekday=lesson.weekday, **params)
            if lesson.week in teacher.unavailable_weeks:
                add(field, AWAY_THAT_WEEK, week=lesson.week, **params)
            if teacher.schools is not None and lesson.school not in teacher.schools:
                add(field, WRONG_SCHOOL, school=lesson.school, **params)
            slot = (teacher_id, lesson.week, lesson.weekday, lesson.hour)
            if slot in slots:
                add(field, DOUBLE_BOOKED, week=lesson.week, other_lesson_id=slots[slot], **params)
            else:
                slots[slot] = lesson.lesson_id
            per_week[teacher_id, lesson.week] += 1

    for (teacher_id, week), count in sorted(per_week.items()):
        allowed = by_teacher[teacher_id].max_lessons_per_week
        if count > allowed:
            add(f"teachers[{teacher_id}]", TOO_MANY_IN_WEEK, teacher_id=teacher_id, week=week, count=count, max=allowed)
    return tuple(problems)
