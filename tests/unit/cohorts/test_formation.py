"""Cohort formation: the rules always hold, and the proposal is the best one (checked against brute force)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groepsaanbod.cohorts.formation import (
    NO_ROOM,
    ONLY_FEW,
    TOO_FEW_CLOSE,
    CohortProposal,
    FormationRules,
    PendingRegistration,
    form_cohorts,
)
from groepsaanbod.i18n.translations import render_message

START = date(2026, 9, 1)
CENTERING = FormationRules(min_size=8, max_size=14, max_spread_days=35)


def people(offsets, language="nl", place="Utrecht", first_id=1):
    return [
        PendingRegistration(first_id + n, language, place, START + timedelta(days=d)) for n, d in enumerate(offsets)
    ]


def check_rules(pending: list[PendingRegistration], rules: FormationRules, proposal: CohortProposal) -> None:
    by_id = {p.registration_id: p for p in pending}
    seen = [i for c in proposal.cohorts for i in c.members] + [i for u in proposal.unplaced for i in u.registration_ids]
    assert sorted(seen) == sorted(by_id), "every registration exactly once"
    for c in proposal.cohorts:
        members = [by_id[i] for i in c.members]
        assert rules.min_size <= len(members) <= rules.max_size
        assert {(m.language, m.place) for m in members} == {(c.language, c.place)}
        assert [(m.due_date, m.registration_id) for m in members] == sorted(
            (m.due_date, m.registration_id) for m in members
        )
        assert c.first_due == members[0].due_date
        assert c.last_due == members[-1].due_date
        assert c.spread_days == (c.last_due - c.first_due).days <= rules.max_spread_days
    for u in proposal.unplaced:
        members = [by_id[i] for i in u.registration_ids]
        assert {(m.language, m.place) for m in members} == {(u.language, u.place)}
        assert (u.first_due, u.last_due) == (members[0].due_date, members[-1].due_date)
        assert u.reason.msgid in (ONLY_FEW, TOO_FEW_CLOSE, NO_ROOM)
        assert u.reason.params["count"] == len(members)
        render_message("en", u.reason)  # every placeholder has its value
    assert [(c.language, c.place, c.first_due) for c in proposal.cohorts] == sorted(
        (c.language, c.place, c.first_due) for c in proposal.cohorts
    )
    assert proposal.placed_count == sum(len(c.members) for c in proposal.cohorts)


# --- brute force ------------------------------------------------------------------------------------------------------


def all_groupings(days: list[int], rules: FormationRules):
    """Every set of disjoint groups (any members, not only neighbours in due order), as lists of index tuples."""

    def extend(rest: tuple[int, ...]):
        if not rest:
            yield []
            return
        x, others = rest[0], rest[1:]
        for grouping in extend(others):  # x stays unplaced
            yield grouping
        for k in range(rules.min_size, rules.max_size + 1):
            for mates in combinations(others, k - 1):
                group = (x, *mates)
                if max(days[i] for i in group) - min(days[i] for i in group) > rules.max_spread_days:
                    continue
                left = tuple(i for i in others if i not in mates)
                for grouping in extend(left):
                    yield [group, *grouping]

    yield from extend(tuple(range(len(days))))


def score(groups_days: list[list[int]]) -> tuple[int, int, int, int]:
    """The module's order as a tuple to maximise: placed, -largest spread, -groups, -sum of squared sizes."""
    placed = sum(len(g) for g in groups_days)
    widest = max((max(g) - min(g) for g in groups_days), default=0)
    return (placed, -widest, -len(groups_days), -sum(len(g) ** 2 for g in groups_days))


def brute_best(days: list[int], rules: FormationRules) -> tuple[int, int, int, int]:
    return max(score([[days[i] for i in g] for g in grouping]) for grouping in all_groupings(days, rules))


def brute_contiguous_choice(days: list[int], rules: FormationRules) -> list[tuple[int, ...]]:
    """Among the best proposals made of runs of neighbours, the one rule 5 picks (days sorted)."""
    n = len(days)

    def readings(i: int):
        # a proposal read from person i on: list of decisions (run size, or 0 = unplaced) and its runs
        if i >= n:
            yield [], []
            return
        for rest, runs in readings(i + 1):
            yield [0, *rest], runs
        for k in range(rules.min_size, rules.max_size + 1):
            if i + k <= n and days[i + k - 1] - days[i] <= rules.max_spread_days:
                for rest, runs in readings(i + k):
                    yield [k, *rest], [tuple(range(i, i + k)), *runs]

    options = list(readings(0))
    best = max(score([[days[j] for j in run] for run in runs]) for _, runs in options)
    top = [(d, runs) for d, runs in options if score([[days[j] for j in run] for run in runs]) == best]
    # a run beats leaving the person unplaced; a shorter run beats a longer one
    decisions, runs = min(top, key=lambda t: [k if k else rules.max_size + 1 for k in t[0]])
    return runs


