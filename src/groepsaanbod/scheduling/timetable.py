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

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.refusals import Problem

#: Statuses of a `TimetableResult`.
OPTIMAL = "optimal"
FEASIBLE = "feasible"
INFEASIBLE = "infeasible"
UNKNOWN = "unknown"

RANDOM_SEED = 2026
#: Time for each small per-week model when an infeasible year is explained.
DIAGNOSIS_SECONDS_PER_WEEK = 0.5

# Why no schedule exists.
NO_TEACHER = N_("No guest teacher gives %(topic)s in week %(week)s (%(school)s, class %(class_name)s).")
TOPIC_SHORTFALL = N_(
    "In week %(week)s there are %(needed)s lessons on %(topic)s, but the guest teachers for %(topic)s "
    "can give at most %(capacity)s of them. Add guest teachers for %(topic)s in week %(week)s, "
    "or give them more lessons per week."
)
WEEK_SHORTFALL = N_(
    "In week %(week)s there are %(needed)s lessons, but the guest teachers can give at most %(capacity)s "
    "lessons that week. Add guest teachers in week %(week)s, or give them more lessons per week."
)
SLOT_SHORTFALL = N_(
    "In week %(week)s, %(needed)s lessons take place at the same time (day %(day)s of the week, hour %(hour)s), "
    "but only %(capacity)s guest teachers can give them. Add guest teachers for that time."
)
NO_SCHEDULE = N_(
    "No schedule fits all the rules. Add guest teachers for the topics in the weeks listed, "
    "or give them more lessons per week."
)
WEEK_TIGHT = N_("No schedule fits week %(week)s: its lessons on %(topics)s need more guest teachers than are free.")
TOPIC_TIGHT = N_("No schedule fits the lessons on %(topic)s in week %(week)s, even without the other topics.")
NO_ANSWER = N_(
    "The planner found no schedule within %(seconds)s seconds. Try again with more time, or with more guest teachers."
)

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
    status = solver.Solve(model)

    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen = [next(t for t in eligible[i] if solver.BooleanValue(choice[i, t])) for i in range(len(lessons))]
        return _result(lessons, teachers, eligible, chosen, OPTIMAL if status == cp_model.OPTIMAL else FEASIBLE)
    if status == cp_model.INFEASIBLE:
        reasons = _explain(lessons, teachers, eligible, time_limit_seconds - solver.WallTime(), workers)
        return TimetableResult((), (Problem("lessons", Message(NO_SCHEDULE)), *reasons), INFEASIBLE, 0, 0)
    if status == cp_model.MODEL_INVALID:  # pragma: no cover - a bug in this module, not in the input
        raise RuntimeError(f"invalid timetable model: {model.Validate()}")
    # Out of time before the solver answered: the flow's schedule keeps every rule, so it is still an answer.
    if None not in start:
        result = _result(lessons, teachers, eligible, start, FEASIBLE)
        if not check_timetable(lessons, teachers, result.assignments):
            return result
    problem = Problem("lessons", Message(NO_ANSWER, {"seconds": _seconds(time_limit_seconds)}))
    return TimetableResult((), (problem,), UNKNOWN, 0, 0)


def _result(lessons, teachers, eligible, chosen, status: str) -> TimetableResult:
    assignments = tuple(
        Assignment(lesson.lesson_id, teachers[t].teacher_id) for lesson, t in zip(lessons, chosen, strict=True)
    )
    loads = Counter(chosen)
    year = [loads[t] for t in {t for ts in eligible for t in ts}]
    return TimetableResult(assignments, (), status, max(year), min(year))


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


# -- the model ------------------------------------------------------------------------------------------------------


