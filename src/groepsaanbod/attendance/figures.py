"""What a report holds, how its figures are grouped, and small-cell suppression. Pure.

The database counts (reports.py); this module turns those counts into tables,
bins ages and waiting times, and hides counts of fewer than five people in
reports that leave the provider (municipality reports, across providers).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from groepsaanbod.i18n.text import N_

#: Counts of 1 to 4 people are shown as this in municipality reports, on the page and in exports.
SUPPRESSED = "<5"
#: A cell hidden although it is not small: a count of 5 or more hidden beside a lone "<5" (else the
#: "<5" could be worked out from the total), or a share that would give a small count away. Kept
#: apart from "<5" so that nobody reads a hidden 10 as "fewer than 5"; shown as a word (exports.py).
HIDDEN = "hidden"
SMALL = 5

#: Column kinds: "people" counts persons (suppressed when small), "count" counts meetings or
#: visits (never a person), "rate" is a share with its base, "weeks" a duration.
PEOPLE, COUNT, RATE, WEEKS = "people", "count", "rate", "weeks"


@dataclass(frozen=True)
class Rate:
    part: int
    whole: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.part / self.whole, 1) if self.whole else None


Value = int | float | Rate | str | None


@dataclass(frozen=True)
class Column:
    key: str
    kind: str


@dataclass(frozen=True)
class Row:
    #: The thing counted: a language code, postcode area, age group, reason, number of meetings, a name.
    key: str
    values: tuple[Value, ...]
    #: A name to show as it is (programme or group names); else the key is translated by the table's kind.
    label: str | None = None


@dataclass(frozen=True)
class Table:
    key: str
    #: How row keys are shown: language | postcode | age_group | reason | meetings | wait | name
    row_kind: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    #: Which column the chart draws, if any.
    chart: int | None = None


@dataclass(frozen=True)
class Report:
    #: municipality (across providers, aggregates only) | provider
    audience: str
    title: str
    start: date
    end: date
    summary: tuple[tuple[str, Value], ...]
    tables: tuple[Table, ...]
    suppressed: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    def figure(self, key: str) -> Value:
        return dict(self.summary)[key]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


#: Names of the summary figures, in the order shown.
SUMMARY_NAMES: dict[str, str] = {
    "sessions_planned": N_("Meetings planned"),
    "sessions_held": N_("Meetings held"),
    "sessions_cancelled": N_("Meetings cancelled"),
    "sessions_open": N_("Meetings without a register yet"),
    "attendance_rate": N_("Attendance (share of members present)"),
    "people_reached": N_("People reached (came at least once)"),
    "members": N_("Members of groups with a fixed series"),
    "completed": N_("Completed the programme"),
    "completion_rate": N_("Completion rate"),
    "partners": N_("Partners who came along"),
    "babies": N_("Babies who came along"),
    "drop_in_sessions": N_("Drop-in meetings counted"),
    "drop_in_adults": N_("Drop-in visits by adults"),
    "drop_in_children": N_("Drop-in visits by children"),
    "median_wait_weeks": N_("Median wait from sign-up to first meeting, in weeks"),
    "absences_excused": N_("Absences excused (she told us beforehand, or marked excused)"),
    "absences_unexcused": N_("Absences not excused"),
}
SUMMARY_KINDS: dict[str, str] = {
    "sessions_planned": COUNT,
    "sessions_held": COUNT,
    "sessions_cancelled": COUNT,
    "sessions_open": COUNT,
    "attendance_rate": RATE,
    "people_reached": PEOPLE,
    "members": PEOPLE,
    "completed": PEOPLE,
    "completion_rate": RATE,
    "partners": PEOPLE,
    "babies": PEOPLE,
    "drop_in_sessions": COUNT,
    "drop_in_adults": PEOPLE,
    "drop_in_children": PEOPLE,
    "median_wait_weeks": WEEKS,
    #: Absences are of people: small counts are hidden like the others.
    "absences_excused": PEOPLE,
    "absences_unexcused": PEOPLE,
}

TABLE_NAMES: dict[str, str] = {
    "cancel_reasons": N_("Cancelled meetings by reason"),
    "dose": N_("Dose: how many meetings each member came to"),
    "reach_language": N_("Reach by language"),
    "reach_postcode": N_("Reach by postcode area"),
    "reach_age": N_("Reach by age group"),
    "waiting": N_("Waiting time from sign-up to first meeting"),
    "groups": N_("Per group"),
    "programmes": N_("Per programme"),
}
#: The first column's heading, by what the rows are.
ROW_NAMES: dict[str, str] = {
    "language": N_("Language"),
    "postcode": N_("Postcode area"),
    "age_group": N_("Age group"),
    "wait": N_("Waiting time"),
    "reason": N_("Reason"),
    "meetings": N_("Meetings"),
    "name": N_("Name"),
}
COLUMN_NAMES: dict[str, str] = {
    "meetings": N_("Meetings"),
    "people": N_("People"),
    "members": N_("Members"),
    "held": N_("Meetings held"),
    "cancelled": N_("Meetings cancelled"),
    "attendance_rate": N_("Attendance"),
    "completed": N_("Completed"),
    "completion_rate": N_("Completion rate"),
}

# Age groups: the child's age at the start of the period; "expecting" for pregnancy programmes.
AGE_GROUPS: dict[str, str] = {
    "expecting": N_("expecting a baby"),
    "0-1": N_("child under 1 year"),
    "1-4": N_("child 1 to 3 years"),
    "4-12": N_("child 4 to 11 years"),
    "12+": N_("child 12 or older"),
    "unknown": N_("not known"),
}

# Waiting times in whole weeks: (key, first week, last week or None).
WAIT_BINS: tuple[tuple[str, int, int | None], ...] = (
    ("0-1", 0, 1),
    ("2-3", 2, 3),
    ("4-7", 4, 7),
    ("8-11", 8, 11),
    ("12+", 12, None),
)
WAIT_NAMES: dict[str, str] = {
    "0-1": N_("less than 2 weeks"),
    "2-3": N_("2 to 3 weeks"),
    "4-7": N_("4 to 7 weeks"),
    "8-11": N_("8 to 11 weeks"),
    "12+": N_("12 weeks or more"),
}
UNKNOWN = "unknown"
UNKNOWN_NAME = N_("not known")


def age_cutoffs(reference: date) -> dict[str, date]:
    """Birth dates after which a child is younger than 1, 4 and 12 years on `reference`."""

    def years_before(n: int) -> date:
        try:
            return reference.replace(year=reference.year - n)
        except ValueError:  # 29 February
            return reference.replace(year=reference.year - n, day=28)

    return {"0-1": years_before(1), "1-4": years_before(4), "4-12": years_before(12)}


def wait_bins(per_week: Mapping[int, int]) -> list[tuple[str, int]]:
    """People per waiting-time bin, from people per whole week of waiting."""
    result = []
    for key, first, last in WAIT_BINS:
        result.append((key, sum(n for week, n in per_week.items() if week >= first and (last is None or week <= last))))
    return result


def median_week(per_week: Mapping[int, int]) -> int | None:
    """The median whole week (the lower middle for an even count)."""
    total = sum(per_week.values())
    if not total:
        return None
    middle, seen = (total + 1) // 2, 0
    for week in sorted(per_week):
        seen += per_week[week]
        if seen >= middle:
            return week
    return None


def dose_rows(per_dose: Mapping[int, int], meetings: int) -> list[tuple[int, int]]:
    """Members per number of meetings attended, 0 … `meetings` (the most a member could come to)
    or the most anyone came to, no gaps: an 8-meeting course has a row 8 even when nobody came to all."""
    top = max([meetings, *per_dose]) if per_dose or meetings else 0
    return [(n, per_dose.get(n, 0)) for n in range(top + 1)]


# Small-cell suppression --------------------------------------------------------------


def _small(value: Value) -> bool:
    return isinstance(value, int) and 0 < value < SMALL


def suppress_rate(rate: Rate) -> Value:
    """A share is hidden when its base is under five people, or when it would give away
    a count of one to four (of those who did, or of those who did not)."""
    if rate.whole == 0:
        return rate  # no base: shown as "–", it tells nothing about anyone
    if rate.whole < SMALL or _small(rate.part) or _small(rate.whole - rate.part):
        return HIDDEN
    return rate


def _suppress_column(values: Sequence[Value]) -> list[Value]:
    """Hide counts of one to four ("<5"); when just one is hidden, also hide the next smallest
    (HIDDEN: it is 5 or more), so the small one cannot be worked out from the total."""
    out: list[Value] = [SUPPRESSED if _small(v) else v for v in values]
    hidden = [i for i, v in enumerate(out) if v == SUPPRESSED]
    if len(hidden) == 1:
        rest = [(v, i) for i, v in enumerate(out) if isinstance(v, int) and v > 0]
        if rest:
            out[min(rest)[1]] = HIDDEN
    return out


def _suppress_rows_with_few_people(table: Table) -> Table:
    """A row about fewer than five people hides its rates too."""
    people = [i for i, c in enumerate(table.columns) if c.kind == PEOPLE]
    if not people:
        return table
    rows = []
    for row in table.rows:
        few = _small(row.values[people[0]])
        values = tuple(HIDDEN if few and table.columns[i].kind == RATE else v for i, v in enumerate(row.values))
        rows.append(replace(row, values=values))
    return replace(table, rows=tuple(rows))


def suppress_table(table: Table) -> Table:
    table = _suppress_rows_with_few_people(table)
    columns: list[list[Value]] = [list(col) for col in zip(*(r.values for r in table.rows), strict=True)]
    for i, column in enumerate(table.columns):
        if not columns:
            break
        if column.kind == PEOPLE:
            columns[i] = _suppress_column(columns[i])
        elif column.kind == RATE:
            columns[i] = [suppress_rate(v) if isinstance(v, Rate) else v for v in columns[i]]
    rows = tuple(replace(row, values=tuple(col[n] for col in columns)) for n, row in enumerate(table.rows))
    return replace(table, rows=rows)


def suppress_report(report: Report) -> Report:
    """The municipality's view: no count of one to four people anywhere."""
    summary = []
    for key, value in report.summary:
        kind = SUMMARY_KINDS.get(key)
        if kind == PEOPLE and _small(value):
            value = SUPPRESSED
        elif kind == RATE and isinstance(value, Rate):
            value = suppress_rate(value)
        summary.append((key, value))
    return replace(
        report, summary=tuple(summary), tables=tuple(suppress_table(t) for t in report.tables), suppressed=True
    )


def marks_in(values: Iterable[Value]) -> frozenset[str]:
    """Which of the two marks ("<5", hidden) occur among these cells, to explain just those."""
    return frozenset(v for v in values if isinstance(v, str) and v in (SUPPRESSED, HIDDEN))


def report_marks(report: Report) -> frozenset[str]:
    cells: list[Value] = [v for _, v in report.summary]
    cells += [v for table in report.tables for row in table.rows for v in row.values]
    return marks_in(cells)


def people_cells(report: Report) -> Iterable[Value]:
    """Every cell that counts people (for checks that nothing small slipped through)."""
    for key, value in report.summary:
        if SUMMARY_KINDS.get(key) == PEOPLE:
            yield value
    for table in report.tables:
        for row in table.rows:
            for column, value in zip(table.columns, row.values, strict=True):
                if column.kind == PEOPLE:
                    yield value