small_rules = st.builds(
    lambda lo, extra, spread: FormationRules(lo, lo + extra, spread),
    st.integers(1, 4),
    st.integers(0, 2),
    st.integers(0, 12),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 20), max_size=9), small_rules)
def test_reaches_the_brute_force_optimum(offsets, rules):
    pending = people(offsets)
    proposal = form_cohorts(pending, rules)
    check_rules(pending, rules, proposal)
    got = score([[offsets[i - 1] for i in c.members] for c in proposal.cohorts])
    assert got == brute_best(offsets, rules)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 20), max_size=10), small_rules)
def test_picks_the_documented_one_of_equal_proposals(offsets, rules):
    pending = people(offsets)
    order = sorted(range(len(offsets)), key=lambda i: (offsets[i], i))
    days = [offsets[i] for i in order]
    expected = [tuple(order[j] + 1 for j in run) for run in brute_contiguous_choice(days, rules)]
    assert [c.members for c in form_cohorts(pending, rules).cohorts] == expected


# --- properties -------------------------------------------------------------------------------------------------------

registrations = st.lists(
    st.tuples(st.sampled_from(["nl", "tr", "so"]), st.sampled_from(["Utrecht", "Zeist", ""]), st.integers(0, 120)),
    max_size=120,
)
any_rules = st.builds(
    lambda lo, extra, spread: FormationRules(lo, lo + extra, spread),
    st.integers(1, 10),
    st.integers(0, 6),
    st.integers(0, 50),
)


@settings(max_examples=200, deadline=None)
@given(registrations, any_rules, st.randoms(use_true_random=False))
def test_rules_hold_and_input_order_does_not_matter(rows, rules, rng):
    pending = [
        PendingRegistration(100 + n, lang, place, START + timedelta(days=d)) for n, (lang, place, d) in enumerate(rows)
    ]
    proposal = form_cohorts(pending, rules)
    check_rules(pending, rules, proposal)
    shuffled = list(pending)
    rng.shuffle(shuffled)
    assert form_cohorts(iter(shuffled), rules) == proposal


@settings(max_examples=100, deadline=None)
@given(registrations, any_rules)
def test_unplaced_runs_are_the_gaps_between_cohorts(rows, rules):
    pending = [
        PendingRegistration(n, lang, place, START + timedelta(days=d)) for n, (lang, place, d) in enumerate(rows)
    ]
    proposal = form_cohorts(pending, rules)
    buckets = {(p.language, p.place) for p in pending}
    for bucket in buckets:
        here = sorted((p.due_date, p.registration_id) for p in pending if (p.language, p.place) == bucket)
        position = {i: n for n, (_, i) in enumerate(here)}
        for u in proposal.unplaced:
            if (u.language, u.place) == bucket:
                spots = [position[i] for i in u.registration_ids]
                assert spots == list(range(spots[0], spots[0] + len(spots))), "a run is consecutive in due order"
                if len(here) < rules.min_size:
                    assert u.reason.msgid == ONLY_FEW
                    assert len(spots) == len(here)


# --- examples ---------------------------------------------------------------------------------------------------------


def test_twelve_dutch_women_due_within_four_weeks_make_one_group():
    pending = people([0, 2, 4, 5, 7, 9, 12, 14, 18, 21, 25, 27])
    proposal = form_cohorts(reversed(pending), CENTERING)
    assert proposal.unplaced == ()
    [cohort] = proposal.cohorts
    assert cohort.members == tuple(range(1, 13))
    assert (cohort.language, cohort.place, cohort.first_due, cohort.spread_days) == ("nl", "Utrecht", START, 27)
    assert proposal.placed_count == 12


def test_five_somali_registrations_are_too_few():
    proposal = form_cohorts(people([0, 10, 20, 30, 40], language="so", place="Zeist"), CENTERING)
    assert proposal.cohorts == ()
    [run] = proposal.unplaced
    assert run.registration_ids == (1, 2, 3, 4, 5)
    assert run.reason.msgid == ONLY_FEW
    assert run.reason.params["min"] == 8
    assert run.reason.params["count"] == 5
    assert run.reason.params["language"] == "so"
    assert run.reason.params["place"] == "Zeist"
    assert render_message("en", run.reason).startswith("Only 5 registrations in Somali in Zeist.")


