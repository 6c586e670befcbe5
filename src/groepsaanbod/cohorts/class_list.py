"""Read and check the CSV file a school uploads with its first-year classes. Pure.

The file has a header line and one class per line. Dutch Excel writes ';' between
cells, other tools ','; both are read. Every broken rule becomes a `Problem` that
names the line and the column, so the office worker can fix the file and send it
again. Callers import nothing unless `SchoolClassImport.ok` (all or nothing).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from groepsaanbod import bounds
from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.refusals import Problem

MAX_CLASS_NAME = 40
#: The three regions the Dutch government sets school holidays for (scheduling.closed_days knows their dates).
SCHOOL_REGIONS = ("noord", "midden", "zuid")
PUPILS_RANGE = (1, 60)
YEAR_RANGE = (2000, 2100)

#: Canonical column -> the names a header may use (compared case-insensitively).
COLUMNS: dict[str, tuple[str, ...]] = {
    "class_name": ("class", "klas"),
    "school_year": ("school_year", "school year", "schooljaar"),
    "mentor_name": ("mentor_name", "mentor name", "mentor", "naam mentor", "mentor naam"),
    "mentor_email": ("mentor_email", "mentor email", "e-mail mentor", "email mentor", "mentor e-mail"),
    "pupils": ("pupils", "number of pupils", "leerlingen", "aantal leerlingen"),
}
#: How a missing column is named in the message.
COLUMN_LABELS = {
    "class_name": "class",
    "school_year": "school year",
    "mentor_name": "mentor name",
    "mentor_email": "mentor email",
    "pupils": "pupils",
}

FILE_UNREADABLE = N_("We could not read this file. Save it from your spreadsheet as CSV and send it again.")
NO_CLASSES = N_("The file has no classes. Put one class on each line below the line with the column names.")
TOO_MANY_CLASSES = N_("The file has more than %(max)s classes. Send at most %(max)s classes at a time.")
COLUMN_MISSING = N_("The first line has no column for %(column)s. Name the column one of: %(allowed)s.")
CLASS_EMPTY = N_("Line %(line)s: the class name is empty. Write a name such as 1A.")
CLASS_TOO_LONG = N_("Line %(line)s: the class name is too long. Use at most %(max)s characters.")
CLASS_TWICE = N_("Line %(line)s: class %(value)s is already on line %(first)s.")
YEAR_EMPTY = N_("Line %(line)s: the school year is empty. Write it as 2026-2027.")
YEAR_WRONG = N_("Line %(line)s: the school year %(value)s is not right. Write it as 2026-2027.")
MENTOR_EMPTY = N_("Line %(line)s: the name of the mentor is empty.")
EMAIL_EMPTY = N_("Line %(line)s: the email address of the mentor is empty.")
EMAIL_WRONG = N_("Line %(line)s: %(value)s is not an email address.")
PUPILS_WRONG = N_("Line %(line)s: the number of pupils must be a whole number from 1 to %(max)s.")
REGION_NEEDED = N_(
    "Choose the school holiday region of the school: noord, midden or zuid. "
    "No lesson is planned in the holidays of that region."
)
CONTACT_WRONG = N_("The email address of the school's contact person is not right.")
CELL_ONE_LINE = N_("Line %(line)s: write every cell on one line, without line breaks or tabs.")
CELL_INVISIBLE = N_("Line %(line)s: a cell contains invisible characters that are not allowed. Type it again.")
CELL_TOO_LONG = N_("Line %(line)s: a cell is too long. Use at most %(max)s characters.")
#: Characters per cell, before the class name's own rule (MAX_CLASS_NAME).
CELL_LIMITS = {
    "class_name": bounds.SHORT_TEXT,
    "school_year": 20,
    "mentor_name": bounds.NAME,
    "mentor_email": bounds.EMAIL,
    "pupils": 10,
}
_CELL_MESSAGES = {bounds.ONE_LINE: CELL_ONE_LINE, bounds.INVISIBLE: CELL_INVISIBLE, bounds.TOO_LONG: CELL_TOO_LONG}

_SPACES = re.compile(r"\s+")
# A hyphen, en dash, em dash or slash between the years; Excel and Word like to "improve" hyphens.
_YEAR = re.compile(r"(\d{4})\s*[-\u2013\u2014/]\s*(\d{4})")
_WHOLE_NUMBER = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class SchoolClassRow:
    line: int  # line number in the file (header is line 1)
    class_name: str  # e.g. "1A"
    school_year: str  # "2026-2027"
    mentor_name: str
    mentor_email: str  # normalised with email-validator, lower-cased
    pupils: int


@dataclass(frozen=True)
class SchoolClassImport:
    rows: tuple[SchoolClassRow, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """True when the whole file may be imported: no problems and at least one class."""
        return not self.problems and bool(self.rows)


def decode_upload(data: bytes) -> str:
    """The text of an uploaded file: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows ("CSV (gescheiden door lijstscheidingsteken)") writes cp1252.
        return data.decode("cp1252", errors="replace")


def _clean(cell: str) -> str:
    return _SPACES.sub(" ", cell).strip()


def _header_key(cell: str) -> str:
    return _clean(cell).lstrip("\ufeff").strip().casefold()


