"""The timetable as a CP-SAT model, the solver's settings, and the min-cost flow that gives the
solver its first schedule. Pure."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from typing import TypeVar

from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from groepsaanbod.scheduling.timetable.rules import GuestTeacher, Lesson

RANDOM_SEED = 2026
K = TypeVar("K", bound=Hashable)

#: A Boolean per (lesson index, teacher index): whether that teacher gives that lesson.
Choice = dict[tuple[int, int], cp_model.IntVar]


def build_model(
    lessons: Sequence[Lesson],
    teachers: Sequence[GuestTeacher],
    eligible: list[list[int]],
    *,
    balance: bool,
    start: Sequence[int | None] = (),
) -> tuple[cp_model.CpModel, Choice]:
    """Boolean per (lesson, eligible teacher); exactly one per lesson; slot and weekly limits; balanced load.

    `start` (a teacher index per lesson) becomes the solver's hint, with the loads it implies.
    """
    model = cp_model.CpModel()
    choice: Choice = {}
    same_time: dict[tuple[int, int, int, int], list[cp_model.IntVar]] = defaultdict(list)
    same_week: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    of_teacher: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for i, lesson in enumerate(lessons):
        for t in eligible[i]:
            var = model.new_bool_var(f"x{i}_{t}")
            choice[i, t] = var
            same_time[t, lesson.week, lesson.weekday, lesson.hour].append(var)
            same_week[t, lesson.week].append(var)
            of_teacher[t].append(var)
        model.add_exactly_one(choice[i, t] for t in eligible[i])
        if start:
            for t in eligible[i]:
                model.add_hint(choice[i, t], start[i] == t)
    for group in same_time.values():
        if len(group) > 1:
            model.add_at_most_one(group)
    for (t, _week), group in same_week.items():
        if len(group) > teachers[t].max_lessons_per_week:
            model.add(cp_model.LinearExpr.sum(group) <= teachers[t].max_lessons_per_week)

    if balance:
        n = len(lessons)
        active = sorted(of_teacher)
        loads = {}
        most = model.new_int_var(0, n, "max_load")
        fewest = model.new_int_var(0, n, "min_load")
        for t in active:
            load = loads[t] = model.new_int_var(0, len(of_teacher[t]), f"load{t}")
            model.add(load == cp_model.LinearExpr.sum(of_teacher[t]))
            model.add(most >= load)
            model.add(fewest <= load)
        if start and None not in start:
            hinted = Counter(start)
            for t in active:
                model.add_hint(loads[t], hinted[t])
            model.add_hint(most, max(hinted[t] for t in active))
            model.add_hint(fewest, min(hinted[t] for t in active))
        # Redundant, for a strong bound: the loads add up to n, so max >= n / k >= min.
        model.add(most * len(active) >= n)
        model.add(fewest * len(active) <= n)
        model.minimize(most - fewest)
    return model, choice


def solver(time_limit_seconds: float, workers: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, float(time_limit_seconds))
    solver.parameters.num_workers = max(1, int(workers))
    solver.parameters.random_seed = RANDOM_SEED
    solver.parameters.log_search_progress = False
    return solver


def flow_start(
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
    # Nodes 2.. are the lessons, then the (teacher, time), (teacher, week) and teacher nodes, numbered as made.
    times: dict[tuple[int, int, int, int], int] = {}
    weeks: dict[tuple[int, int], int] = {}
    people: dict[int, int] = {}

    def node(table: dict[K, int], key: K) -> int:
        if key not in table:
            table[key] = 2 + len(lessons) + len(times) + len(weeks) + len(people)
        return table[key]

    lesson_arcs: dict[tuple[int, int], int] = {}
    options: Counter[int] = Counter()
    for i, lesson in enumerate(lessons):
        arc(source, 2 + i, 1)
        for t in eligible[i]:
            lesson_arcs[i, t] = arc(2 + i, node(times, (t, lesson.week, lesson.weekday, lesson.hour)), 1)
            options[t] += 1
    for (t, week, _, _), at in list(times.items()):
        arc(at, node(weeks, (t, week)), 1)
    for (t, _), at in list(weeks.items()):
        arc(at, node(people, t), teachers[t].max_lessons_per_week)
    for t, count in options.items():
        at = node(people, t)
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
