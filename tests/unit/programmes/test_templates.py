"""Every rule of a programme template, one refusal each, and the built-in ones."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groepsaanbod.i18n.translations import render_message
from groepsaanbod.programmes.library import builtin_templates
from groepsaanbod.programmes.templates import check_template, template_to_data

WEEKLY = {
    "key": "test-course",
    "name": {"nl": "Testcursus"},
    "description": {"nl": "Een cursus."},
    "audience": {"nl": "Ouders."},
    "formation": "enrolment",
    "schedule": "weekly",
    "min_group_size": 4,
    "max_group_size": 10,
    "completion_threshold": 2,
    "languages": ["nl"],
    "sessions": [
        {
            "kind": "group",
            "duration_minutes": 120,
            "timing": "week_after_start",
            "week": 1,
            "roles": [{"role": "trainer", "count": 1}],
        },
        {"kind": "phone", "duration_minutes": 30, "timing": "week_after_start", "week": 2},
        {"kind": "group", "duration_minutes": 120, "timing": "week_after_start", "week": 3},
    ],
}
PREGNANCY = {
    **WEEKLY,
    "formation": "due_date",
    "schedule": "pregnancy_week",
    "sessions": [
        {"kind": "group", "duration_minutes": 120, "timing": "pregnancy_week", "week": 15},
        {"kind": "group", "duration_minutes": 120, "timing": "weeks_after_birth", "week": 6},
    ],
    "rules": {"first_meeting_weeks": [12, 17]},
}


def changed(base: dict, path: str, value) -> dict:
    data = copy.deepcopy(base)
    target = data
    keys = path.replace("]", "").replace("[", ".").split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    if value is _DELETE:
        del target[last]
    elif isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return data


_DELETE = object()


def refused_fields(data: dict) -> list[str]:
    check = check_template(data)
    assert not check.ok, "expected a refusal"
    return [p.field for p in check.problems]


def test_valid_templates_pass():
    assert check_template(WEEKLY).ok
    assert check_template(PREGNANCY).ok


@pytest.mark.parametrize(
    ("base", "path", "value", "field"),
    [
        (WEEKLY, "sessions[0].duration_minutes", 0, "sessions[0].duration_minutes"),
        (WEEKLY, "sessions[0].duration_minutes", 481, "sessions[0].duration_minutes"),
        (WEEKLY, "sessions[0].duration_minutes", "two hours", "sessions[0].duration_minutes"),
        (WEEKLY, "min_group_size", 12, "min_group_size"),
        (WEEKLY, "max_group_size", 0, "max_group_size"),
        (PREGNANCY, "sessions[0].week", 50, "sessions[0].week"),
        (PREGNANCY, "sessions[0].week", 0, "sessions[0].week"),
        (WEEKLY, "sessions[0].roles[0].role", "wizard", "sessions[0].roles[0].role"),
        (WEEKLY, "sessions[0].roles[0].count", 0, "sessions[0].roles[0].count"),
        (WEEKLY, "sessions[1].week", 1, "sessions[1].week"),
        (WEEKLY, "sessions[0].kind", "party", "sessions[0].kind"),
        (WEEKLY, "sessions[0].timing", "pregnancy_week", "sessions[0].timing"),
        (WEEKLY, "formation", "lottery", "formation"),
        (WEEKLY, "schedule", "monthly", "schedule"),
        (WEEKLY, "languages", ["nl", "fr"], "languages"),
        (WEEKLY, "languages", [], "languages"),
        (WEEKLY, "sessions", [], "sessions"),
        (WEEKLY, "completion_threshold", 4, "completion_threshold"),
        (WEEKLY, "name", {"en": "Only English"}, "name.nl"),
        (WEEKLY, "name", {"nl": "Naam", "xx": "?"}, "name"),
        (WEEKLY, "key", "", "key"),
        (PREGNANCY, "rules.first_meeting_weeks", [17, 12], "rules.first_meeting_weeks"),
        (PREGNANCY, "rules.first_meeting_weeks", [12, 50], "rules.first_meeting_weeks"),
        (PREGNANCY, "rules.rota_alert_days", 0, "rules.rota_alert_days"),
        (PREGNANCY, "rules.rota_alert_days", 29, "rules.rota_alert_days"),
        (PREGNANCY, "rules.rota_alert_days", True, "rules.rota_alert_days"),
        (PREGNANCY, "rules.latest_join_week", 50, "rules.latest_join_week"),
        (PREGNANCY, "rules.latest_join_week", "26", "rules.latest_join_week"),
        (PREGNANCY, "rules.joinable_until_meeting", 99, "rules.joinable_until_meeting"),
        (PREGNANCY, "rules.meeting_hours", [22, 8], "rules.meeting_hours"),
        (PREGNANCY, "rules.meeting_hours", [8, 25], "rules.meeting_hours"),
        (WEEKLY, "constraints", [{"kind": "role_present", "role": "wizard"}], "constraints[0].role"),
        (WEEKLY, "constraints", [{"kind": "moon_phase"}], "constraints[0].kind"),
        (WEEKLY, "constraints", [{"kind": "min_role_count", "role": "volunteer", "count": 0}], "constraints[0].count"),
    ],
)
def test_each_rule_refuses_with_the_field_named(base, path, value, field):
    assert field in refused_fields(changed(base, path, value))


def test_meetings_out_of_time_order_are_refused():
    data = changed(PREGNANCY, "sessions[0].week", 30)
    data["sessions"].insert(1, {"kind": "group", "duration_minutes": 120, "timing": "pregnancy_week", "week": 20})
    assert "sessions[1].week" in refused_fields(data)


def test_drop_in_has_one_weekly_meeting():
    data = {
        **WEEKLY,
        "formation": "drop_in",
        "schedule": "drop_in",
        "completion_threshold": 0,
        "sessions": [{"kind": "group", "duration_minutes": 90, "timing": "weekly"}] * 2,
    }
    assert "sessions" in refused_fields(data)


def test_kids_en_koffie_alerts_a_short_rota_five_days_ahead():
    template = builtin_templates()["kids-en-koffie"]
    assert template.rules["rota_alert_days"] == 5
    assert any(c.kind == "min_role_count" and c.params["count"] == 3 for c in template.constraints)


def test_refusal_says_what_is_allowed_in_the_persons_language():
    check = check_template(changed(PREGNANCY, "sessions[0].week", 50))
    problem = next(p for p in check.problems if p.field == "sessions[0].week")
    english = render_message("en", problem.message)
    dutch = render_message("nl", problem.message)
    assert "1" in english
    assert "42" in english
    assert english != dutch
    assert "42" in dutch


def test_every_problem_message_is_translated_everywhere():
    check = check_template({"sessions": [{"kind": "x", "duration_minutes": 0, "timing": "y"}], "languages": "nl"})
    for problem in check.problems:
        for language in ("nl", "tr", "ar", "pl", "es", "so"):
            assert render_message(language, problem.message) != render_message("en", problem.message), (
                language,
                problem.message.msgid,
            )


def test_builtin_templates_hold_the_facts_of_the_design():
    templates = builtin_templates()
    assert set(templates) >= {
        "centering-pregnancy",
        "kids-en-koffie",
        "think-op-school",
        "triple-p-group",
        "baby-in-huis",
        "rots-en-water",
    }
    centering = templates["centering-pregnancy"]
    groups = [s for s in centering.sessions if s.kind == "group" and s.timing == "pregnancy_week"]
    assert [s.week for s in groups] == [15, 19, 23, 27, 29, 31, 33, 35, 37]
    assert all(s.duration_minutes == 120 for s in groups)
    assert (centering.min_group_size, centering.max_group_size) == (8, 14)
    assert any(s.timing == "weeks_after_birth" and s.with_babies for s in centering.sessions)
    assert "midwife" in centering.required_roles

    triple_p = templates["triple-p-group"]
    by_week = {s.week: s for s in triple_p.sessions}
    assert [w for w, s in sorted(by_week.items()) if s.kind == "group"] == [1, 2, 3, 4, 8]
    assert [w for w, s in sorted(by_week.items()) if s.kind == "phone"] == [5, 6, 7]
    assert triple_p.max_group_size == 12
    assert any(c.kind == "trainer_speaks_language" for c in triple_p.constraints)

    think = templates["think-op-school"]
    assert think.formation == "school_class"
    assert all(s.duration_minutes == 60 for s in think.sessions)
    assert any(c.kind == "role_present" and c.params["role"] == "mentor" and c.hard for c in think.constraints)
    assert any(c.kind == "no_school_holidays" for c in think.constraints)

    kids = templates["kids-en-koffie"]
    assert kids.schedule == "drop_in"
    assert len(kids.sessions) == 1
    assert any(
        c.kind == "min_role_count" and c.params["role"] == "volunteer" and c.params["count"] == 3
        for c in kids.constraints
    )

    assert len(templates["baby-in-huis"].sessions) == 4
    rots = templates["rots-en-water"]
    assert rots.formation == "school_class"
    assert any(c.kind == "min_role_count" and c.params.get("count") == 2 for c in rots.constraints)


@pytest.mark.parametrize("key", sorted(builtin_templates()))
def test_builtin_texts_exist_in_all_seven_languages(key):
    template = builtin_templates()[key]
    for texts in (template.name, template.description, template.audience, *(s.topic for s in template.sessions)):
        assert set(texts) == {"nl", "en", "tr", "ar", "pl", "es", "so"}, (key, texts)


@pytest.mark.parametrize("key", sorted(builtin_templates()))
def test_plain_data_round_trip(key):
    template = builtin_templates()[key]
    assert check_template(template_to_data(template)).template == template


@given(st.integers(min_value=-100, max_value=1000))
def test_duration_accepted_exactly_in_range(minutes):
    check = check_template(changed(WEEKLY, "sessions[0].duration_minutes", minutes))
    assert check.ok == (1 <= minutes <= 480)


@given(st.integers(min_value=-5, max_value=60))
def test_pregnancy_week_accepted_exactly_in_range(week):
    data = changed(PREGNANCY, "sessions[0].week", week)
    assert check_template(data).ok == (1 <= week <= 42)


def test_texts_are_bounded_and_nothing_unknown_is_kept_or_echoed():
    """Names and topics one line, texts with their lengths; constraint parameters the rules do
    not read are not stored, and an unknown role or language is not repeated at length."""
    raw = copy.deepcopy(WEEKLY)
    raw["name"] = {"nl": "Triple P\r\nBcc: attacker@example.org"}
    raw["description"] = {"nl": "x" * 5_001}
    raw["sessions"][0]["topic"] = {"nl": "Thema \u202e"}
    raw["audience"] = {"nl": "Ouders", "x" * 10_000: "?"}
    raw["constraints"] = [{"kind": "role_present", "role": "r" * 10_000, "secret": "kept?"}]
    problems = {p.field: render_message("en", p.message) for p in check_template(raw).problems}
    assert problems["name.nl"] == "Write this on one line, without line breaks or tabs."
    assert problems["description.nl"] == "Use at most 5000 characters."
    assert "invisible characters" in problems["sessions[0].topic.nl"]
    assert all(len(message) < 400 for message in problems.values()), problems
    fine = copy.deepcopy(WEEKLY) | {"constraints": [{"kind": "role_present", "role": "trainer", "secret": "x"}]}
    template = check_template(fine).template
    assert template.constraints[0].params == {"role": "trainer"}
