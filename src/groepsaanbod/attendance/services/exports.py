"""A report in the reader's language: labels and values for the page, CSV and XLSX.

Pages and exports read the same cells from here, so a suppressed cell ("<5", or a larger one
hidden beside it) is suppressed everywhere alike, and explained under each table that has one.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import xlsxwriter

from groepsaanbod.attendance import figures as f
from groepsaanbod.attendance.errors import ReportRefused
from groepsaanbod.attendance.rules import ABSENCE_REASONS
from groepsaanbod.bounds import neutralise_line, spreadsheet_text
from groepsaanbod.i18n.formatting import long_date, number, percent
from groepsaanbod.i18n.text import N_
from groepsaanbod.i18n.translations import gettext, language_name

NOTE_SUPPRESSED = N_("Numbers of fewer than 5 people are shown as <5, so that nobody can be recognised.")
#: The word a hidden cell shows (figures.HIDDEN), and what it means.
HIDDEN_WORD = N_("hidden")
NOTE_HIDDEN = N_(
    "“%(word)s” is a number of 5 or more, or a percentage, that is not shown: with it, a number under 5"
    " could be worked out from the totals."
)
HEADING_MUNICIPALITY = N_("Report for the municipality: %(place)s, %(period)s")
HEADING_PROVIDER = N_("Report of %(organisation)s, %(period)s")
ALL_PLACES = N_("all places")
SUMMARY = N_("Summary")
#: The files a report is given as (page and API alike): format -> media type.
FILE_TYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class CsvDialect:
    delimiter: str
    decimal: str


#: How a CSV is written: Dutch Excel reads `;` and `78,4`, others `,` and `78.4`.
CSV_DIALECTS = {"nl": CsvDialect(";", ","), "international": CsvDialect(",", ".")}


DIALECT_WRONG = N_("Choose the CSV kind nl (semicolons, decimal comma) or international (commas, decimal point).")


def csv_dialect(asked: str | None) -> str | None:
    """The CSV dialect asked for (None: the reader's language decides), or a refusal."""
    if not asked:
        return None
    if asked not in CSV_DIALECTS:
        raise ReportRefused.single("dialect", DIALECT_WRONG)
    return asked


def csv_dialect_for(language: str) -> str:
    """The CSV dialect a reader gets unless they ask for another: Dutch for Dutch readers."""
    return "nl" if language == "nl" else "international"


@dataclass(frozen=True)
class Shown:
    """One table as people read it."""

    key: str
    title: str
    headers: list[str]
    rows: list[tuple[str, list[f.Value]]]
    chart: int | None


def row_label(table: f.Table, row: f.Row, language: str) -> str:
    if row.label is not None:
        return row.label
    if row.key == f.UNKNOWN:
        return gettext(language, f.UNKNOWN_NAME)
    kind = table.row_kind
    if kind == "language":
        return language_name(row.key, language)
    if kind == "age_group":
        return gettext(language, f.AGE_GROUPS[row.key])
    if kind == "wait":
        return gettext(language, f.WAIT_NAMES[row.key])
    if kind == "reason":
        return gettext(language, ABSENCE_REASONS[row.key]) if row.key in ABSENCE_REASONS else row.key
    return row.key


def cell_number(value: f.Value) -> float | int | str | None:
    """A cell as a number for the API: rates as percentages, suppressed as "<5" or "hidden"."""
    if isinstance(value, f.Rate):
        return value.percent
    return value


def cell_shown(value: f.Value, language: str) -> float | int | str | None:
    """A cell as a person reads it in a spreadsheet: as cell_number, "hidden" in their language."""
    if value == f.HIDDEN:
        return gettext(language, HIDDEN_WORD)
    return cell_number(value)


def notes(report: f.Report, language: str, marks: frozenset[str] | None = None) -> list[str]:
    """What the marks in the report (or just `marks`) mean, one line each."""
    found = f.report_marks(report) if marks is None else marks
    if not report.suppressed and not found:
        return []
    lines = [gettext(language, NOTE_SUPPRESSED)] if marks is None or f.SUPPRESSED in found else []
    if f.HIDDEN in found:
        lines.append(gettext(language, NOTE_HIDDEN, word=gettext(language, HIDDEN_WORD)))
    return lines


def table_notes(report: f.Report, table: Shown, language: str) -> list[str]:
    """The lines under one table: what its marks mean (none when it has none)."""
    found = f.marks_in(v for _, values in table.rows for v in values)
    return notes(report, language, found) if found else []


def cell_text(value: f.Value, language: str) -> str:
    """A cell on the page and beside its bar: a share with the language's own percent sign."""
    if isinstance(value, f.Rate) and value.percent is not None:
        return percent(value.percent, language)
    value = cell_shown(value, language)
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    return number(value, language)


def shown_tables(report: f.Report, language: str) -> list[Shown]:
    result = []
    for table in report.tables:
        headers = [gettext(language, f.ROW_NAMES[table.row_kind])]
        headers += [
            gettext(language, f.COLUMN_NAMES[c.key]) + (" (%)" if c.kind == f.RATE else "") for c in table.columns
        ]
        rows = [(row_label(table, row, language), list(row.values)) for row in table.rows]
        result.append(Shown(table.key, gettext(language, f.TABLE_NAMES[table.key]), headers, rows, table.chart))
    return result


def summary_rows(report: f.Report, language: str) -> list[tuple[str, f.Value]]:
    return [(gettext(language, f.SUMMARY_NAMES[key]), value) for key, value in report.summary]


def heading(report: f.Report, language: str) -> str:
    period = f"{long_date(report.start, language)} – {long_date(report.end, language)}"
    if report.audience == "municipality":
        place = report.title or gettext(language, ALL_PLACES)
        return gettext(language, HEADING_MUNICIPALITY, place=place, period=period)
    return gettext(language, HEADING_PROVIDER, organisation=report.title, period=period)


def _lines(report: f.Report, language: str) -> list[list[object]]:
    lines: list[list[object]] = [[heading(report, language)]]
    lines += [[line] for line in notes(report, language)]
    lines.append([])
    for name, value in summary_rows(report, language):
        lines.append([name, cell_shown(value, language)])
    for table in shown_tables(report, language):
        lines += [[], [table.title], [*table.headers]]
        lines += [[label, *(cell_shown(v, language) for v in values)] for label, values in table.rows]
        lines += [[line] for line in table_notes(report, table, language)]
    return lines


def _safe(value: object) -> object:
    """A text cell that a spreadsheet cannot read as a formula (OWASP, CSV injection): the
    names in a report come from other organisations' staff, the reader opens them in Excel."""
    return spreadsheet_text(neutralise_line(value)) if isinstance(value, str) else value


def _csv_cell(value: object, dialect: CsvDialect) -> object:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value).replace(".", dialect.decimal)  # no thousands separator: spreadsheets misread it
    return _safe(value)


