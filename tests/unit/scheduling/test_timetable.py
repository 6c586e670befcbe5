import random
from collections import Counter

import pytest

from groepsaanbod.scheduling import timetable as tt
from groepsaanbod.scheduling.timetable import (
    Assignment,
    GuestTeacher,
    Lesson,
    check_timetable,
    plan_guest_teachers,
)

ALL_DAYS = frozenset(range(5))
TIME = 5.0


def lesson(lesson_id, week=1, weekday=0, hour=1, topic="sleep", school="school1", class_name="1A"):
    return Lesson(lesson_id, school, class_name, week, weekday, hour, topic)


def teacher(teacher_id, topics=("sleep",), days=ALL_DAYS, away=(), most=4, schools=None):
    return GuestTeacher(
        teacher_id,
        frozenset(topics),
        frozenset(days),
        frozenset(away),
        most,
        None if schools is None else frozenset(schools),
    )


def year(schools=("school1", "school2"), classes=("1A", "1B"), weeks=4, topics=("sleep", "stress")):
    """Every class one lesson a week at its own slot; topics in turn per week."""
    lessons = []
    for s, school in enumerate(schools):
        for c, class_name in enumerate(classes):
            for week in range(1, weeks + 1):
                topic = topics[(week - 1 + s) % len(topics)]
                lessons.append(Lesson(f"{school}-{class_name}-w{week}", school, class_name, week, c % 5, 1 + s, topic))
    return lessons


def rendered(problems):
    return [p.message.msgid % p.message.params for p in problems]


def by_lesson(result):
    return {a.lesson_id: a.teacher_id for a in result.assignments}


def assert_sound(lessons, teachers, result):
    assert result.status in ("optimal", "feasible")
    assert result.problems == ()
    assert len(result.assignments) == len(lessons)
    assert check_timetable(lessons, teachers, result.assignments) == ()


# -- planning ---------------------------------------------------------------------------------------------------------


def test_feasible_year_keeps_every_rule():
    lessons = year()
    teachers = [
        teacher("ann", topics=("sleep", "stress"), days=(0, 1), most=3),
        teacher("bob", topics=("sleep",), days=(0, 1, 2), most=2),
        teacher("cas", topics=("stress",), days=(0, 1), most=2, schools=("school2",)),
    ]
    result = plan_guest_teachers(lessons, teachers, TIME)
    assert_sound(lessons, teachers, result)
    assert result.status == "optimal"
    given = by_lesson(result)
    assert [a.lesson_id for a in result.assignments] == [x.lesson_id for x in lessons]  # in the lessons' order
    loads = Counter(given.values())
    assert (result.max_load, result.min_load) == (max(loads.values()), min(loads.values()))
    for x in lessons:
        if given[x.lesson_id] == "cas":
            assert x.school == "school2"
            assert x.topic == "stress"


def test_no_lessons_is_an_empty_schedule():
    assert plan_guest_teachers([], [teacher("ann")]) == tt.TimetableResult((), (), "optimal", 0, 0)


def test_topic_without_a_teacher_in_a_week_names_topic_and_week():
    lessons = [lesson(f"l{w}", week=w, topic="sleep") for w in (1, 2, 3)]
    teachers = [teacher("ann", away=(2,)), teacher("bob", topics=("stress",))]
    result = plan_guest_teachers(lessons, teachers, TIME)
    assert result.status == "infeasible"
    assert result.assignments == ()
    assert (result.max_load, result.min_load) == (0, 0)
    [problem] = result.problems
    assert problem.field == "lessons[l2]"
    assert problem.message.msgid == tt.NO_TEACHER
    assert problem.message.params == {
        "topic": "sleep",
        "week": 2,
        "day": 1,
        "hour": 1,
        "school": "school1",
        "class_name": "1A",
    }
    assert rendered(result.problems) == ["No guest teacher for sleep is free on 1 at 1, for class 1A at school1."]


