"""Why no timetable exists: reasons found by counting before the solver runs (`precheck`), and the
weeks and topics that cannot be filled when the solver proves the year infeasible (`explain`). Pure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ortools.sat.python import cp_model

from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.refusals import Problem
from groepsaanbod.scheduling.timetable.model import build_model, solver
from groepsaanbod.scheduling.timetable.rules import GuestTeacher, Lesson

#: Time for each small per-week model when an infeasible year is explained.
DIAGNOSIS_SECONDS_PER_WEEK = 0.5

# The service shows `week` as the date of its Monday, `day` as the lesson's date and `hour` as a time
# (guest_teachers.in_words); here they are the planner's numbers.
NO_TEACHER = N_(
    "No guest teacher for %(topic)s is free on %(day)s at %(hour)s, for class %(class_name)s at %(school)s."
)
TOPIC_SHORTFALL = N_(
    "In the week of %(week)s there are %(needed)s lessons on %(topic)s, but the guest teachers for %(topic)s "
    "can give at most %(capacity)s of them. Add guest teachers for %(topic)s in the week of %(week)s, "
    "or give them more lessons per week."
)
WEEK_SHORTFALL = N_(
    "In the week of %(week)s there are %(needed)s lessons, but the guest teachers can give at most "
    "%(capacity)s lessons that week. Add guest teachers in the week of %(week)s, or give them more lessons per week."
)
SLOT_SHORTFALL = N_(
    "On %(day)s at %(hour)s there are %(needed)s lessons at the same time (%(classes)s), "
    "but only %(capacity)s guest teachers can give them. Add guest teachers for that time."
)
WEEK_TIGHT = N_(
    "No schedule fits the week of %(week)s: its lessons on %(topics)s need more guest teachers than are free."
)
TOPIC_TIGHT = N_("No schedule fits the lessons on %(topic)s in the week of %(week)s, even without the other topics.")


def precheck(
    lessons: Sequence[Lesson], teachers: Sequence[GuestTeacher], eligible: list[list[int]]
) -> tuple[Problem, ...]:
    """Reasons the rules cannot all hold, found by counting (no solver).

    A lesson nobody may give; and Hall-type counts over a week's lessons at one time, a week's
    lessons of one topic, and (when those found nothing that week) all of a week's lessons: a
    teacher can give at most `max_lessons_per_week` of them and at most one per distinct time
    among those they may give. Lessons nobody may give are left out of the counts.
    """
    problems: list[Problem] = []
    covered = []
    for i, lesson in enumerate(lessons):
        if eligible[i]:
            covered.append(i)
        else:
            problems.append(
                Problem(
                    f"lessons[{lesson.lesson_id}]",
                    Message(
                        NO_TEACHER,
                        {
                            "topic": lesson.topic,
                            "week": lesson.week,
                            "day": lesson.weekday + 1,
                            "hour": lesson.hour,
                            "school": lesson.school,
                            "class_name": lesson.class_name,
                        },
                    ),
                )
            )

    by_week_topic: dict[tuple[int, str], list[int]] = defaultdict(list)
    by_week: dict[int, list[int]] = defaultdict(list)
    by_slot: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for i in covered:
        lesson = lessons[i]
        by_week_topic[lesson.week, lesson.topic].append(i)
        by_week[lesson.week].append(i)
        by_slot[lesson.week, lesson.weekday, lesson.hour].append(i)

    for (week, day, hour), group in sorted(by_slot.items()):
        capacity = len({t for i in group for t in eligible[i]})
        if capacity < len(group):
            classes = ", ".join(sorted({f"{lessons[i].class_name} ({lessons[i].school})" for i in group}))
            params = {
                "week": week,
                "day": day + 1,
                "hour": hour,
                "needed": len(group),
                "capacity": capacity,
                "classes": classes,
            }
            problems.append(Problem(f"weeks[{week}]", Message(SLOT_SHORTFALL, params)))
    for (week, topic), group in sorted(by_week_topic.items()):
        capacity = _capacity(lessons, teachers, eligible, group)
        if capacity < len(group):
            shortfall: dict[str, object] = {"week": week, "topic": topic, "needed": len(group), "capacity": capacity}
            problems.append(Problem(f"weeks[{week}].topics[{topic}]", Message(TOPIC_SHORTFALL, shortfall)))
    short_weeks = {p.message.params["week"] for p in problems if p.message.msgid != NO_TEACHER}
    for week, group in sorted(by_week.items()):
        if week in short_weeks:
            continue  # the whole week is short for the reason already given
        capacity = _capacity(lessons, teachers, eligible, group)
        if capacity < len(group):
            params = {"week": week, "needed": len(group), "capacity": capacity}
            problems.append(Problem(f"weeks[{week}]", Message(WEEK_SHORTFALL, params)))
    return tuple(problems)


def _capacity(
    lessons: Sequence[Lesson], teachers: Sequence[GuestTeacher], eligible: list[list[int]], group: list[int]
) -> int:
    """An upper bound on how many of these lessons (all in one week) the teachers can give together."""
    times: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for i in group:
        for t in eligible[i]:
            times[t].add((lessons[i].weekday, lessons[i].hour))
    return sum(min(teachers[t].max_lessons_per_week, len(slots)) for t, slots in times.items())


def explain(
    lessons: Sequence[Lesson],
    teachers: Sequence[GuestTeacher],
    eligible: list[list[int]],
    *,
    time_limit_seconds: float,
    workers: int,
) -> tuple[Problem, ...]:
    """Which weeks (and topics) cannot be filled. The hard rules never span two weeks, so each week is its own model."""
    by_week: dict[int, list[int]] = defaultdict(list)
    for i, lesson in enumerate(lessons):
        by_week[lesson.week].append(i)
    budget = max(float(time_limit_seconds), DIAGNOSIS_SECONDS_PER_WEEK)  # what the main solve left over
    problems: list[Problem] = []
    for week, group in sorted(by_week.items()):
        if budget <= 0:
            break
        status, spent = _solve_part(
            lessons, teachers, eligible, group, min(budget, DIAGNOSIS_SECONDS_PER_WEEK), workers
        )
        budget -= spent
        if status != cp_model.INFEASIBLE:
            continue
        topics = sorted({lessons[i].topic for i in group})
        alone = []
        for topic in topics:
            if budget <= 0:
                break
            part = [i for i in group if lessons[i].topic == topic]
            status, spent = _solve_part(
                lessons, teachers, eligible, part, min(budget, DIAGNOSIS_SECONDS_PER_WEEK), workers
            )
            budget -= spent
            if status == cp_model.INFEASIBLE:
                alone.append(topic)
        for topic in alone:
            params = {"week": week, "topic": topic}
            problems.append(Problem(f"weeks[{week}].topics[{topic}]", Message(TOPIC_TIGHT, params)))
        if not alone:
            tight = {"week": week, "topics": ", ".join(topics)}
            problems.append(Problem(f"weeks[{week}]", Message(WEEK_TIGHT, tight)))
    return tuple(problems)


def _solve_part(
    lessons: Sequence[Lesson],
    teachers: Sequence[GuestTeacher],
    eligible: list[list[int]],
    group: list[int],
    seconds: float,
    workers: int,
) -> tuple[cp_model.CpSolverStatus, float]:
    part = [lessons[i] for i in group]
    model, _ = build_model(part, teachers, [eligible[i] for i in group], balance=False)
    part_solver = solver(seconds, workers)
    status = part_solver.solve(model)
    return status, part_solver.wall_time
