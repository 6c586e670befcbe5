"""The shape and bounds of support needs (registration/support.py) and the template rule that
says which of them take room (programmes/templates/checks.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from groepsaanbod.programmes.templates import check_template
from groepsaanbod.registration.support import (
    SupportAnswers,
    check_support,
    count_support,
    room_people,
    wants_interpreter,
)
from tests.unit.programmes.test_templates import WEEKLY


def test_answers_become_the_fixed_shape_and_nothing_asked_is_none():
    support, problems = check_support(SupportAnswers(interpreter_language="uk", children="3", access=("sight",)))
    assert problems == []
    assert support == {
        "interpreter": "uk",
        "children": 3,
        "partner": False,
        "travel": False,
        "access": ["sight"],
        "access_note": "",
    }
    assert check_support(SupportAnswers()) == (None, [])
    assert check_support(None) == (None, [])
    assert wants_interpreter(support)
    assert not wants_interpreter(None)


@given(
    language=st.text(max_size=40),
    children=st.one_of(st.integers(), st.text(max_size=20)),
    access=st.lists(st.text(max_size=20), max_size=5),
    note=st.text(max_size=400),
)
def test_any_input_gives_a_checked_shape_or_problems_never_an_error(language, children, access, note):
    support, problems = check_support(
        SupportAnswers(interpreter_language=language, children=children, access=tuple(access), access_note=note)
    )
    if problems:
        assert support is None
        assert all(p.field.startswith("support_") for p in problems)
    elif support is not None:
        assert 0 <= support["children"] <= 6
        assert len(support["access_note"]) <= 300
        assert set(support["access"]) <= {"wheelchair", "hearing", "sight"}


def test_counts_and_room_people():
    counts = count_support(
        [
            {"interpreter": "ti", "children": 2, "partner": True},
            {"interpreter": "ti", "travel": True, "access": ["wheelchair"]},
            {"interpreter": "fa_AF", "access_note": "rustige plek"},
            None,
        ]
    )
    assert counts.interpreters == {"fa_AF": 1, "ti": 2}
    assert (counts.children, counts.partners, counts.travel, counts.access) == (2, 1, 1, 2)
    assert room_people(counts, ["partners", "children"]) == (1, 2)
    assert room_people(counts, []) == (0, 0)


def test_a_template_says_which_support_takes_room():
    ok = check_template({**WEEKLY, "rules": {"room_counts": ["children", "partners", "children"]}})
    assert ok.ok
    assert ok.template.rules["room_counts"] == ["children", "partners"]
    for wrong in (["pets"], "partners", 3, [None]):
        check = check_template({**WEEKLY, "rules": {"room_counts": wrong}})
        assert [p.field for p in check.problems] == ["rules.room_counts"]
