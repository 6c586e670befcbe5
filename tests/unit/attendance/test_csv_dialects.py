"""A CSV report in the reader's kind: Dutch Excel reads `;` and `78,4`, others `,` and `78.4`."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from groepsaanbod.attendance import figures as f
from groepsaanbod.attendance.errors import ReportRefused
from groepsaanbod.attendance.services import exports


def _report() -> f.Report:
    summary = (("people_reached", 500), ("attendance_rate", f.Rate(392, 500)))
    return f.Report("provider", "CJG Eindhoven", date(2026, 1, 1), date(2026, 12, 31), summary, ())


def _rows(content: bytes, delimiter: str) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())  # the BOM Excel needs for UTF-8 stays
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


def test_dutch_readers_get_semicolons_and_a_decimal_comma():
    rows = _rows(exports.report_csv(_report(), "nl"), ";")
    assert [r for r in rows if r and r[-1] == "78,4"], rows
    assert "78.4" not in str(rows)


@pytest.mark.parametrize("language", ["en", "tr", "ar", "pl", "es", "so"])
def test_other_readers_get_commas_and_a_decimal_point(language):
    rows = _rows(exports.report_csv(_report(), language), ",")
    assert [r for r in rows if r and r[-1] == "78.4"], rows
    assert "78,4" not in str(rows)


def test_the_reader_can_ask_for_the_other_kind():
    assert [r for r in _rows(exports.report_csv(_report(), "en", "nl"), ";") if r and r[-1] == "78,4"]
    assert [r for r in _rows(exports.report_csv(_report(), "nl", "international"), ",") if r and r[-1] == "78.4"]


def test_a_text_with_the_delimiter_in_it_stays_one_cell():
    report = f.Report("provider", "Zorg; en welzijn, Eindhoven", date(2026, 1, 1), date(2026, 12, 31), (), ())
    for language, delimiter in (("nl", ";"), ("en", ",")):
        assert len(_rows(exports.report_csv(report, language), delimiter)[0]) == 1


def test_an_unknown_kind_is_refused():
    assert exports.csv_dialect(None) is None
    assert exports.csv_dialect("nl") == "nl"
    with pytest.raises(ReportRefused) as refused:
        exports.csv_dialect("excel;")
    assert refused.value.problems[0].field == "dialect"