def report_csv(report: f.Report, language: str, dialect: str | None = None) -> bytes:
    chosen = CSV_DIALECTS[dialect or csv_dialect_for(language)]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=chosen.delimiter)
    for line in _lines(report, language):
        writer.writerow([_csv_cell(v, chosen) for v in line])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM lets spreadsheet programs read UTF-8


def report_xlsx(report: f.Report, language: str) -> bytes:
    out = io.BytesIO()
    # Text is text: no string is read as a formula, a number or a link.
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True})
    right_to_left = language == "ar"
    summary = book.add_worksheet(gettext(language, SUMMARY)[:31])
    if right_to_left:
        summary.right_to_left()
    summary.write_string(0, 0, _safe(heading(report, language)), bold)
    row = 1
    for line in notes(report, language):
        summary.write_string(row, 0, _safe(line))
        row += 1
    for name, value in summary_rows(report, language):
        row += 1
        summary.write_string(row, 0, _safe(name))
        _write(summary, row, 1, cell_shown(value, language))
    summary.set_column(0, 0, 60)
    for number_, table in enumerate(shown_tables(report, language), start=1):
        sheet = book.add_worksheet(f"{number_} {table.title}"[:31].replace("/", "-").replace(":", ""))
        if right_to_left:
            sheet.right_to_left()
        sheet.write_string(0, 0, _safe(table.title), bold)
        for col, header in enumerate(table.headers):
            sheet.write_string(2, col, _safe(header), bold)
        for r, (label, values) in enumerate(table.rows, start=3):
            sheet.write_string(r, 0, _safe(label))
            for col, value in enumerate(values, start=1):
                _write(sheet, r, col, cell_shown(value, language))
        below = 3 + len(table.rows) + 1  # under the table, after an empty row
        for n, line in enumerate(table_notes(report, table, language)):
            sheet.write_string(below + n, 0, _safe(line))
        sheet.set_column(0, 0, 40)
        sheet.set_column(1, len(table.headers), 16)
    book.close()
    return out.getvalue()


def _write(sheet, row: int, col: int, value) -> None:
    if value is None:
        sheet.write_blank(row, col, None)
    elif isinstance(value, str):
        sheet.write_string(row, col, _safe(value))
    else:
        sheet.write_number(row, col, value)


def report_file(report: f.Report, language: str, wanted: str, dialect: str | None = None) -> tuple[bytes, str, str]:
    """The report as a file of a format in FILE_TYPES (a CSV in one of CSV_DIALECTS, by default the
    reader's): its bytes, media type and file name."""
    stem = f"report-{report.start.isoformat()}-{report.end.isoformat()}"
    content = report_csv(report, language, dialect) if wanted == "csv" else report_xlsx(report, language)
    return content, FILE_TYPES[wanted], f"{stem}.{wanted}"