def _model(
    lessons: Sequence[Lesson],
    teachers: Sequence[GuestTeacher],
    eligible: list[list[int]],
    *,
    balance: bool,
    start: Sequence[int | None] = (),
) -> tuple[cp_model.CpModel, dict[tuple[int, int], cp_model.IntVar]]:
    """Boolean per (lesson, eligible teacher); exactly one per lesson; slot and weekly limits; balanced load.

    `start` (a teacher index per lesson) becomes the solver's hint, with the loads it implies.
    """
    model = cp_model.CpModel()
    choice: dict[tuple[int, int], cp_model.IntVar] = {}
    same_time: dict[tuple[int, int, int, int], list[cp_model.IntVar]] = defaultdict(list)
    same_week: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    of_teacher: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for i, lesson in enumerate(lessons):
        for t in eligible[i]:
            var = model.NewBoolVar(f"x{i}_{t}")
            choice[i, t] = var
            same_time[t, lesson.week, lesson.weekday, lesson.hour].append(var)
            same_week[t, lesson.week].append(var)
            of_teacher[t].append(var)
        model.AddExactlyOne(choice[i, t] for t in eligible[i])
        if start:
            for t in eligible[i]:
                model.AddHint(choice[i, t], start[i] == t)
    for group in same_time.values():
        if len(group) > 1:
            model.AddAtMostOne(group)
    for (t, _week), group in same_week.items():
        if len(group) > teachers[t].max_lessons_per_week:
            model.Add(cp_model.LinearExpr.Sum(group) <= teachers[t].max_lessons_per_week)

    if balance:
        n = len(lessons)
        active = sorted(of_teacher)
        loads = {}
        most = model.NewIntVar(0, n, "max_load")
        fewest = model.NewIntVar(0, n, "min_load")
        for t in active:
            load = loads[t] = model.NewIntVar(0, len(of_teacher[t]), f"load{t}")
            model.Add(load == cp_model.LinearExpr.Sum(of_teacher[t]))
            model.Add(most >= load)
            model.Add(fewest <= load)
        if start and None not in start:
            hinted = Counter(start)
            for t in active:
                model.AddHint(loads[t], hinted[t])
            model.AddHint(most, max(hinted[t] for t in active))
            model.AddHint(fewest, min(hinted[t] for t in active))
        # Redundant, for a strong bound: the loads add up to n, so max >= n / k >= min.
        model.Add(most * len(active) >= n)
        model.Add(fewest * len(active) <= n)
        model.Minimize(most - fewest)
    return model, choice


def _solver(time_limit_seconds: float, workers: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, float(time_limit_seconds))
    solver.parameters.num_workers = max(1, int(workers))
    solver.parameters.random_seed = RANDOM_SEED
    solver.parameters.log_search_progress = False
    return solver


def _flow_start(
    lessons: Sequence[Lesson], teachers: Sequence[GuestTeacher], eligible: list[list[int]]
) -> list[int | None]:
    """A first schedule for the solver, from a min-cost flow (milliseconds).

    The hard rules nest: a teacher's lessons at one time lie within one week, a week's
    within the year. So a flow network holds them exactly: source -> lesson (1) ->
    (teacher, time) (1) -> (teacher, week) (max per week) -> teacher -> sink. The k-th lesson
    of a teacher costs 2k + 1, so a teacher's cost is load squared; the cheapest largest flow
    spreads the load as evenly as the rules allow. The teacher index per lesson, None where the
    flow could not place it (then the solver proves why).
    """
    tails: list[int] = []
    heads: list[int] = []
    capacities: list[int] = []
    costs: list[int] = []

    def arc(tail: int, head: int, capacity: int, cost: int = 0) -> int:
        tails.append(tail)
        heads.append(head)
        capacities.append(capacity)
        costs.append(cost)
        return len(tails) - 1

    source, sink = 0, 1
    nodes: dict[tuple, int] = {}

    def node(key: tuple) -> int:
        return nodes.setdefault(key, 2 + len(lessons) + len(nodes))

    lesson_arcs: dict[tuple[int, int], int] = {}
    options: Counter[int] = Counter()
    for i, lesson in enumerate(lessons):
        arc(source, 2 + i, 1)
        for t in eligible[i]:
            lesson_arcs[i, t] = arc(2 + i, node(("time", t, lesson.week, lesson.weekday, lesson.hour)), 1)
            options[t] += 1
    for key, at in list(nodes.items()):
        _, t, week, *_ = key
        arc(at, node(("week", t, week)), 1)
    for key, at in list(nodes.items()):
        if key[0] == "week":
            arc(at, node(("teacher", key[1])), teachers[key[1]].max_lessons_per_week)
    for t, count in options.items():
        at = node(("teacher", t))
        for k in range(count):
            arc(at, sink, 1, 2 * k + 1)

    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    flow.set_node_supply(source, len(lessons))
    flow.set_node_supply(sink, -len(lessons))
    if flow.solve_max_flow_with_min_cost() != flow.OPTIMAL:  # pragma: no cover - only on overflow
        return [None] * len(lessons)
    used = flow.flows(arcs)
    start: list[int | None] = [None] * len(lessons)
    for (i, t), at in lesson_arcs.items():
        if used[at]:
            start[i] = t
    return start


