"""A municipality report marks a count of 1 to 4 ("<5") apart from a larger cell hidden beside it
("hidden"), on the page, in the CSV and in the XLSX, and says under each table what the marks mean."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl

from groepsaanbod.attendance import figures as f
from groepsaanbod.attendance.services import exports


def _report() -> f.Report:
    people = f.Column("people", f.PEOPLE)
    reach = f.Table(
        "reach_language",
        "language",
        (people,),
        tuple(f.Row(k, (n,)) for k, n in [("nl", 20), ("tr", 10), ("ar", 5), ("so", 3)]),
    )
    dose = f.Table("dose", "meetings", (people,), tuple(f.Row(str(k), (n,)) for k, n in f.dose_rows({8: 12, 7: 9}, 8)))
    summary = (("people_reached", 38), ("completed", 12), ("completion_rate", f.Rate(12, 14)))
    report = f.Report("municipality", "Eindhoven", date(2026, 1, 1), date(2026, 12, 31), summary, (reach, dose))
    return f.suppress_report(report)


def test_a_small_count_and_a_cell_hidden_beside_it_are_marked_apart():
    report = _report()
    assert [r.values[0] for r in report.table("reach_language").rows] == [20, 10, f.HIDDEN, f.SUPPRESSED]
    assert report.figure("completion_rate") == f.HIDDEN  # 2 did not complete: the share would tell
    assert [r.key for r in report.table("dose").rows] == [str(n) for n in range(9)]


def test_csv_says_what_each_mark_means_at_the_top_and_under_the_table():
    text = exports.report_csv(_report(), "en").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=","))
    assert rows[1] == [exports.NOTE_SUPPRESSED]
    assert "“hidden” is a number of 5 or more" in rows[2][0]
    assert ["Arabic", "hidden"] in rows
    assert ["Somali", "<5"] in rows
    after = rows[rows.index(["Somali", "<5"]) + 1 :]
    assert after[0] == [exports.NOTE_SUPPRESSED]
    assert after[1][0].startswith("“hidden”")
    # A table without marks has no notes under it.
    dose = rows.index(["8", "12"])
    assert rows[dose + 1 :] == []
    assert ["Completion rate", "hidden"] in rows


def test_dutch_csv_and_xlsx_use_the_dutch_word():
    text = exports.report_csv(_report(), "nl").decode("utf-8-sig")
    word = exports.gettext("nl", exports.HIDDEN_WORD)
    assert word != "hidden"
    assert f";{word}\r\n" in text
    book = openpyxl.load_workbook(io.BytesIO(exports.report_xlsx(_report(), "en")))
    reach = book.worksheets[1]
    cells = [r for r in reach.iter_rows(min_row=4, values_only=True)]
    assert ("Arabic", "hidden") in cells
    assert ("Somali", "<5") in cells
    assert any(r[0] and str(r[0]).startswith("“hidden”") for r in cells)
