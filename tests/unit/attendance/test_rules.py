"""The register's rules, drop-out signals, bins and small-cell suppression (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from groepsaanbod.attendance import charts, rules
from groepsaanbod.attendance import figures as f

START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_register_window():
    def closed(now, coordinator=False, cancelled=False):
        message = rules.register_closed(START, 120, now, coordinator=coordinator, cancelled=cancelled)
        return message.msgid if message else None

    assert closed(START - timedelta(minutes=31)) == rules.TOO_EARLY
    assert closed(START - timedelta(minutes=30)) is None
    assert closed(START + timedelta(days=7, hours=2)) is None
    assert closed(START + timedelta(days=7, hours=2, seconds=1)) == rules.ONLY_COORDINATOR_LATER
    assert closed(START + timedelta(days=70), coordinator=True) is None
    assert closed(START, cancelled=True) == rules.CANCELLED


def test_marks_are_checked_per_field():
    marks = [rules.Mark(1, False, "holiday"), rules.Mark(9, True), rules.Mark(2, True, partners=11, note="x" * 501)]
    problems = rules.check_marks(marks, [1, 2])
    assert [p.field for p in problems] == [
        "marks[0].reason",
        "marks[1].participant_id",
        "marks[2].note",
        "marks[2].partners",
    ]


def test_signals():
    detect = rules.detect_signals
    assert detect(["present", "ill", "no_reason"], 8, 6) == {rules.MISSED_IN_A_ROW, rules.BELOW_THRESHOLD}
    assert detect(["present", "present", "gave_birth", "gave_birth"], 9, 7) == frozenset()
    assert detect(["present", "present", "present", "ill"], 8, 6) == frozenset()  # 3 of 4 = 75 % = 6 of 8
    assert detect(["present", "ill", "present", "ill"], 8, 6) == {rules.BELOW_THRESHOLD}
    assert detect(["ill", "ill"], 0, 0) == {rules.MISSED_IN_A_ROW}


def test_changed_marks():
    before = {1: ("present", None), 2: ("absent", "ill")}
    after = [rules.Mark(1, True), rules.Mark(2, False, "excused"), rules.Mark(3, True)]
    assert rules.changed_marks(before, after) == [2]


def test_bins_and_median():
    assert f.wait_bins({0: 1, 1: 2, 3: 1, 12: 4}) == [("0-1", 3), ("2-3", 1), ("4-7", 0), ("8-11", 0), ("12+", 4)]
    assert f.median_week({1: 2, 2: 1, 6: 1, 14: 1}) == 2
    assert f.median_week({}) is None
    assert f.dose_rows({0: 1, 3: 2}, 0) == [(0, 1), (1, 0), (2, 0), (3, 2)]
    # An 8-meeting course has a row 8, also when nobody came to all eight.
    assert [n for n, _ in f.dose_rows({2: 1, 7: 4}, 8)] == list(range(9))
    assert f.age_cutoffs(date(2024, 2, 29))["0-1"] == date(2023, 2, 28)


def test_rates_are_hidden_when_they_give_away_a_small_count():
    assert f.suppress_rate(f.Rate(3, 6)) == f.HIDDEN
    assert f.suppress_rate(f.Rate(5, 4)) == f.HIDDEN
    assert f.suppress_rate(f.Rate(10, 12)) == f.HIDDEN  # 2 did not
    assert f.suppress_rate(f.Rate(10, 20)) == f.Rate(10, 20)
    assert f.suppress_rate(f.Rate(0, 20)) == f.Rate(0, 20)


@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=12))
def test_no_small_count_survives_and_a_lone_hidden_cell_cannot_be_worked_out(counts):
    table = f.Table(
        "reach_language",
        "language",
        (f.Column("people", f.PEOPLE),),
        tuple(f.Row(str(i), (n,)) for i, n in enumerate(counts)),
    )
    shown = [r.values[0] for r in f.suppress_table(table).rows]
    assert not any(isinstance(v, int) and 0 < v < 5 for v in shown)
    hidden = [i for i, v in enumerate(shown) if v in (f.SUPPRESSED, f.HIDDEN)]
    assert len(hidden) != 1 or sum(1 for n in counts if n > 0) == 1
    assert all(v == n for v, n in zip(shown, counts, strict=True) if v not in (f.SUPPRESSED, f.HIDDEN))
    # "<5" is only ever a count of 1 to 4, "hidden" only ever one of 5 or more.
    assert all(0 < n < 5 for v, n in zip(shown, counts, strict=True) if v == f.SUPPRESSED)
    assert all(n >= 5 for v, n in zip(shown, counts, strict=True) if v == f.HIDDEN)


def test_chart_is_an_image_with_its_figures_in_words():
    svg = charts.bar_chart("c1", "Reach by language", [("Nederlands", 12, "12"), ("Soomaali", None, "<5")])
    assert 'role="img"' in svg
    assert '<title id="c1-title">Reach by language</title>' in svg
    assert "Nederlands: 12; Soomaali: &lt;5" in svg
    assert 'aria-labelledby="c1-title c1-desc"' in svg


def test_helpers_tick_presence_only():
    marks = [rules.Mark(1, False, "ill"), rules.Mark(2, False, note="zwanger"), rules.Mark(3, False, "no_reason")]
    assert [p.field for p in rules.check_helper_marks(marks)] == ["marks[0].reason", "marks[1].note"]
    assert rules.check_helper_marks([rules.Mark(1, True), rules.Mark(2, False)]) == ()


def test_what_others_recorded_is_kept_when_a_helper_saves():
    recorded = {1: ("absent", "gave_birth", "in het ziekenhuis"), 2: ("present", None, ""), 3: ("absent", "ill", "")}
    kept = rules.helper_marks(
        [rules.Mark(1, False), rules.Mark(2, False), rules.Mark(3, True), rules.Mark(4, False)], recorded
    )
    assert [(m.participant_id, m.present, m.reason, m.note) for m in kept] == [
        (1, False, "gave_birth", "in het ziekenhuis"),
        (2, False, "no_reason", ""),
        (3, True, None, ""),
        (4, False, "no_reason", ""),
    ]