def test_no_teacher_on_that_weekday_or_at_that_school():
    lessons = [lesson("mon", weekday=0), lesson("tue", weekday=1, hour=2), lesson("far", school="school9", hour=3)]
    teachers = [teacher("ann", days=(1,), schools=("school1",))]
    result = plan_guest_teachers(lessons, teachers, TIME)
    assert result.status == "infeasible"
    assert [p.field for p in result.problems] == ["lessons[mon]", "lessons[far]"]
    assert {p.message.msgid for p in result.problems} == {tt.NO_TEACHER}


def test_topic_shortfall_in_a_week_is_counted_before_solving():
    lessons = [lesson(f"l{h}", hour=h) for h in (1, 2, 3)] + [lesson("w2", week=2)]
    teachers = [teacher("ann", most=2)]
    result = plan_guest_teachers(lessons, teachers, TIME)
    assert result.status == "infeasible"
    [problem] = result.problems  # the week total says the same thing, so it is not repeated
    assert problem.field == "weeks[1].topics[sleep]"
    assert problem.message.msgid == tt.TOPIC_SHORTFALL
    assert problem.message.params == {"week": 1, "topic": "sleep", "needed": 3, "capacity": 2}


def test_week_shortfall_across_topics():
    lessons = [lesson("a", hour=1, topic="sleep"), lesson("b", hour=2, topic="stress")]
    teachers = [teacher("ann", topics=("sleep", "stress"), most=1)]
    result = plan_guest_teachers(lessons, teachers, TIME)
    assert result.status == "infeasible"
    assert [(p.field, p.message.msgid) for p in result.problems] == [("weeks[1]", tt.WEEK_SHORTFALL)]
    assert result.problems[0].message.params == {"week": 1, "needed": 2, "capacity": 1}


def test_two_lessons_at_the_same_time_need_two_teachers():
    lessons = [lesson("s1", school="school1"), lesson("s2", school="school2")]
    result = plan_guest_teachers(lessons, [teacher("ann")], TIME)
    assert result.status == "infeasible"
    assert result.problems[0].message.msgid == tt.SLOT_SHORTFALL
    assert result.problems[0].message.params == {
        "week": 1,
        "day": 1,
        "hour": 1,
        "needed": 2,
        "capacity": 1,
        "classes": "1A (school1), 1A (school2)",
    }


def test_a_teacher_is_never_at_two_schools_at_once():
    # Same week, weekday and hour at three schools; ann is the cheapest choice for all, but can be at one only.
    lessons = [lesson(f"s{n}", school=f"school{n}") for n in (1, 2, 3)]
    lessons += [lesson(f"later{n}", school=f"school{n}", hour=5) for n in (1, 2, 3)]
    teachers = [teacher("ann"), teacher("bob"), teacher("cas")]
    result = plan_guest_teachers(lessons, teachers, TIME)
    assert_sound(lessons, teachers, result)
    given = by_lesson(result)
    assert len({given["s1"], given["s2"], given["s3"]}) == 3
    assert len({given["later1"], given["later2"], given["later3"]}) == 3


def test_max_lessons_per_week_is_respected():
    lessons = [lesson(f"w{w}h{h}", week=w, hour=h) for w in (1, 2) for h in range(1, 7)]
    teachers = [teacher("ann", most=2), teacher("bob", most=4)]
    result = plan_guest_teachers(lessons, teachers, TIME)
    assert_sound(lessons, teachers, result)
    per_week = Counter((a.teacher_id, a.lesson_id[:2]) for a in result.assignments)
    assert per_week == {("ann", "w1"): 2, ("ann", "w2"): 2, ("bob", "w1"): 4, ("bob", "w2"): 4}


