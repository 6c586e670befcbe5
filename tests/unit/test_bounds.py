"""The bounds of input (groepsaanbod.bounds): ids, dates, periods, times of day, text and JSON shape."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groepsaanbod import bounds
from groepsaanbod.i18n.translations import render_message

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize("value", [1, 7, bounds.MAX_ID])
def test_ids_in_range(value):
    assert bounds.id_problem(value) is None


@pytest.mark.parametrize("value", [0, -1, bounds.MAX_ID + 1, 2**40, -(2**63)])
def test_ids_out_of_range_name_the_range(value):
    message = bounds.id_problem(value)
    assert message is not None
    assert render_message("en", message) == "Give a whole number from 1 to 2147483647."


def test_meeting_dates_within_two_years_of_today():
    first, last = bounds.meeting_window(TODAY)
    assert (first, last) == (date(2024, 11, 30), date(2028, 11, 30))
    assert bounds.date_problem(date(2027, 3, 15), (first, last)) is None
    far = bounds.date_problem(date(9999, 12, 31), (first, last))
    assert far is not None
    assert render_message("en", far) == "Choose a date from Nov 30, 2024 to Nov 30, 2028."
    assert bounds.date_problem(date(1, 1, 1), (first, last)) is not None


def test_meeting_window_on_29_february():
    assert bounds.meeting_window(date(2028, 2, 29)) == (date(2026, 2, 28), date(2030, 2, 28))


def test_report_period_within_its_window_and_in_order():
    assert bounds.period_problems(date(2026, 1, 1), date(2026, 12, 31), TODAY) == []
    assert bounds.period_problems(date(2026, 5, 1), date(2026, 5, 1), TODAY) == []
    reversed_ = bounds.period_problems(date(2026, 12, 1), date(2026, 1, 1), TODAY)
    assert [p.field for p in reversed_] == ["end"]
    assert render_message("en", reversed_[0].message) == "The start must be on or before the end."
    huge = bounds.period_problems(date(1, 1, 1), date(9999, 12, 31), TODAY)
    assert [p.field for p in huge] == ["start", "end"]


@pytest.mark.parametrize("text", ["09:30", "00:00", "23:59", " 7:05 "])
def test_times_of_day(text):
    assert isinstance(bounds.time_of_day(text), time)


@pytest.mark.parametrize("text", ["", "24:00", "9", "09:30+05:00", "09:30:00.5", "ab:cd", "9999", "09:60"])
def test_times_of_day_refused(text):
    assert bounds.time_of_day(text) is None


def test_single_line_text_rules():
    assert bounds.line_problem("Eva de Vries", 200) is None
    assert bounds.line_problem("محمد", 200) is None
    too_long = bounds.line_problem("E" * 10_000, 200)
    assert render_message("en", too_long) == "Use at most 200 characters."
    for hostile in ("Eva\x00C", "Triple P\r\nBcc: attacker@example.org", "a\tb", "a\u2028b", "a\x85b"):
        message = bounds.line_problem(hostile, 200)
        assert message is not None, hostile
        assert message.msgid in (bounds.ONE_LINE, bounds.INVISIBLE), hostile
    assert bounds.line_problem("Triple P\r\nBcc: x", 200).msgid == bounds.ONE_LINE
    for override in ("\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"):
        assert bounds.line_problem(f"Eva {override}evil", 200).msgid == bounds.INVISIBLE
    # Marks that only hint a direction (LRM, RLM, ALM) are ordinary in Arabic names.
    assert bounds.line_problem("\u200fمحمد\u200e", 200) is None


def test_multi_line_text_rules():
    assert bounds.text_problem("Eerste regel\r\nTweede regel\ttab", 2000) is None
    assert bounds.text_problem("‏نص \u202eمقلوب", 2000) is None  # kept: shown isolated
    assert bounds.text_problem("a\x00b", 2000).msgid == bounds.INVISIBLE
    assert bounds.text_problem("a\ud800b", 2000).msgid == bounds.INVISIBLE
    assert render_message("nl", bounds.text_problem("x" * 2001, 2000)) == "Gebruik hoogstens 2000 tekens."


@given(st.text())
def test_a_line_that_passes_holds_no_line_break_control_or_override(text):
    if bounds.line_problem(text, 10_000) is None:
        assert not any(ch in text for ch in "\r\n\x00\u202e\u2066\u2028")
        assert bounds.neutralise_line(text) == text


@given(st.text())
def test_neutralised_text_is_a_safe_line(text):
    assert bounds.line_problem(bounds.neutralise_line(text), 10_000) is None


def test_json_shape():
    assert bounds.json_problems({"a": [1, {"b": "c"}]}) == []
    deep: object = 1
    for _ in range(bounds.MAX_JSON_DEPTH + 1):
        deep = [deep]
    problems = bounds.json_problems(deep)
    assert len(problems) == 1
    assert problems[0].message.msgid == bounds.TOO_DEEP
    shallow: object = 1
    for _ in range(bounds.MAX_JSON_DEPTH):
        shallow = [shallow]
    assert bounds.json_problems(shallow) == []


def test_json_ids_and_numbers_name_the_field():
    problems = bounds.json_problems(
        {"marks": [{"participant_id": 2**40}], "volunteer_ids": [1, 0], "adults": 2**40, "note": "a\x00"}
    )
    assert {p.field for p in problems} == {"marks[0].participant_id", "volunteer_ids[1]", "adults", "note"}


def test_spreadsheet_cells_cannot_start_a_formula():
    for hostile in ('=HYPERLINK("http://evil.example","x")', "@SUM(1+1)", "+1", "-1+2", "\t=1", "\r=1"):
        assert bounds.spreadsheet_text(hostile) == "'" + hostile
    assert bounds.spreadsheet_text("Groep A") == "Groep A"
    assert bounds.spreadsheet_text("<5") == "<5"
    assert bounds.spreadsheet_text("") == ""


def test_query_values():
    assert bounds.query_problem("place", "Eindhoven") is None
    assert bounds.query_problem("_", "1733220000000") is None  # a client's cache-buster is no number to us
    assert bounds.query_problem("programme_id", str(2**40)).msgid == bounds.NUMBER_RANGE
    assert bounds.query_problem("cohort_id", "0").msgid == bounds.NUMBER_RANGE
    assert bounds.query_problem("version", str(2**40), whole_number=True).msgid == bounds.NUMBER_RANGE
    assert bounds.query_problem("version", "3", whole_number=True) is None
    assert bounds.query_problem("place", "\x00").msgid == bounds.INVISIBLE
    assert bounds.query_problem("next", "/" * 1_001).msgid == bounds.TOO_LONG


def test_form_numbers_are_plain_digits_in_range():
    assert bounds.form_id("12") == 12
    assert bounds.form_id(" 7 ") == 7
    for text in ("", "0", "-3", "²", "٣", str(2**31), "1e3", None):
        assert bounds.form_id(text) == 0, text
    assert bounds.form_number("-5") == -5
    assert bounds.form_number("²") is None
    assert bounds.form_number("9" * 5000) is None


def test_shifted_holds_at_the_ends_of_the_calendar():
    from datetime import UTC, datetime, timedelta

    last = datetime(9999, 12, 31, 22, 30, tzinfo=UTC)
    assert bounds.shifted(last, timedelta(hours=2)) == datetime.max.replace(tzinfo=UTC)
    assert bounds.shifted(datetime(1, 1, 1), -timedelta(days=1)) == datetime.min
    assert bounds.shifted(datetime(2027, 1, 1), timedelta(hours=1)) == datetime(2027, 1, 1, 1)
