"""The baby's date of birth on a register mark: only beside "gave birth", never from a helper."""

from __future__ import annotations

from datetime import date

from groepsaanbod.attendance import rules

BORN = date(2027, 4, 14)


def test_a_birth_date_goes_only_with_an_absence_because_she_gave_birth():
    ok = rules.Mark(1, present=False, reason="gave_birth", birth_date=BORN)
    assert rules.check_marks([ok], [1]) == ()
    for wrong in (
        rules.Mark(1, present=False, reason="ill", birth_date=BORN),
        rules.Mark(1, present=True, birth_date=BORN),
    ):
        [problem] = rules.check_marks([wrong], [1])
        assert (problem.field, problem.message.msgid) == ("marks[0].birth_date", rules.BIRTH_DATE_ONLY_WITH_BIRTH)


def test_a_helper_gives_no_birth_date():
    problems = rules.check_helper_marks([rules.Mark(1, present=False, birth_date=BORN)])
    assert [p.field for p in problems] == ["marks[0].birth_date"]
