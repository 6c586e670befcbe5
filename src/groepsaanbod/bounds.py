"""What input may hold: ids, dates, periods, times of day, text and the shape of JSON. Pure.

Checked where input enters (API bodies and queries, page forms, the class-list CSV,
the command line), so that nothing out of range reaches the domain rules, the
database or a page. Each rule gives a message that names what is allowed, in the
person's language at the edge. The ranges (README, "Bounded input"):

- ids: 1 to 2^31 - 1, what a database INTEGER holds;
- meetings, their planning dates and room closures: within two years of today, either way;
- report periods: from ten years ago to two years ahead, start on or before end;
- times of day: HH:MM, 00:00 to 23:59, no time zone;
- text: a length per field; single-line fields hold no line breaks, tabs, control
  characters or direction overrides; multi-line text holds no NUL or other control
  characters than tab and line breaks;
- JSON bodies: at most 32 levels deep, every whole number within 32 bits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.refusals import Problem

MAX_ID = 2**31 - 1
#: Whole numbers in JSON bodies: a database INTEGER (ids, counts, minutes all fit in it).
MIN_NUMBER, MAX_NUMBER = -(2**31), 2**31 - 1
MEETING_YEARS = 2
REPORT_YEARS_BACK, REPORT_YEARS_AHEAD = 10, 2
MAX_JSON_DEPTH = 32
#: Query values: long enough for a return address, far shorter than anything hostile.
MAX_QUERY_VALUE = 1_000

# Lengths of the text fields, in characters.
NAME = 200  # a person's, a programme's, a group's or a room's name
EMAIL = 254  # RFC 5321
PHONE = 40
PLACE = 120
POSTCODE = 12
STREET = 200
SHORT_TEXT = 200  # a reason, a theme, a speaker, a topic
NOTE = 2_000
DESCRIPTION = 5_000

TOO_LONG = N_("Use at most %(limit)s characters.")
ONE_LINE = N_("Write this on one line, without line breaks or tabs.")
INVISIBLE = N_("This text contains invisible characters that are not allowed. Type it again instead of pasting it.")
NUMBER_RANGE = N_("Give a whole number from %(min)s to %(max)s.")
DATE_RANGE = N_("Choose a date from %(first)s to %(last)s.")
PERIOD_ORDER = N_("The start must be on or before the end.")
TOO_DEEP = N_("The JSON is nested too deeply. Use at most %(limit)s levels.")

#: Explicit direction embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069):
#: in a name they can reverse what a reader sees around it. The marks LRM, RLM and ALM only
#: hint a direction and are ordinary in Arabic text, so they stay.
DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_BREAKS = frozenset("\n\r\t\v\f\x1c\x1d\x1e\x85\u2028\u2029")
_DIRECTION_CONTROLS_RE = re.compile("[\u202a-\u202e\u2066-\u2069]")
_UNSAFE_IN_LINE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_TIME_OF_DAY = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
#: Cells a spreadsheet would read as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_surrogate(ch: str) -> bool:
    return "\ud800" <= ch <= "\udfff"


def _invisible(ch: str) -> bool:
    """Never in any text: NUL and other control characters, half a surrogate pair."""
    return (unicodedata.category(ch) == "Cc" and ch not in "\t\n\r") or _is_surrogate(ch)


def line_problem(value: str, limit: int) -> Message | None:
    """What is wrong with a single-line text (a name, an address, a reason), or None."""
    if len(value) > limit:
        return Message(TOO_LONG, {"limit": limit})
    if not _UNSAFE_IN_LINE_RE.search(value):
        return None
    if any(ch in LINE_BREAKS for ch in value):
        return Message(ONE_LINE)
    return Message(INVISIBLE)


def text_problem(value: str, limit: int) -> Message | None:
    """What is wrong with a multi-line text (a description, a note), or None."""
    if len(value) > limit:
        return Message(TOO_LONG, {"limit": limit})
    if any(_invisible(ch) for ch in value):
        return Message(INVISIBLE)
    return None


def check_line(field: str, value: str, limit: int) -> Problem | None:
    message = line_problem(value, limit)
    return Problem(field, message) if message else None


def check_text(field: str, value: str, limit: int) -> Problem | None:
    message = text_problem(value, limit)
    return Problem(field, message) if message else None


def neutralise_line(value: str) -> str:
    """A text made safe to show or send as one line: line breaks and control characters
    become spaces, direction controls go. For data already stored, which must not be lost."""
    value = _DIRECTION_CONTROLS_RE.sub("", value)
    return _UNSAFE_IN_LINE_RE.sub(" ", value)


def without_direction_controls(value: str) -> str:
    return _DIRECTION_CONTROLS_RE.sub("", value)


def id_problem(value: int) -> Message | None:
    if 1 <= value <= MAX_ID:
        return None
    return Message(NUMBER_RANGE, {"min": 1, "max": MAX_ID})


def check_id(field: str, value: int | None) -> Problem | None:
    message = id_problem(value) if value is not None else None
    return Problem(field, message) if message else None


def form_id(text: object) -> int:
    """An id from a form field: 0 (which names nothing) unless plain digits from 1 to MAX_ID.
    (`str.isdigit` also says yes to "²", which int() refuses.)"""
    value = str(text or "").strip()
    if re.fullmatch(r"[0-9]{1,10}", value) and 1 <= int(value) <= MAX_ID:
        return int(value)
    return 0


def form_number(text: object) -> int | None:
    """A whole number from a form field, within 32 bits; None when it is not one."""
    value = str(text or "").strip()
    return int(value) if re.fullmatch(r"-?[0-9]{1,9}", value) else None


def _years_from(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def meeting_window(today: date) -> tuple[date, date]:
    """The first and last day a meeting, a planning date or a room closure may fall on."""
    return _years_from(today, -MEETING_YEARS), _years_from(today, MEETING_YEARS)


def report_window(today: date) -> tuple[date, date]:
    return _years_from(today, -REPORT_YEARS_BACK), _years_from(today, REPORT_YEARS_AHEAD)


def date_problem(value: date, window: tuple[date, date]) -> Message | None:
    first, last = window
    if first <= value <= last:
        return None
    return Message(DATE_RANGE, {"first": first, "last": last})


def check_date(field: str, value: date | None, window: tuple[date, date]) -> Problem | None:
    message = date_problem(value, window) if value is not None else None
    return Problem(field, message) if message else None


def period_problems(
    start: date, end: date, today: date, *, start_field: str = "start", end_field: str = "end"
) -> list[Problem]:
    """A report's period: both days within the report window, the start on or before the end."""
    window = report_window(today)
    problems = [
        p for p in (check_date(start_field, start, window), check_date(end_field, end, window)) if p is not None
    ]
    if not problems and start > end:
        problems.append(Problem(end_field, Message(PERIOD_ORDER)))
    return problems


