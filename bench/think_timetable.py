"""Benchmark: plan_guest_teachers on a city's school year of THINK lessons.

Run from the repository root:  .venv/bin/python bench/think_timetable.py [--small]

The data are generated deterministically (random.Random(2026)): 11 secondary schools
x 8 first-year classes x 38 school weeks = 3,344 lessons, 12 topics, 30 guest teachers.

- Each class has a fixed slot: the 8 classes of a school go round-robin over Monday to
  Friday (starting at a different day per school), at distinct hours 1-8 of the school,
  so no two classes of one school share a time.
- One base sequence of the 12 topics (shuffled once); school s starts it at place s, so
  in a week the 11 schools treat 11 different topics (8 lessons per topic at most).
- Each guest teacher gives 3-5 topics, teaches on 3-5 weekdays, at most 6-10 lessons a
  week, and is away 0-2 weeks; a quarter of them work at 6 of the 11 schools only.

Tuning for feasibility: teachers are drawn again (same generator, so still fixed) until
every (topic, weekday) pair has at least MIN_COVER teachers; the planner's own counting
pre-check then confirms every (week, topic) has enough capacity. The solve is timed
with a limit of TIME_LIMIT seconds; the schedule is then verified by check_timetable,
not taken on the solver's word: no hard rule broken, every lesson given once. The last line
is the machine-readable result. --small: 2 schools x 3 classes x 6 weeks (36 lessons).
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import Checks, small  # noqa: E402

from groepsaanbod.scheduling.timetable import (  # noqa: E402
    GuestTeacher,
    Lesson,
    check_timetable,
    plan_guest_teachers,
)

SCHOOLS = [f"school{n:02d}" for n in range(1, 12)]
CLASSES = [f"1{letter}" for letter in "ABCDEFGH"]
WEEKS = 38
TOPICS = [
    "alcohol",
    "smoking and vaping",
    "cannabis",
    "gaming",
    "social media",
    "bullying",
    "friendship",
    "sleep",
    "food and exercise",
    "stress",
    "relationships and sexuality",
    "money",
]
TEACHERS = 30
MIN_COVER = 5  # teachers per (topic, weekday), at least
TIME_LIMIT = 6.0  # leaves room under the 10 s budget even if the solver used all of it
WORKERS = 2
if small():
    SCHOOLS, CLASSES, WEEKS = SCHOOLS[:2], CLASSES[:3], 6


def generate(seed: int = 2026) -> tuple[list[Lesson], list[GuestTeacher]]:
    rng = random.Random(seed)
    base = TOPICS[:]
    rng.shuffle(base)
    lessons = []
    for s, school in enumerate(SCHOOLS):
        hours = rng.sample(range(1, 9), len(CLASSES))
        for c, class_name in enumerate(CLASSES):
            weekday = (s + c) % 5
            for week in range(1, WEEKS + 1):
                topic = base[(s + week - 1) % len(base)]
                lessons.append(
                    Lesson(f"{school}-{class_name}-w{week}", school, class_name, week, weekday, hours[c], topic)
                )

    attempts = 0
    while True:
        attempts += 1
        teachers = []
        for n in range(1, TEACHERS + 1):
            schools = frozenset(rng.sample(SCHOOLS, len(SCHOOLS) * 6 // 11)) if rng.random() < 0.25 else None
            teachers.append(
                GuestTeacher(
                    teacher_id=f"teacher{n:02d}",
                    topics=frozenset(rng.sample(TOPICS, rng.randint(3, 5))),
                    available_weekdays=frozenset(rng.sample(range(5), rng.randint(3, 5))),
                    unavailable_weeks=frozenset(rng.sample(range(1, WEEKS + 1), rng.randint(0, 2))),
                    max_lessons_per_week=rng.randint(6, 10),
                    schools=schools,
                )
            )
        cover = Counter((topic, day) for t in teachers for topic in t.topics for day in t.available_weekdays)
        if all(cover[topic, day] >= MIN_COVER for topic in TOPICS for day in range(5)):
            print(f"teachers drawn {attempts} time(s) until every (topic, weekday) had {MIN_COVER}+ teachers")
            return lessons, teachers


def main() -> None:
    checks = Checks()
    lessons, teachers = generate()
    print(
        f"lessons: {len(lessons)} ({len(SCHOOLS)} schools x {len(CLASSES)} classes x {WEEKS} weeks), "
        f"topics: {len(TOPICS)}, guest teachers: {len(teachers)}"
    )

    start = time.perf_counter()
    result = plan_guest_teachers(lessons, teachers, time_limit_seconds=TIME_LIMIT, workers=WORKERS)
    solved = time.perf_counter()
    violations = check_timetable(lessons, teachers, result.assignments)
    done = time.perf_counter()

    print(f"status: {result.status}; assignments: {len(result.assignments)}")
    for problem in result.problems[:10]:
        print(f"  problem {problem.field}: {problem.message.msgid % problem.message.params}")
    print(f"hard violations (check_timetable): {len(violations)}")
    for problem in violations[:10]:
        print(f"  {problem.field}: {problem.message.msgid % problem.message.params}")
    print(f"yearly load per teacher: max {result.max_load}, min {result.min_load}")
    print(f"solve: {solved - start:.3f} s; check: {done - solved:.3f} s; total: {done - start:.3f} s")
    given = Counter(a.lesson_id for a in result.assignments)
    checks.expect(result.status in ("optimal", "feasible"), f"a plan was found ({result.status})")
    checks.expect(not violations, "no hard rule broken (check_timetable)")
    checks.expect(sorted(given) == sorted(lesson.lesson_id for lesson in lessons), "every lesson has a teacher")
    checks.expect(set(given.values()) <= {1}, "no lesson has two")
    checks.finish(
        f"BENCH think_timetable lessons={len(lessons)} hard_violations={len(violations)} seconds={done - start:.3f}"
    )


if __name__ == "__main__":
    main()
