"""Propose cohorts from pending registrations (groups of people with close due dates). Pure.

`form_cohorts` takes the pending registrations of one programme and the
formation rules of its template, and proposes groups; a coordinator reviews the
proposal before anything is stored. No framework, no database, no clock.

Rules
-----
* Groups never mix languages or places: every (language, place) pair is a
  *bucket* and is solved on its own.
* Every group has between `min_size` and `max_size` members, and the distance
  between its earliest and its latest due date (its *spread*, in days) is at
  most `max_spread_days`.
* Per bucket, among all ways to form such groups, the proposal is best by this
  lexicographic order:

  1. place as many people as possible;
  2. make the largest spread of any group in the bucket as small as possible;
  3. use as few groups as possible (every group costs two facilitators at
     every meeting);
  4. make group sizes as even as possible: the smallest sum of squared sizes
     (30 people become 10/10/10, not 14/8/8; practices aim at 10-12);
  5. remaining ties (same sizes in another order, or which of equally good
     people stays unplaced), among proposals whose groups are runs of
     consecutive people in due-date order: walking from the earliest due date,
     at the first place two proposals differ, the one that starts a group
     there wins over the one that leaves the person unplaced, and of two
     groups starting there the shorter wins (earliest split point).  So of
     equally good choices the people left over are those due later, who may
     still find a group among registrations yet to come.

  The answer does not depend on the order of the input: a bucket is first
  sorted by (due_date, registration_id), and that order is also the order of
  `ProposedCohort.members` and of `Unplaced.registration_ids`.

Method (exact)
--------------
Sort the bucket; call the people 0..n-1 in that order (u_i below is person i's
due date, so u_1 <= u_2 <= ...).

*Groups can be taken as runs of consecutive people.*  Take any proposal.  If
two groups A and B interleave, let u_1 <= ... <= u_m be A and B together, |A| = a,
|B| = b.  If u_1 is in A, give A the first a of them and B the rest, else give
B the first b and A the rest.  Say u_1 is in A.  A still has a members, and its
new spread u_a - u_1 is at most its old one (A held u_1, and any a of the u's
reach at least u_a).  If u_m is in B, B's new spread u_m - u_(a+1) is at most
its old one (any b of the u's start at or before u_(a+1)); if u_m is in A, A's
old spread u_m - u_1 covers both new ones.  If an unplaced person lies between
the first and last member of a group, swap them with the group's first member:
the spread does not grow.  Neither step changes how many are placed, the number
of groups or their sizes (so keys 1, 3 and 4 stay equal) and neither raises any
spread above the old largest one (key 2 does not get worse).  Each step makes
the summed index-width of the groups strictly smaller, so repeating them ends,
with every group a run of consecutive people and nobody unplaced inside it.
Hence the best proposal over runs is the best proposal overall.

*Pass 1: dynamic programming over prefixes for keys 1 and 2.*  best[i] is the
best (placed, largest spread) for people 0..i-1, where person i-1 is either
unplaced (best[i-1]) or ends a run of k people, min_size <= k <= max_size,
whose spread is within the limit (best[i-k] combined with the run).  Combining
a value with a run is (placed + k, max(largest, spread)).  This respects the
order: if prefix value X is at least as good as Y, X combined with a run is at
least as good as Y combined with it (placed adds the same k; max with the same
spread is monotone), so replacing the prefix of an optimal proposal by the best
prefix loses nothing: the principle of optimality holds, and best[n] is the
optimum (P, M) of keys 1 and 2.  For each end only the k in [min_size,
max_size] whose run stays within the limit are tried; the first person due
within the limit of the end is kept by a pointer that only moves forward.

*Pass 2: keys 3 and 4, and the tie rule.*  Keys 3 and 4 do not compose with a
maximum (two prefixes that differ in their largest spread can become equal
after a wide run), so they get a pass of their own: allow only runs with a
spread of at most M, and maximise the sum over runs of
(k, -1 group, -k*k), compared in that order.  These are sums, so the principle
of optimality holds exactly; any proposal that places P people with runs
within M is optimal for keys 1 and 2.  The pass runs over suffixes, so the
proposal can be read from the earliest due date on, applying rule 5 at each
person.  Both passes are O(n * (max_size - min_size + 1)) after the
O(n log n) sort; the three sums are packed into one integer so a step is one
addition and one comparison.  (200,000 registrations in 350 buckets take about
0.6 s: bench/cohort_formation.py.)

Unplaced people
---------------
Consecutive unplaced people of a bucket (no placed person between them in due
order) form one `Unplaced` run with one reason:

* the whole bucket has fewer than `min_size` people: `ONLY_FEW`;
* no span of `max_spread_days` days that holds at least `min_size` people
  of the bucket (placed or not) holds anyone of the run: `TOO_FEW_CLOSE`;
* otherwise a group around them could exist on its own, but the people due
  close to them are already in groups and too few are left: `NO_ROOM`.
  A run is cut where the reason changes.

The messages are gettext ids with these params: count, language (the code),
place, first and last (dates), min, max, weeks (max_spread_days // 7), days.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from operator import add

from groepsaanbod.i18n.text import N_, Message

ONLY_FEW = N_("Only %(count)s registrations in %(language)s in %(place)s. A group needs at least %(min)s people.")
TOO_FEW_CLOSE = N_(
    "%(count)s registrations in %(language)s in %(place)s, due between %(first)s and %(last)s, "
    "have too few others due close to them. A group needs at least %(min)s people due at most %(weeks)s weeks apart."
)
NO_ROOM = N_(
    "%(count)s registrations in %(language)s in %(place)s, due between %(first)s and %(last)s, do not fit: "
    "the others due close to them are already in groups, and too few are left for another group of "
    "%(min)s to %(max)s people due at most %(weeks)s weeks apart."
)


@dataclass(frozen=True)
class PendingRegistration:
    registration_id: int
    language: str  # "nl", "tr", ...
    place: str  # town the person chose ("" when the programme has no places)
    due_date: date


@dataclass(frozen=True)
class FormationRules:
    min_size: int  # e.g. 8
    max_size: int  # e.g. 14
    max_spread_days: int  # largest allowed distance between the earliest and latest due date in one group

    def __post_init__(self) -> None:
        if self.min_size < 1 or self.max_size < self.min_size or self.max_spread_days < 0:
            raise ValueError(f"need 1 <= min_size <= max_size and max_spread_days >= 0, got {self!r}")


@dataclass(frozen=True)
class ProposedCohort:
    language: str
    place: str
    members: tuple[int, ...]  # registration ids, ordered by (due_date, registration_id)
    first_due: date
    last_due: date

    @property
    def spread_days(self) -> int:
        return (self.last_due - self.first_due).days


@dataclass(frozen=True)
class Unplaced:
    language: str
    place: str
    registration_ids: tuple[int, ...]  # ordered by (due_date, registration_id)
    first_due: date
    last_due: date
    reason: Message  # translated at the edge


@dataclass(frozen=True)
class CohortProposal:
    cohorts: tuple[ProposedCohort, ...]
    unplaced: tuple[Unplaced, ...]

    @property
    def placed_count(self) -> int:
        return sum(len(c.members) for c in self.cohorts)


def form_cohorts(
    pending: Iterable[PendingRegistration],
    rules: FormationRules,
    on_people_done: Callable[[int], None] | None = None,
) -> CohortProposal:
    """Propose groups per (language, place): see the module docstring for the rules and the method.

    `on_people_done(n)`, when given, hears after each (language, place) how many more people were
    handled (a progress bar for large input)."""
    buckets: dict[tuple[str, str], list[tuple[int, int]]] = {}
    ordinals: dict[date, int] = {}  # few distinct due dates: compute each day number once
    count = 0
    for r in pending:
        key = (r.language, r.place)
        bucket = buckets.get(key)
        if bucket is None:
            bucket = buckets[key] = []
        due = r.due_date
        day = ordinals.get(due)
        if day is None:
            day = ordinals[due] = due.toordinal()
        bucket.append((day, r.registration_id))
        count += 1
    sorted_buckets = []
    ids: set[int] = set()
    for key in sorted(buckets):
        people = buckets[key]
        people.sort()
        regs = [i for _, i in people]
        ids.update(regs)
        sorted_buckets.append((key, [d for d, _ in people], regs))
    if len(ids) != count:
        raise ValueError("a registration id occurs more than once")

    cohorts: list[ProposedCohort] = []
    unplaced: list[Unplaced] = []
    fromordinal = date.fromordinal
    for (language, place), days, regs in sorted_buckets:
        runs = _best_runs(days, rules)
        placed = [False] * len(days)
        placed_here = 0
        for start, stop in runs:
            cohorts.append(
                ProposedCohort(
                    language, place, tuple(regs[start:stop]), fromordinal(days[start]), fromordinal(days[stop - 1])
                )
            )
            placed[start:stop] = [True] * (stop - start)
            placed_here += stop - start
        if placed_here < len(days):
            unplaced.extend(_unplaced_runs(language, place, days, regs, placed, rules))
        if on_people_done is not None:
            on_people_done(len(days))
    return CohortProposal(tuple(cohorts), tuple(unplaced))


def _best_runs(days: list[int], rules: FormationRules) -> list[tuple[int, int]]:
    """The groups of one sorted bucket, as (start, stop) index ranges, best by the module's order."""
    n = len(days)
    lo, hi, limit = rules.min_size, rules.max_size, rules.max_spread_days
    if n < lo:
        return []

    # Pass 1: best (placed, largest spread) per prefix.  `gap[i]` is placed minus i (a run of
    # people j..i-1 keeps it: gap[i] = gap[j]; leaving person i-1 out lowers it by one), so a
    # step needs no arithmetic on the count.  `left` is the first person due within the limit
    # of person i-1; it only moves forward.
    gap = [-j for j in range(n + 1)]
    widest = [0] * (n + 1)
    left = 0
    for i in range(lo, n + 1):
        last = days[i - 1]
        floor = last - limit
        while days[left] < floor:
            left += 1
        best_g = gap[i - 1] - 1
        best_w = widest[i - 1]
        for j in range(left if left > i - hi else i - hi, i - lo + 1):
            g = gap[j]
            if g >= best_g:
                w = widest[j]
                spread = last - days[j]
                if spread > w:
                    w = spread
                if g > best_g or w < best_w:
                    best_g = g
                    best_w = w
        gap[i] = best_g
        widest[i] = best_w
    if gap[n] == -n:
        return []
    cap = widest[n]

    # Pass 2: over suffixes, runs within `cap`, maximise the sum of (k, -1, -k*k) packed into one
    # integer.  `right` is the last person due within `cap` of person i; it only moves back.  Of
    # equal candidates `index` finds the shortest run, and a run wins over leaving i unplaced.
    unit_sq = n * hi + 1  # exceeds any sum of squared sizes
    unit_k = (n + 1) * unit_sq  # exceeds any (groups * unit_sq + sum of squares)
    gain = [k * unit_k - unit_sq - k * k for k in range(lo, hi + 1)]
    value = [0] * (n + 1)  # value[i] for i > n - lo stays 0: too few people left for a group
    choice = [0] * (n + 1)  # size of the run starting at i, or 0: i stays unplaced
    right = n - 1
    for i in range(n - lo, -1, -1):
        ceiling = days[i] + cap
        while days[right] > ceiling:
            right -= 1
        stop = right + 1 if right < i + hi else i + hi  # runs i..stop-1 at the longest
        skip = value[i + 1]
        if stop >= i + lo:
            candidates = list(map(add, value[i + lo : stop + 1], gain))
            best = max(candidates)
            if best >= skip:
                value[i] = best
                choice[i] = candidates.index(best) + lo
                continue
        value[i] = skip

    runs = []
    i = 0
    while i < n:
        k = choice[i]
        if k:
            runs.append((i, i + k))
            i += k
        else:
            i += 1
    return runs