def test_unavailable_week_and_restricted_schools():
    lessons = [
        lesson(f"{school}-w{week}", week=week, school=school, hour=hour)
        for school, hour in (("school1", 1), ("school2", 2))
        for week in (1, 2)
    ]
    teachers = [teacher("ann", away=(1,)), teacher("bob", schools=("school2",)), teacher("cas", most=1)]
    result = plan_guest_teachers(lessons, teachers, TIME)
    assert_sound(lessons, teachers, result)
    given = by_lesson(result)
    assert given["school1-w1"] == "cas"  # ann is away, bob does not come to school1
    assert given["school2-w1"] == "bob"  # cas has had her one lesson of the week
    assert given["school1-w2"] in ("ann", "cas")


def test_load_is_balanced_between_identical_teachers():
    lessons = [lesson(f"l{w}", week=w) for w in range(1, 11)]
    teachers = [teacher("ann"), teacher("bob")]
    result = plan_guest_teachers(lessons, teachers, TIME)
    assert_sound(lessons, teachers, result)
    assert result.status == "optimal"
    assert Counter(by_lesson(result).values()) == {"ann": 5, "bob": 5}
    assert (result.max_load, result.min_load) == (5, 5)


def test_balance_counts_only_teachers_who_can_give_a_lesson():
    lessons = [lesson(f"l{w}", week=w) for w in range(1, 7)]
    teachers = [teacher("ann"), teacher("bob"), teacher("cas"), teacher("dan", topics=("money",))]
    result = plan_guest_teachers(lessons, teachers, TIME)
    assert_sound(lessons, teachers, result)
    assert (result.max_load, result.min_load) == (2, 2)  # dan, with no lesson he may give, does not count


def test_balance_when_one_teacher_can_give_few_lessons():
    # cas gives stress only (2 lessons); the best spread of the 8 sleep lessons over ann and bob is 4 and 4.
    lessons = [lesson(f"s{w}", week=w) for w in range(1, 9)] + [
        lesson(f"t{w}", week=w, topic="stress", hour=2) for w in (1, 2)
    ]
    teachers = [teacher("ann", topics=("sleep", "stress")), teacher("bob"), teacher("cas", topics=("stress",))]
    result = plan_guest_teachers(lessons, teachers, TIME)
    assert_sound(lessons, teachers, result)
    assert result.status == "optimal"
    assert (result.max_load, result.min_load) == (4, 2)


def test_infeasible_only_by_search_names_the_week():
    # Each topic alone fits, and the counts per topic and per week fit, but sleep and stress together need
    # five lessons from ann, bob and cas, who can give four: only cas gives stress, at most two a week.
    slots = iter([(d, h) for d in range(5) for h in (1, 2)])

    def at(lesson_id, topic, week=1):
        day, hour = next(slots)
        return lesson(lesson_id, week=week, weekday=day, hour=hour, topic=topic)

    lessons = [at("a1", "sleep"), at("a2", "sleep"), at("a3", "sleep"), at("b1", "money")]
    lessons += [at("c1", "stress"), at("c2", "stress"), at("ok", "money", week=2)]
    teachers = [
        teacher("ann", topics=("sleep", "money"), most=1),
        teacher("bob", topics=("sleep", "money"), most=1),
        teacher("cas", topics=("sleep", "stress"), most=2),
        teacher("dan", topics=("money",), most=1),
        teacher("eve", topics=("money",), most=1),
    ]
    result = plan_guest_teachers(lessons, teachers, TIME)
    assert result.status == "infeasible"
    assert result.assignments == ()
    assert [(p.field, p.message.msgid) for p in result.problems] == [
        ("lessons", tt.NO_SCHEDULE),
        ("weeks[1]", tt.WEEK_TIGHT),
    ]
    assert result.problems[1].message.params == {"week": 1, "topics": "money, sleep, stress"}
    rendered(result.problems)


def test_a_topic_that_cannot_fit_alone_is_named(monkeypatch):
    monkeypatch.setattr(tt, "_precheck", lambda *args: ())  # pretend the counting missed it
    lessons = [lesson("a", hour=1), lesson("b", hour=2), lesson("c", hour=3, topic="money")]
    result = plan_guest_teachers(lessons, [teacher("ann", topics=("sleep", "money"), most=1)], TIME)
    assert result.status == "infeasible"
    assert [(p.field, p.message.params) for p in result.problems[1:]] == [
        ("weeks[1].topics[sleep]", {"week": 1, "topic": "sleep"})
    ]


