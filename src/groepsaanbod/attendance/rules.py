"""The rules of the register and of drop-out signals. Pure: plain data in, results out;
the moment `now` is passed in by the caller."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from groepsaanbod import bounds
from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.refusals import Problem


class Presence(StrEnum):
    """What the register holds for a person at a meeting (or a drop-in's head count)."""

    PRESENT = "present"
    ABSENT = "absent"
    HEAD_COUNT = "head_count"


#: Why someone was not there (the register's choices, in this order).
ABSENCE_REASONS: dict[str, str] = {
    "no_reason": N_("no reason given"),
    "ill": N_("ill"),
    "excused": N_("excused"),
    "gave_birth": N_("gave birth"),
    "other": N_("other reason"),
}

#: The register opens a little before the meeting (people are checked in as they arrive) …
OPENS_BEFORE = timedelta(minutes=30)
#: … and staff may fill it in up to a week after; later only a coordinator may change it.
OPEN_FOR = timedelta(days=7)
MAX_NOTE = 500
MAX_EXTRA = 10  # partners or babies one member brings along
MAX_HEAD_COUNT = 500

TOO_EARLY = N_("The register opens half an hour before the meeting starts.")
ONLY_COORDINATOR_LATER = N_(
    "More than 7 days have passed since this meeting. Ask a coordinator to change the register."
)
CANCELLED = N_("This meeting was cancelled, so there is no register to take.")
NOT_A_MEMBER = N_("This person is not a member of this group.")
UNKNOWN_REASON = N_("Choose one of the reasons on the list.")
NOTE_TOO_LONG = N_("Keep the note to %(most)s characters.")
COUNT_RANGE = N_("Give a whole number from 0 to %(most)s.")
BIRTH_DATE_ONLY_WITH_BIRTH = N_('Give a date of birth only for someone absent with the reason "gave birth".')
ONLY_TICKS = N_(
    "You can tick who is here, but not give reasons or notes. Leave them empty; a coordinator can add them."
)


@dataclass(frozen=True)
class Mark:
    """One member on the register: there or not, and why not."""

    participant_id: int
    present: bool
    reason: str | None = None
    note: str = ""
    partners: int = 0
    babies: int = 0
    #: Absent because she gave birth: the baby's date of birth (optional; moves the meeting with the babies).
    birth_date: date | None = None


def register_closed(
    starts_at: datetime, duration_minutes: int, now: datetime, *, coordinator: bool, cancelled: bool = False
) -> Message | None:
    """Why the register of this meeting cannot be taken now by this person, or None when it can."""
    if cancelled:
        return Message(CANCELLED)
    if now < bounds.shifted(starts_at, -OPENS_BEFORE):
        return Message(TOO_EARLY)
    if not coordinator and now > bounds.shifted(starts_at, timedelta(minutes=duration_minutes) + OPEN_FOR):
        return Message(ONLY_COORDINATOR_LATER)
    return None


def check_marks(marks: Sequence[Mark], members: Iterable[int]) -> tuple[Problem, ...]:
    """Every mark must be of a member, with a known reason and sensible numbers."""
    allowed = set(members)
    problems: list[Problem] = []
    for i, mark in enumerate(marks):
        at = f"marks[{i}]"
        if mark.participant_id not in allowed:
            problems.append(Problem(f"{at}.participant_id", Message(NOT_A_MEMBER)))
        if not mark.present and mark.reason is not None and mark.reason not in ABSENCE_REASONS:
            problems.append(Problem(f"{at}.reason", Message(UNKNOWN_REASON)))
        wrong = bounds.text_problem(mark.note, MAX_NOTE)
        if wrong is not None:
            too_long = wrong.msgid == bounds.TOO_LONG
            problems.append(Problem(f"{at}.note", Message(NOTE_TOO_LONG, {"most": MAX_NOTE}) if too_long else wrong))
        if mark.birth_date is not None and (mark.present or mark.reason != "gave_birth"):
            problems.append(Problem(f"{at}.birth_date", Message(BIRTH_DATE_ONLY_WITH_BIRTH)))
        for name in ("partners", "babies"):
            if not 0 <= getattr(mark, name) <= MAX_EXTRA:
                problems.append(Problem(f"{at}.{name}", Message(COUNT_RANGE, {"most": MAX_EXTRA})))
    return tuple(problems)


def check_helper_marks(marks: Sequence[Mark]) -> tuple[Problem, ...]:
    """A helper (volunteer, guest teacher) only ticks who is there: no absence reasons or notes,
    which are health data they do not see."""
    problems: list[Problem] = []
    for i, mark in enumerate(marks):
        if mark.reason not in (None, "", "no_reason"):
            problems.append(Problem(f"marks[{i}].reason", Message(ONLY_TICKS)))
        if mark.note.strip():
            problems.append(Problem(f"marks[{i}].note", Message(ONLY_TICKS)))
        if mark.birth_date is not None:
            problems.append(Problem(f"marks[{i}].birth_date", Message(ONLY_TICKS)))
    return tuple(problems)


def helper_marks(marks: Sequence[Mark], recorded: Mapping[int, tuple[str, str | None, str]]) -> list[Mark]:
    """A helper's ticks with what others recorded kept: a member still absent keeps the reason
    given before (a newly absent one gets "no reason given"), and every note stays.
    `recorded`: participant -> (status, absence reason, note) as saved before."""
    kept = []
    for mark in marks:
        status, reason, note = recorded.get(mark.participant_id, ("", None, ""))
        if mark.present:
            reason = None
        elif status != Presence.ABSENT or not reason:
            reason = "no_reason"
        kept.append(replace(mark, reason=reason, note=note))
    return kept


def check_head_count(adults: int, children: int, theme: str = "", speaker: str = "") -> tuple[Problem, ...]:
    counts = [
        Problem(name, Message(COUNT_RANGE, {"most": MAX_HEAD_COUNT}))
        for name, value in (("adults", adults), ("children", children))
        if not 0 <= value <= MAX_HEAD_COUNT
    ]
    texts = [
        bounds.check_line("theme", theme, bounds.SHORT_TEXT),
        bounds.check_line("speaker", speaker, bounds.SHORT_TEXT),
    ]
    return tuple(counts + [p for p in texts if p is not None])


def check_note(field: str, note: str) -> Problem | None:
    """A note of what someone did (a handled signal): several lines, at most MAX_NOTE characters."""
    wrong = bounds.text_problem(note, MAX_NOTE)
    if wrong is None:
        return None
    return Problem(field, Message(NOTE_TOO_LONG, {"most": MAX_NOTE}) if wrong.msgid == bounds.TOO_LONG else wrong)


# Drop-out signals --------------------------------------------------------------------

MISSED_IN_A_ROW = "missed_in_a_row"
BELOW_THRESHOLD = "below_threshold"
#: Not about coming: she moved her due date far from her group's (participants/services/changes.py).
DUE_DATE_MOVED = "due_date_moved"

SIGNAL_NAMES: dict[str, str] = {
    MISSED_IN_A_ROW: N_("Missed the last two meetings"),
    BELOW_THRESHOLD: N_("Comes too seldom to complete the programme"),
    DUE_DATE_MOVED: N_("Changed her due date: it is far from her group's"),
}
SUGGESTED_ACTIONS: dict[str, str] = {
    MISSED_IN_A_ROW: N_("Call or text them to ask how they are and whether the day and time still suit them."),
    BELOW_THRESHOLD: N_("Talk with them about what would help them come, for example another group or time."),
    DUE_DATE_MOVED: N_("Look for a group with due dates close to hers, and move her there if she agrees."),
}


def detect_signals(marks: Sequence[str], total_meetings: int, completion_threshold: int) -> frozenset[str]:
    """Signals for one member, from their marks in meeting order.

    A mark is "present" or an absence reason. Missing a meeting because of giving
    birth is not dropping out. "Below threshold": the share of meetings attended
    so far is below the share the programme needs to complete (e.g. 7 of 9).
    """
    found: set[str] = set()
    missed = [m != Presence.PRESENT and m != "gave_birth" for m in marks]
    if len(missed) >= 2 and missed[-1] and missed[-2]:
        found.add(MISSED_IN_A_ROW)
    counted = [m for m in marks if m != "gave_birth"]
    if completion_threshold > 0 and total_meetings > 0 and len(counted) >= 2:
        attended = sum(1 for m in counted if m == Presence.PRESENT)
        if attended * total_meetings < completion_threshold * len(counted):
            found.add(BELOW_THRESHOLD)
    return frozenset(found)


def marks_in_order(rows: Iterable[tuple[int, str, str | None]]) -> dict[int, list[str]]:
    """(participant, status, reason) rows in meeting order -> each member's marks."""
    result: dict[int, list[str]] = {}
    for participant_id, status, reason in rows:
        mark = Presence.PRESENT if status == Presence.PRESENT else (reason or "no_reason")
        result.setdefault(participant_id, []).append(mark)
    return result


def changed_marks(before: Mapping[int, tuple[str, str | None]], after: Sequence[Mark]) -> list[int]:
    """Members whose mark differs from what was recorded before (for the audit trail)."""
    changed = []
    for mark in after:
        now_is = (Presence.PRESENT, None) if mark.present else (Presence.ABSENT, mark.reason or "no_reason")
        if mark.participant_id in before and before[mark.participant_id] != now_is:
            changed.append(mark.participant_id)
    return changed
