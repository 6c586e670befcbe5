"""The rules of marks sent later: a register taken on a phone without signal sends each tap as a
mark with its own id and the moment it was made, in batches, perhaps twice. Pure.

A mark is applied when it is the latest for its person (or the drop-in's head count) by the moment
it was made; one made earlier than what is recorded is kept, but changes nothing ("outdated").
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from groepsaanbod.attendance import rules
from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.refusals import Problem

#: A batch holds at most this many marks (a register of 60 people, tapped on and off a few times).
MAX_MARKS = 500
#: A phone's clock may run this far ahead of ours.
CLOCK_SKEW = timedelta(minutes=5)
#: A mark older than this is refused: the register of a meeting is open a week after it.
MARK_WINDOW = rules.OPEN_FOR

PRESENT, ABSENT, HEAD_COUNT = "present", "absent", "head_count"
VALUES = (PRESENT, ABSENT, HEAD_COUNT)

NO_MARKS = N_("Send at least one mark.")
TOO_MANY_MARKS = N_("Send at most %(most)s marks at a time.")
MARK_ID_WRONG = N_("Give each mark its own id, a UUID such as 0b6f1f8e-4c1a-4a53-9d37-2a4b2f1c9e10.")
MARK_VALUE_WRONG = N_("A mark is present, absent or (at a drop-in) head_count.")
IN_THE_FUTURE = N_("This mark is dated in the future. Check the date and time on the phone and send it again.")
TOO_OLD = N_("This mark was made more than %(days)s days ago and can no longer be saved. Ask a coordinator.")
NO_TIME_ZONE = N_("Give the moment of the mark with its time zone, such as 2026-11-30T10:15:00Z.")
OTHER_MEETING = N_("This mark is of another meeting. Send it to that meeting's register.")
PERSON_NEEDED = N_("Say whose mark this is.")
NOT_A_PERSON = N_("A head count is of the meeting, not of a person: leave the person out.")
ONLY_DROP_IN = N_("Only a drop-in has a head count.")
REASON_ONLY_ABSENT = N_("Give a reason only for someone who is absent.")


@dataclass(frozen=True)
class SentMark:
    """One tap on the register as the phone sent it."""

    id: str
    value: str
    marked_at: datetime
    participant_id: int | None = None
    reason: str | None = None
    adults: int = 0
    children: int = 0
    session_id: int | None = None


def mark_id(value: str) -> str | None:
    """The id in its one written form (lower case, with hyphens), or None when it is no UUID."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def check_sent_marks(
    marks: Sequence[SentMark],
    *,
    session_id: int,
    members: Iterable[int],
    drop_in: bool,
    helper: bool,
    now: datetime,
) -> tuple[Problem, ...]:
    """Everything wrong with a batch, each problem at its mark (`marks[i].field`); nothing of a
    batch with a problem is saved."""
    if not marks:
        return (Problem("marks", Message(NO_MARKS)),)
    if len(marks) > MAX_MARKS:
        return (Problem("marks", Message(TOO_MANY_MARKS, {"most": MAX_MARKS})),)
    allowed = set(members)
    problems: list[Problem] = []
    for i, mark in enumerate(marks):
        at = f"marks[{i}]"

        def wrong(field: str, msgid: str, **params: object) -> None:
            problems.append(Problem(f"{at}.{field}", Message(msgid, dict(params))))  # noqa: B023 (used at once)

        if mark_id(mark.id) is None:
            wrong("id", MARK_ID_WRONG)
        if mark.session_id is not None and mark.session_id != session_id:
            wrong("session_id", OTHER_MEETING)
        if mark.marked_at.tzinfo is None:
            wrong("marked_at", NO_TIME_ZONE)
        elif mark.marked_at > now + CLOCK_SKEW:
            wrong("marked_at", IN_THE_FUTURE)
        elif mark.marked_at < now - MARK_WINDOW:
            wrong("marked_at", TOO_OLD, days=MARK_WINDOW.days)
        if mark.value not in VALUES:
            wrong("value", MARK_VALUE_WRONG)
        elif mark.value == HEAD_COUNT:
            if not drop_in:
                wrong("value", ONLY_DROP_IN)
            if mark.participant_id is not None:
                wrong("participant_id", NOT_A_PERSON)
            for name, count in (("adults", mark.adults), ("children", mark.children)):
                if not 0 <= count <= rules.MAX_HEAD_COUNT:
                    wrong(name, rules.COUNT_RANGE, most=rules.MAX_HEAD_COUNT)
        else:
            if mark.participant_id is None:
                wrong("participant_id", PERSON_NEEDED)
            elif mark.participant_id not in allowed:
                wrong("participant_id", rules.NOT_A_MEMBER)
            if mark.reason not in (None, ""):
                if mark.value != ABSENT:
                    wrong("reason", REASON_ONLY_ABSENT)
                elif helper and mark.reason != "no_reason":
                    wrong("reason", rules.ONLY_TICKS)
                elif mark.reason not in rules.ABSENCE_REASONS:
                    wrong("reason", rules.UNKNOWN_REASON)
    return tuple(problems)


def in_order(marks: Iterable[SentMark]) -> list[SentMark]:
    """The order to apply them in: by the moment they were made (then by id, the same every time)."""
    return sorted(marks, key=lambda m: (m.marked_at, m.id))


def wins(marked_at: datetime, recorded_at: datetime | None) -> bool:
    """Whether a mark replaces what is recorded: it was made at or after that was. (A replay never
    gets here: its id is known.)"""
    return recorded_at is None or marked_at >= recorded_at