def test_out_of_time_falls_back_to_the_flow_schedule(monkeypatch):
    def no_time(seconds, workers):
        solver = original(seconds, workers)
        solver.parameters.max_time_in_seconds = 0.0
        return solver

    original = tt._solver
    monkeypatch.setattr(tt, "_solver", no_time)
    lessons = year()
    teachers = [teacher("ann", topics=("sleep", "stress")), teacher("bob", topics=("sleep", "stress"))]
    result = plan_guest_teachers(lessons, teachers)
    assert_sound(lessons, teachers, result)


def test_out_of_time_without_a_schedule_is_unknown(monkeypatch):
    def no_time(seconds, workers):
        solver = original(seconds, workers)
        solver.parameters.max_time_in_seconds = 0.0
        return solver

    original = tt._solver
    monkeypatch.setattr(tt, "_solver", no_time)
    monkeypatch.setattr(tt, "_precheck", lambda *args: ())
    lessons = [lesson("a", hour=1), lesson("b", hour=2)]
    result = plan_guest_teachers(lessons, [teacher("ann", most=1)], time_limit_seconds=3)
    assert result.status == "unknown"
    assert result.assignments == ()
    assert [p.message.msgid for p in result.problems] == [tt.NO_ANSWER]
    assert rendered(result.problems) == [
        "The planner found no schedule within 3 seconds. Try again with more time, or with more guest teachers."
    ]


def test_duplicate_ids_are_a_programming_error():
    with pytest.raises(ValueError, match="lesson ids"):
        plan_guest_teachers([lesson("a"), lesson("a", week=2)], [teacher("ann")])
    with pytest.raises(ValueError, match="teacher ids"):
        plan_guest_teachers([lesson("a")], [teacher("ann"), teacher("ann")])


def test_random_small_cities_are_sound_or_explained():
    rng = random.Random(7)
    topics = ["sleep", "stress", "money", "gaming"]
    statuses: Counter[str] = Counter()
    for _ in range(6):
        lessons = year(schools=("s1", "s2", "s3"), classes=("1A", "1B", "1C"), weeks=8, topics=topics)
        teachers = [
            teacher(
                f"t{n}",
                topics=rng.sample(topics, 3),
                days=rng.sample(range(5), 4),
                away=rng.sample(range(1, 9), 1),
                most=rng.randint(1, 3),
            )
            for n in range(8)
        ]
        result = plan_guest_teachers(lessons, teachers, TIME)
        statuses[result.status] += 1
        if result.status == "infeasible":
            assert result.problems
            assert result.assignments == ()
            continue
        assert_sound(lessons, teachers, result)
        loads = Counter(by_lesson(result).values())
        able = [t.teacher_id for t in teachers if any(tt.can_teach(t, x) for x in lessons)]
        assert result.max_load == max(loads[t] for t in able)
        assert result.min_load == min(loads[t] for t in able)
    assert statuses["optimal"] >= 3


# -- the checker ------------------------------------------------------------------------------------------------------

LESSONS = [
    lesson("mon", weekday=0, hour=1, school="school1"),
    lesson("mon-other-school", weekday=0, hour=1, school="school2", class_name="1B"),
    lesson("tue", weekday=1, hour=2, topic="stress"),
    lesson("w2", week=2, weekday=2, hour=3),
]
TEACHERS = [
    teacher("ann", topics=("sleep", "stress"), days=(0, 1, 2), away=(), most=3),
    teacher("bob", topics=("sleep",), days=(0, 2), away=(2,), most=2, schools=("school1",)),
]
GOOD = [
    Assignment("mon", "bob"),
    Assignment("mon-other-school", "ann"),
    Assignment("tue", "ann"),
    Assignment("w2", "ann"),
]