# -- why no schedule exists -----------------------------------------------------------------------------------------


def _precheck(lessons: Sequence[Lesson], teachers: Sequence[GuestTeacher], eligible: list[list[int]]):
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
            params = {"week": week, "day": day + 1, "hour": hour, "needed": len(group), "capacity": capacity}
            problems.append(Problem(f"weeks[{week}]", Message(SLOT_SHORTFALL, params)))
    for (week, topic), group in sorted(by_week_topic.items()):
        capacity = _capacity(lessons, teachers, eligible, group)
        if capacity < len(group):
            params = {"week": week, "topic": topic, "needed": len(group), "capacity": capacity}
            problems.append(Problem(f"weeks[{week}].topics[{topic}]", Message(TOPIC_SHORTFALL, params)))
    short_weeks = {p.message.params["week"] for p in problems if p.message.msgid != NO_TEACHER}
    for week, group in sorted(by_week.items()):
        if week in short_weeks:
            continue  # the whole week is short for the reason already given
        capacity = _capacity(lessons, teachers, eligible, group)
        if capacity < len(group):
            params = {"week": week, "needed": len(group), "capacity": capacity}
            problems.append(Problem(f"weeks[{week}]", Message(WEEK_SHORTFALL, params)))
    return tuple(problems)


def _capacity(lessons: Sequence[Lesson], teachers: Sequence[GuestTeacher], eligible: list[list[int]], group) -> int:
    """An upper bound on how many of these lessons (all in one week) the teachers can give together."""
    times: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for i in group:
        for t in eligible[i]:
            times[t].add((lessons[i].weekday, lessons[i].hour))
    return sum(min(teachers[t].max_lessons_per_week, len(slots)) for t, slots in times.items())


def _explain(lessons, teachers, eligible, time_limit_seconds: float, workers: int) -> tuple[Problem, ...]:
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
            params = {"week": week, "topics": ", ".join(topics)}
            problems.append(Problem(f"weeks[{week}]", Message(WEEK_TIGHT, params)))
    return tuple(problems)


def _solve_part(lessons, teachers, eligible, group: list[int], seconds: float, workers: int) -> tuple[int, float]:
    part = [lessons[i] for i in group]
    model, _ = _model(part, teachers, [eligible[i] for i in group], balance=False)
    solver = _solver(seconds, workers)
    status = solver.Solve(model)
    return status, solver.WallTime()


def _require_unique(lessons: Sequence[Lesson], teachers: Sequence[GuestTeacher]) -> None:
    for kind, ids in (("lesson", [x.lesson_id for x in lessons]), ("teacher", [x.teacher_id for x in teachers])):
        twice = sorted(k for k, n in Counter(ids).items() if n > 1)
        if twice:
            raise ValueError(f"{kind} ids must be unique: {', '.join(twice)}")


def _seconds(value: float) -> str:
    return f"{value:g}"