def _unplaced_runs(
    language: str, place: str, days: list[int], regs: list[int], placed: list[bool], rules: FormationRules
) -> list[Unplaced]:
    n = len(days)
    lo, hi, limit = rules.min_size, rules.max_size, rules.max_spread_days
    params: dict[str, object] = {
        "language": language,
        "place": place,
        "min": lo,
        "max": hi,
        "weeks": limit // 7,
        "days": limit,
    }

    def unplaced(start: int, stop: int, msgid: str) -> Unplaced:
        """People start..stop-1 of this bucket, left out for the reason `msgid` gives."""
        first, last = date.fromordinal(days[start]), date.fromordinal(days[stop - 1])
        message = Message(msgid, {**params, "count": stop - start, "first": first, "last": last})
        return Unplaced(language, place, tuple(regs[start:stop]), first, last, message)

    if n < lo:
        return [unplaced(0, n, ONLY_FEW)]

    # close[x]: someone's window of `limit` days from their due date holds at least `lo` people, x among them.
    close = [False] * n
    reach = -1  # furthest index covered by a big enough window starting at or before x
    end = 0
    for start in range(n):
        if end < start:
            end = start
        while end + 1 < n and days[end + 1] - days[start] <= limit:
            end += 1
        if end - start + 1 >= lo and end > reach:
            reach = end
        close[start] = reach >= start

    found = []
    i = 0
    while i < n:
        if placed[i]:
            i += 1
            continue
        j = i + 1
        while j < n and not placed[j] and close[j] == close[i]:
            j += 1
        found.append(unplaced(i, j, NO_ROOM if close[i] else TOO_FEW_CLOSE))
        i = j
    return found
