"""The rules of marks sent later: ids, bounds on their moment, who wins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from groepsaanbod.attendance import mark_rules
from groepsaanbod.attendance.mark_rules import SentMark, check_sent_marks, in_order, mark_id, wins

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
ID = "0B6F1F8E-4C1A-4A53-9D37-2A4B2F1C9E10"


def fields(marks, **kw):
    args = {"session_id": 7, "members": [1, 2], "drop_in": False, "helper": False, "now": NOW, **kw}
    return [p.field for p in check_sent_marks(marks, **args)]


def test_ids_are_uuids_in_one_written_form():
    assert mark_id(ID) == ID.lower()
    assert mark_id("{" + ID + "}") == ID.lower()
    for wrong in ("", "1", "x" * 41, "0b6f1f8e-4c1a-4a53-9d37-2a4b2f1c9e1z"):
        assert mark_id(wrong) is None


def test_the_moment_is_bounded_by_a_small_skew_and_the_registers_week():
    ok = SentMark(ID, "present", NOW + mark_rules.CLOCK_SKEW, 1)
    assert fields([ok]) == []
    ahead = SentMark(ID, "present", NOW + mark_rules.CLOCK_SKEW + timedelta(seconds=1), 1)
    old = SentMark(ID, "present", NOW - mark_rules.MARK_WINDOW - timedelta(seconds=1), 1)
    naive = SentMark(ID, "present", NOW.replace(tzinfo=None), 1)
    assert fields([ahead, old, naive]) == ["marks[0].marked_at", "marks[1].marked_at", "marks[2].marked_at"]


def test_people_values_and_reasons():
    assert fields([SentMark(ID, "absent", NOW, 3)]) == ["marks[0].participant_id"]
    assert fields([SentMark(ID, "absent", NOW, None)]) == ["marks[0].participant_id"]
    assert fields([SentMark(ID, "absent", NOW, 1, "flu")]) == ["marks[0].reason"]
    assert fields([SentMark(ID, "present", NOW, 1, "ill")]) == ["marks[0].reason"]
    assert fields([SentMark(ID, "absent", NOW, 1, "ill")], helper=True) == ["marks[0].reason"]
    assert fields([SentMark(ID, "absent", NOW, 1, "no_reason")], helper=True) == []
    assert fields([SentMark(ID, "head_count", NOW, None, adults=3, children=4)]) == ["marks[0].value"]
    assert fields([SentMark(ID, "head_count", NOW, None, adults=3, children=501)], drop_in=True) == [
        "marks[0].children"
    ]
    assert fields([SentMark(ID, "head_count", NOW, 1)], drop_in=True) == ["marks[0].participant_id"]
    assert fields([SentMark(ID, "present", NOW, 1, session_id=8)]) == ["marks[0].session_id"]
    assert fields([]) == ["marks"]
    assert fields([SentMark(ID, "present", NOW, 1)] * (mark_rules.MAX_MARKS + 1)) == ["marks"]


def test_the_later_mark_wins_in_a_fixed_order():
    early, late = NOW - timedelta(minutes=5), NOW
    assert wins(late, early)
    assert wins(late, late)
    assert not wins(early, late)
    assert wins(early, None)
    a = SentMark("b", "present", late, 1)
    b = SentMark("a", "absent", late, 1)
    c = SentMark("c", "absent", early, 1)
    assert in_order([a, b, c]) == [c, b, a]