def problems_of(assignments):
    return [(p.field, p.message.msgid) for p in check_timetable(LESSONS, TEACHERS, assignments)]


def test_checker_accepts_a_good_schedule():
    assert check_timetable(LESSONS, TEACHERS, GOOD) == ()


def replaced(lesson_id, teacher_id):
    return [Assignment(a.lesson_id, teacher_id if a.lesson_id == lesson_id else a.teacher_id) for a in GOOD]


BAD_SCHEDULES = [
    (GOOD[1:], [("lessons[mon]", tt.NOT_ASSIGNED)]),
    ([*GOOD, Assignment("w2", "bob")], [("lessons[w2]", tt.ASSIGNED_TWICE), ("lessons[w2]", tt.AWAY_THAT_WEEK)]),
    ([*GOOD, Assignment("nope", "ann")], [("lessons[nope]", tt.UNKNOWN_LESSON)]),
    (replaced("w2", "zed"), [("lessons[w2]", tt.UNKNOWN_TEACHER)]),
    (replaced("tue", "bob"), [("lessons[tue]", tt.WRONG_TOPIC), ("lessons[tue]", tt.WRONG_WEEKDAY)]),
    (replaced("w2", "bob"), [("lessons[w2]", tt.AWAY_THAT_WEEK)]),
    (
        replaced("mon-other-school", "bob"),
        [
            ("lessons[mon-other-school]", tt.WRONG_SCHOOL),
            ("lessons[mon-other-school]", tt.DOUBLE_BOOKED),
        ],
    ),
    (replaced("mon", "ann"), [("lessons[mon-other-school]", tt.DOUBLE_BOOKED)]),
]
BAD_IDS = ["not-assigned", "twice", "unknown-lesson", "unknown-teacher", "topic-weekday", "away", "school", "double"]


@pytest.mark.parametrize(("assignments", "expected"), BAD_SCHEDULES, ids=BAD_IDS)
def test_checker_catches_each_kind_of_violation(assignments, expected):
    assert problems_of(assignments) == expected


def test_checker_counts_lessons_per_week():
    lessons = [lesson(f"h{h}", hour=h) for h in range(1, 5)] + [lesson("next", week=2)]
    teachers = [teacher("ann", most=3)]
    problems = check_timetable(lessons, teachers, [Assignment(x.lesson_id, "ann") for x in lessons])
    [problem] = problems
    assert problem.field == "teachers[ann]"
    assert problem.message.params == {"teacher_id": "ann", "week": 1, "count": 4, "max": 3}
    assert rendered(problems) == ["Guest teacher ann has 4 lessons in week 1; at most 3 are allowed."]


def test_double_booking_message_names_both_lessons():
    problems = check_timetable(LESSONS, TEACHERS, replaced("mon", "ann"))
    assert rendered(problems) == [
        "Guest teacher ann has two lessons at the same time in week 1: mon and mon-other-school."
    ]


def test_every_checker_message_is_tested_and_renders():
    lessons = [lesson(f"h{h}", hour=h) for h in range(1, 5)]
    too_many = check_timetable(lessons, [teacher("ann", most=3)], [Assignment(x.lesson_id, "ann") for x in lessons])
    problems = [*too_many]
    for assignments, _ in BAD_SCHEDULES:
        problems += check_timetable(LESSONS, TEACHERS, assignments)
    checker_messages = {
        tt.NOT_ASSIGNED,
        tt.ASSIGNED_TWICE,
        tt.UNKNOWN_LESSON,
        tt.UNKNOWN_TEACHER,
        tt.WRONG_TOPIC,
        tt.WRONG_WEEKDAY,
        tt.AWAY_THAT_WEEK,
        tt.WRONG_SCHOOL,
        tt.DOUBLE_BOOKED,
        tt.TOO_MANY_IN_WEEK,
    }
    assert {p.message.msgid for p in problems} == checker_messages
    assert all("%(" not in text and "%" not in text for text in rendered(problems))