def test_twenty_spread_over_ten_weeks_make_two_groups():
    pending = people([round(n * 3.5) for n in range(20)])  # days 0 .. 67
    proposal = form_cohorts(pending, CENTERING)
    assert proposal.unplaced == ()
    assert [len(c.members) for c in proposal.cohorts] == [10, 10]
    assert max(c.spread_days for c in proposal.cohorts) <= 35


def test_thirty_in_one_tight_cluster_all_placed_in_even_groups():
    proposal = form_cohorts(people([n % 10 for n in range(30)]), CENTERING)
    assert proposal.placed_count == 30
    assert proposal.unplaced == ()
    sizes = [len(c.members) for c in proposal.cohorts]
    assert all(8 <= s <= 14 for s in sizes)
    assert sizes == [10, 10, 10]  # fewest groups (3), then sizes as even as possible


def test_largest_spread_comes_before_fewer_groups():
    # Two bunches ten days apart. One group of 16 would do, but two groups due on one day each are tighter;
    # four groups of 4 would be as tight, so two groups of 8.
    offsets = [0] * 8 + [10] * 8
    proposal = form_cohorts(people(offsets), FormationRules(4, 16, 35))
    assert [(len(c.members), c.spread_days) for c in proposal.cohorts] == [(8, 0), (8, 0)]


def test_all_placed_comes_before_a_small_spread():
    # 4 on day 0 and 4 on day 30: a group of 8 spanning 30 days beats leaving everyone unplaced.
    proposal = form_cohorts(people([0] * 4 + [30] * 4), CENTERING)
    assert [c.spread_days for c in proposal.cohorts] == [30]


def test_languages_and_places_never_mix():
    pending = (
        people([0] * 8, "nl", "Utrecht", 1)
        + people([0] * 8, "tr", "Utrecht", 101)
        + people([0] * 4, "nl", "Zeist", 201)
        + people([0] * 4, "nl", "", 301)
    )
    proposal = form_cohorts(pending, CENTERING)
    assert [(c.language, c.place, c.members) for c in proposal.cohorts] == [
        ("nl", "Utrecht", tuple(range(1, 9))),
        ("tr", "Utrecht", tuple(range(101, 109))),
    ]
    assert [(u.language, u.place, u.reason.msgid) for u in proposal.unplaced] == [
        ("nl", "", ONLY_FEW),
        ("nl", "Zeist", ONLY_FEW),
    ]


def test_people_far_from_everyone_else_have_too_few_close_to_them():
    # 10 due together, then 3 due ten weeks later.
    proposal = form_cohorts(people([0] * 10 + [70, 71, 75]), CENTERING)
    assert [c.members for c in proposal.cohorts] == [tuple(range(1, 11))]
    [run] = proposal.unplaced
    assert run.registration_ids == (11, 12, 13)
    assert run.reason.msgid == TOO_FEW_CLOSE
    params = run.reason.params
    assert (params["count"], params["first"], params["last"]) == (3, START + timedelta(70), START + timedelta(75))
    assert (params["min"], params["weeks"]) == (8, 5)
    assert "due between" in render_message("en", run.reason)


def test_one_too_many_for_a_full_group_is_the_one_due_last():
    proposal = form_cohorts(people([0] * 15), CENTERING)
    assert [c.members for c in proposal.cohorts] == [tuple(range(1, 15))]
    [run] = proposal.unplaced
    assert run.registration_ids == (15,)
    assert run.reason.msgid == NO_ROOM
    assert run.reason.params["max"] == 14


def test_no_registrations_no_cohorts():
    assert form_cohorts([], CENTERING) == CohortProposal((), ())


def test_same_input_in_any_order_gives_the_same_proposal():
    rng = random.Random(7)
    pending = [
        PendingRegistration(
            n, rng.choice(["nl", "ar"]), rng.choice(["Ede", "Epe"]), START + timedelta(rng.randrange(90))
        )
        for n in range(400)
    ]
    first = form_cohorts(pending, CENTERING)
    check_rules(pending, CENTERING, first)
    for _ in range(3):
        rng.shuffle(pending)
        assert form_cohorts(pending, CENTERING) == first


@pytest.mark.parametrize("rules", [(0, 3, 7), (5, 4, 7), (2, 3, -1)])
def test_rules_must_make_sense(rules):
    with pytest.raises(ValueError, match="need 1 <= min_size <= max_size and max_spread_days >= 0"):
        FormationRules(*rules)


def test_a_registration_id_twice_is_refused():
    with pytest.raises(ValueError, match="a registration id occurs more than once"):
        form_cohorts(people([0]) + people([3], language="tr"), CENTERING)