def _delimiter(header_line: str) -> str:
    """';' when the header has more semicolons than commas, else ','."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _problem(line: int, column: str, msgid: str, **params: object) -> Problem:
    return Problem(f"lines[{line}].{column}", Message(msgid, {"line": line, **params}))


def _file_problem(msgid: str, **params: object) -> SchoolClassImport:
    return SchoolClassImport(rows=(), problems=(Problem("file", Message(msgid, dict(params))),))


def _is_blank(cells: list[str]) -> bool:
    # Excel writes ";;;;" for an empty row; that is a blank line too.
    return not any(cell.strip() for cell in cells)


def _check_school_year(raw: str) -> str | None:
    match = _YEAR.fullmatch(raw)
    if not match:
        return None
    first, second = int(match.group(1)), int(match.group(2))
    if not (YEAR_RANGE[0] <= first <= YEAR_RANGE[1]) or second != first + 1:
        return None
    return f"{first}-{second}"


def _check_row(line: int, values: dict[str, str], problems: list[Problem]) -> SchoolClassRow | None:
    before = len(problems)

    class_name = values["class_name"]
    if not class_name:
        problems.append(_problem(line, "class_name", CLASS_EMPTY))
    elif len(class_name) > MAX_CLASS_NAME:
        problems.append(_problem(line, "class_name", CLASS_TOO_LONG, max=MAX_CLASS_NAME, value=class_name))

    school_year = values["school_year"]
    if not school_year:
        problems.append(_problem(line, "school_year", YEAR_EMPTY))
    else:
        normalised_year = _check_school_year(school_year)
        if normalised_year is None:
            problems.append(_problem(line, "school_year", YEAR_WRONG, value=school_year))
        else:
            school_year = normalised_year

    mentor_name = values["mentor_name"]
    if not mentor_name:
        problems.append(_problem(line, "mentor_name", MENTOR_EMPTY))

    mentor_email = values["mentor_email"]
    if not mentor_email:
        problems.append(_problem(line, "mentor_email", EMAIL_EMPTY))
    else:
        try:
            mentor_email = validate_email(mentor_email, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            problems.append(_problem(line, "mentor_email", EMAIL_WRONG, value=mentor_email))

    raw_pupils = values["pupils"]
    pupils = int(raw_pupils) if _WHOLE_NUMBER.fullmatch(raw_pupils) else 0
    if not (PUPILS_RANGE[0] <= pupils <= PUPILS_RANGE[1]):
        problems.append(_problem(line, "pupils", PUPILS_WRONG, max=PUPILS_RANGE[1], value=raw_pupils))

    if len(problems) > before:
        return None
    return SchoolClassRow(
        line=line,
        class_name=class_name,
        school_year=school_year,
        mentor_name=mentor_name,
        mentor_email=mentor_email,
        pupils=pupils,
    )


def school_problems(region: str | None, contact_email: str | None) -> tuple[list[Problem], str | None]:
    """Check the school's region (None: not given) and contact address (empty: none given).

    The problems, and the contact address normalised (None when none was given or it is wrong).
    """
    problems: list[Problem] = []
    if region is not None and region not in SCHOOL_REGIONS:
        problems.append(Problem("region", Message(REGION_NEEDED)))
    contact = (contact_email or "").strip()
    if not contact:
        return problems, None
    try:
        if bounds.line_problem(contact, bounds.EMAIL) is not None:
            raise EmailNotValidError(contact)
        return problems, validate_email(contact, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        problems.append(Problem("contact_email", Message(CONTACT_WRONG)))
        return problems, None


def read_school_classes_csv(text: str, max_rows: int = 200) -> SchoolClassImport:
    """Check every line of the file; `rows` holds the lines without problems."""
    text = text.removeprefix("\ufeff")
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    if not header_line:
        return _file_problem(NO_CLASSES)

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(header_line))
    records: list[tuple[int, list[str]]] = []  # (first physical line, cells), blank lines left out
    header: list[str] | None = None
    try:
        end_of_previous = 0
        for cells in reader:
            line, end_of_previous = end_of_previous + 1, reader.line_num
            if _is_blank(cells):
                continue
            if header is None:
                header = cells
                continue
            records.append((line, cells))
            if len(records) > max_rows:
                return _file_problem(TOO_MANY_CLASSES, max=max_rows)
    except csv.Error:
        return _file_problem(FILE_UNREADABLE)

    position: dict[str, int] = {}
    names = [_header_key(cell) for cell in header or []]
    problems: list[Problem] = []
    for column, accepted in COLUMNS.items():
        index = next((i for i, name in enumerate(names) if name in accepted), None)
        if index is None:
            problems.append(
                Problem(
                    "header",
                    Message(COLUMN_MISSING, {"column": COLUMN_LABELS[column], "allowed": ", ".join(accepted)}),
                )
            )
        else:
            position[column] = index
    if problems:
        return SchoolClassImport(rows=(), problems=tuple(problems))
    if not records:
        return _file_problem(NO_CLASSES)

    rows: list[SchoolClassRow] = []
    first_line_of: dict[tuple[str, str], int] = {}
    for line, cells in records:
        raw = {column: cells[i] if i < len(cells) else "" for column, i in position.items()}
        # Every cell is one line: a quoted cell may hold line breaks, which no name or address may.
        broken = [(column, bounds.line_problem(value.strip(), CELL_LIMITS[column])) for column, value in raw.items()]
        if any(message is not None for _, message in broken):
            for column, message in broken:
                if message is not None:
                    problems.append(
                        _problem(
                            line,
                            column,
                            _CELL_MESSAGES[message.msgid],
                            max=CELL_LIMITS[column],
                        )
                    )
            continue
        values = {column: _clean(value) for column, value in raw.items()}
        row = _check_row(line, values, problems)
        if row is None:
            continue
        key = (row.class_name.casefold(), row.school_year)
        if key in first_line_of:
            problems.append(_problem(line, "class_name", CLASS_TWICE, value=row.class_name, first=first_line_of[key]))
            continue
        first_line_of[key] = line
        rows.append(row)
    return SchoolClassImport(rows=tuple(rows), problems=tuple(problems))
