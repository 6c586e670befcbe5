"""Benchmark: form_cohorts on 200,000 pending registrations.

Run from the repository root:  .venv/bin/python bench/cohort_formation.py [--small]

The data are generated deterministically (random.Random(2026)): 7 languages
(mostly Dutch), 50 places (a few big towns, many small ones), due dates spread
over 40 weeks; rules 8-14 people, due at most 35 days apart. The time is the
best of 3 runs of form_cohorts (generating the data is not timed). The proposal is
checked: everyone placed once or listed as unplaced, every group within the rules. The
last line is the machine-readable result. --small: 3,000 registrations, one run.
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import Checks, small  # noqa: E402

from groepsaanbod.cohorts import formation as cohorts
from groepsaanbod.cohorts.formation import FormationRules, PendingRegistration, form_cohorts  # noqa: E402
from groepsaanbod.progress import progress  # noqa: E402

COUNT = 200_000
LANGUAGES = {"nl": 60, "en": 8, "tr": 9, "ar": 10, "pl": 6, "es": 3, "so": 4}
PLACES = [f"Plaats {n:02d}" for n in range(1, 51)]
PLACE_WEIGHTS = [1 / n for n in range(1, 51)]  # Zipf: the first town is 50 times the last
FIRST_DUE = date(2026, 9, 1)
DAYS = 40 * 7
RULES = FormationRules(min_size=8, max_size=14, max_spread_days=35)
RUNS = 3
if small():
    COUNT, RUNS = 3_000, 1


def generate(count: int = COUNT, seed: int = 2026) -> list[PendingRegistration]:
    rng = random.Random(seed)
    languages = rng.choices(list(LANGUAGES), weights=list(LANGUAGES.values()), k=count)
    places = rng.choices(PLACES, weights=PLACE_WEIGHTS, k=count)
    dues = [FIRST_DUE + timedelta(days=rng.randrange(DAYS)) for _ in range(count)]
    ids = list(range(1, count + 1))
    rng.shuffle(ids)
    return [
        PendingRegistration(i, lang, place, due)
        for i, lang, place, due in zip(ids, languages, places, dues, strict=True)
    ]


def check(pending: list[PendingRegistration], proposal, checks: Checks) -> None:
    """Everyone is placed once or listed once as unplaced, and every group keeps the rules."""
    by_id = {p.registration_id: p for p in pending}
    placed = [i for c in proposal.cohorts for i in c.members]
    unplaced = [i for u in proposal.unplaced for i in u.registration_ids]
    checks.expect(len(placed) == proposal.placed_count, "placed_count counts the members")
    checks.expect(sorted(placed + unplaced) == sorted(by_id), "everyone placed or unplaced, once")
    sizes_ok = spread_ok = bucket_ok = True
    for cohort in proposal.cohorts:
        members = [by_id[i] for i in cohort.members]
        dues = [m.due_date for m in members]
        sizes_ok &= RULES.min_size <= len(members) <= RULES.max_size
        spread_ok &= (max(dues) - min(dues)).days <= RULES.max_spread_days
        bucket_ok &= all((m.language, m.place) == (cohort.language, cohort.place) for m in members)
    checks.expect(sizes_ok, f"every group has {RULES.min_size}-{RULES.max_size} members")
    checks.expect(spread_ok, f"due dates in a group at most {RULES.max_spread_days} days apart")
    checks.expect(bucket_ok, "a group's members share its language and place")


def main() -> None:
    checks = Checks()
    pending = generate()
    buckets = Counter((p.language, p.place) for p in pending)
    print(f"registrations: {len(pending)} in {len(buckets)} (language, place) buckets")
    print(f"bucket sizes: smallest {min(buckets.values())}, largest {max(buckets.values())}")
    print(f"rules: {RULES.min_size}-{RULES.max_size} people, due at most {RULES.max_spread_days} days apart")

    times = []
    proposal = None
    for run in range(RUNS):
        with progress(f"run {run + 1} of {RUNS}: forming groups", total=len(pending)) as advance:
            start = time.perf_counter()
            proposal = form_cohorts(pending, RULES, advance)
            times.append(time.perf_counter() - start)
    assert proposal is not None
    seconds = min(times)

    sizes = Counter(len(c.members) for c in proposal.cohorts)
    unplaced = sum(len(u.registration_ids) for u in proposal.unplaced)
    check(pending, proposal, checks)
    names = {cohorts.ONLY_FEW: "only few", cohorts.TOO_FEW_CLOSE: "too few close", cohorts.NO_ROOM: "no room"}
    reasons = Counter(names[u.reason.msgid] for u in proposal.unplaced)
    print(f"cohorts: {len(proposal.cohorts)}; sizes: {dict(sorted(sizes.items()))}")
    print(f"placed: {proposal.placed_count}; unplaced: {unplaced} in {len(proposal.unplaced)} runs {dict(reasons)}")
    print(f"largest spread: {max(c.spread_days for c in proposal.cohorts)} days")
    print(f"runs: {', '.join(f'{t:.3f}' for t in times)} s; best of {RUNS}: {seconds:.3f} s")
    checks.finish(
        f"BENCH cohort_formation registrations={len(pending)} cohorts={len(proposal.cohorts)} "
        f"unplaced={unplaced} seconds={seconds:.3f}"
    )


if __name__ == "__main__":
    main()