def time_of_day(text: str) -> time | None:
    """'09:30' -> 09:30; None for anything else (seconds, a time zone, 24:00)."""
    match = _TIME_OF_DAY.fullmatch(text.strip()) if len(text) <= 10 else None
    return time(int(match.group(1)), int(match.group(2))) if match else None


def _walk(value: Any, path: str, depth: int) -> Iterator[tuple[str, Any, int]]:
    """Every value in a decoded JSON document with its path and depth, without recursion."""
    stack = [(path, value, depth)]
    while stack:
        where, item, level = stack.pop()
        yield where, item, level
        if level > MAX_JSON_DEPTH:
            continue
        if isinstance(item, dict):
            for key, child in item.items():
                yield f"{where}.{key}" if where else str(key), key, level + 1
                stack.append((f"{where}.{key}" if where else str(key), child, level + 1))
        elif isinstance(item, list):
            stack.extend((f"{where}[{i}]", child, level + 1) for i, child in enumerate(item))


def is_id_field(path: str) -> bool:
    """A field that names a row: `id`, `…_id` (`…Id` in a query), or an item of `…_ids`."""
    name = path.rsplit(".", 1)[-1]
    if name.endswith("]"):
        name = name.rsplit("[", 1)[0]
        return name.endswith(("_ids", "Ids"))
    return name == "id" or name.endswith(("_id", "Id"))


def number_problem(path: str, value: int) -> Message | None:
    if is_id_field(path):
        return id_problem(value)
    if MIN_NUMBER <= value <= MAX_NUMBER:
        return None
    return Message(NUMBER_RANGE, {"min": MIN_NUMBER, "max": MAX_NUMBER})


def json_problems(document: Any) -> list[Problem]:
    """The shape every JSON body keeps, whatever the route: not too deep, numbers a database
    holds (ids 1 to 2^31 - 1), and no NUL or half surrogate pair in any text or key."""
    problems: list[Problem] = []
    for path, value, depth in _walk(document, "", 0):
        if depth > MAX_JSON_DEPTH:
            return [Problem("body", Message(TOO_DEEP, {"limit": MAX_JSON_DEPTH}))]
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            message = number_problem(path, value)
            if message:
                problems.append(Problem(path, message))
        elif isinstance(value, str) and any(_invisible(ch) for ch in value):
            problems.append(Problem(path, Message(INVISIBLE)))
    return sorted(problems, key=lambda p: p.field)


def query_problem(name: str, value: str, whole_number: bool = False) -> Message | None:
    """A value in a URL's query: short, no control characters; an id (by its name) or a value
    the route reads as a whole number within range. Other digits (a client's cache-buster
    `_=1733220000000`, say) are not numbers to us."""
    if len(value) > MAX_QUERY_VALUE:
        return Message(TOO_LONG, {"limit": MAX_QUERY_VALUE})
    if any(_invisible(ch) or ch in "\t\n\r" for ch in value):
        return Message(INVISIBLE)
    if (whole_number or is_id_field(name)) and re.fullmatch(r"[+-]?[0-9]+", value.strip()):
        return number_problem(name, int(value))
    return None


def shifted(moment: datetime, delta: timedelta) -> datetime:
    """`moment + delta`, held at the first or last moment of the calendar instead of failing:
    rows stored before these bounds existed may hold a meeting on 31 December 9999."""
    try:
        return moment + delta
    except OverflowError:
        edge = datetime.max if delta > timedelta(0) else datetime.min
        return edge.replace(tzinfo=moment.tzinfo)


def spreadsheet_text(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs: a leading = + - @ tab or CR gets a quote."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


TIME_FORM = N_("Give the time as hours and minutes, for example 09:30.")


PERIOD_FORM = N_("The end must come after the start.")
