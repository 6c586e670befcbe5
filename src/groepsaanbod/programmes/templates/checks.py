"""`check_template`: read a template from plain data and check every rule. Pure.

It takes the mapping a data file, a form or the API gives, and returns either a
`TemplateData` or the list of problems, each naming the field and saying what is allowed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from groepsaanbod import bounds
from groepsaanbod.access.roles import ROLES
from groepsaanbod.i18n.languages import LANGUAGE_CODES
from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.programmes.templates.data import (
    CONSTRAINT_KINDS,
    CONSTRAINT_PARAMS,
    DURATION_RANGE,
    FORMATIONS,
    GROUP_SIZE_RANGE,
    ON_VIOLATION,
    ROLE_COUNT_RANGE,
    SCHEDULES,
    SESSION_KINDS,
    TEXT_LIMITS,
    TIMING_WEEK_RANGE,
    TIMINGS_BY_SCHEDULE,
    ConstraintData,
    RoleNeed,
    Schedule,
    SessionSpecData,
    TemplateData,
)
from groepsaanbod.programmes.templates.reminders import check_reminder_rules
from groepsaanbod.refusals import Problem


@dataclass(frozen=True)
class TemplateCheck:
    template: TemplateData | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


class _Checker:
    """Collects problems while reading; every reader returns a usable value."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, where: str, msgid: str, **params: Any) -> None:
        self.problems.append(Problem(where, Message(msgid, params)))

    def integer(self, raw: Mapping[str, Any], key: str, where: str, bounds: tuple[int, int]) -> int:
        value = raw.get(key)
        low, high = bounds
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(where, N_("Give a whole number from %(min)s to %(max)s."), min=low, max=high)
            return low
        if not low <= value <= high:
            self.add(where, N_("Give a whole number from %(min)s to %(max)s."), min=low, max=high)
        return value

    def choice(self, raw: Mapping[str, Any], key: str, where: str, allowed: Sequence[str]) -> str:
        value = raw.get(key)
        if value not in allowed:
            self.add(where, N_("Choose one of: %(allowed)s."), allowed=", ".join(allowed))
            return allowed[0]
        return str(value)

    def texts(
        self, raw: Mapping[str, Any], key: str, where: str, *, required: bool = True, lines: bool = False
    ) -> dict[str, str]:
        """One text per language; `lines`: texts of several lines (a description), else one line each."""
        value = raw.get(key, {} if not required else None)
        if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
            self.add(where, N_("Give a text per language code (%(allowed)s)."), allowed=", ".join(LANGUAGE_CODES))
            return {}
        limit = TEXT_LIMITS.get(key, bounds.SHORT_TEXT)
        for code, text in value.items():
            wrong = bounds.text_problem(text, limit) if lines else bounds.line_problem(text, limit)
            if wrong is not None:
                self.problems.append(Problem(f"{where}.{code}", wrong))
        unknown = [code for code in value if code not in LANGUAGE_CODES]
        if unknown:
            self.add(
                where,
                N_("Unknown language code %(code)s. Allowed: %(allowed)s."),
                code=str(unknown[0])[:10],
                allowed=", ".join(LANGUAGE_CODES),
            )
        cleaned = {code: text.strip() for code, text in value.items() if code in LANGUAGE_CODES and text.strip()}
        if required and not cleaned.get("nl"):
            self.add(f"{where}.nl", N_("The Dutch text is required; other languages are optional."))
        return cleaned

    def pair(self, raw: Mapping[str, Any], key: str, where: str, bounds: tuple[int, int]) -> tuple[int, int] | None:
        value = raw.get(key)
        if value is None:
            return None
        low, high = bounds
        if (
            not isinstance(value, Sequence)
            or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            or not low <= value[0] <= value[1] <= high
        ):
            self.add(where, N_("Give two whole numbers, from and to, between %(min)s and %(max)s."), min=low, max=high)
            return None
        return (value[0], value[1])


def _check_roles(c: _Checker, raw: Any, where: str) -> tuple[RoleNeed, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        c.add(where, N_("Give a list of roles, each with a role and a count."))
        return ()
    needs: list[RoleNeed] = []
    for index, item in enumerate(raw):
        at = f"{where}[{index}]"
        if isinstance(item, str):
            item = {"role": item, "count": 1}
        if not isinstance(item, Mapping):
            c.add(at, N_("Give a list of roles, each with a role and a count."))
            continue
        role = item.get("role")
        if role not in ROLES:
            c.add(
                f"{at}.role",
                N_("Unknown role %(role)s. Allowed: %(allowed)s."),
                role=str(role),
                allowed=", ".join(ROLES),
            )
            continue
        count = c.integer({"count": item.get("count", 1)}, "count", f"{at}.count", ROLE_COUNT_RANGE)
        needs.append(RoleNeed(role, count))
    return tuple(needs)


def _check_session(
    c: _Checker, raw: Any, index: int, schedule: str, languages: Sequence[str]
) -> SessionSpecData | None:
    where = f"sessions[{index}]"
    if not isinstance(raw, Mapping):
        c.add(where, N_("Each meeting needs a kind, a length in minutes and when it takes place."))
        return None
    kind = c.choice(raw, "kind", f"{where}.kind", SESSION_KINDS)
    duration = c.integer(raw, "duration_minutes", f"{where}.duration_minutes", DURATION_RANGE)
    allowed_timings = TIMINGS_BY_SCHEDULE.get(schedule, ())
    timing = raw.get("timing")
    week: int | None = None
    if timing not in allowed_timings:
        c.add(f"{where}.timing", N_("Choose one of: %(allowed)s."), allowed=", ".join(allowed_timings))
    elif timing in TIMING_WEEK_RANGE:
        week = c.integer(raw, "week", f"{where}.week", TIMING_WEEK_RANGE[timing])
    topic = c.texts(raw, "topic", f"{where}.topic", required=False)
    return SessionSpecData(
        kind=kind,
        duration_minutes=duration,
        timing=str(timing),
        week=week,
        topic=topic,
        roles=_check_roles(c, raw.get("roles"), f"{where}.roles"),
        partners_invited=bool(raw.get("partners_invited", False)),
        with_babies=bool(raw.get("with_babies", False)),
    )


#: What a template's room_counts rule may name (registration/support.py ROOM_COUNTS: kept apart, as
#: programmes sit below registration).
ROOM_COUNTS = ("partners", "children")


def _check_room_counts(c: _Checker, raw: Mapping[str, Any], rules: dict[str, Any]) -> None:
    """Which support needs take room at a meeting: partners who come along, children looked after."""
    counted = raw.get("room_counts")
    if counted is None:
        return
    if not isinstance(counted, Sequence) or isinstance(counted, str) or not all(k in ROOM_COUNTS for k in counted):
        c.add("rules.room_counts", N_("Give a list with partners, children or both."))
    else:
        rules["room_counts"] = sorted(set(counted))


def _check_joining(c: _Checker, raw: Mapping[str, Any], rules: dict[str, Any], meetings: int) -> None:
    """Until when one can join: the latest pregnancy week (sign-up, groups by due date) and the
    meeting before which people may still join a group (joinable_until_meeting 5: before meeting 5
    begins; an open group closes then, and a late joiner is refused from then), and the hours an
    offered place is held (offer_hours)."""
    if raw.get("latest_join_week") is not None:
        rules["latest_join_week"] = c.integer(
            raw, "latest_join_week", "rules.latest_join_week", TIMING_WEEK_RANGE["pregnancy_week"]
        )
    if raw.get("joinable_until_meeting") is not None:
        rules["joinable_until_meeting"] = c.integer(
            raw, "joinable_until_meeting", "rules.joinable_until_meeting", (1, max(meetings, 1))
        )
    if raw.get("offer_hours") is not None:
        rules["offer_hours"] = c.integer(raw, "offer_hours", "rules.offer_hours", (1, 24 * 14))


def _check_order(c: _Checker, sessions: Sequence[SessionSpecData], schedule: str) -> None:
    """Meetings in time order; in a weekly programme at most one meeting a week."""
    if schedule == Schedule.WEEKLY:
        seen: dict[int, int] = {}
        for index, spec in enumerate(sessions):
            if spec.week is None:
                continue
            if spec.week in seen:
                c.add(
                    f"sessions[{index}].week",
                    N_(
                        "Meetings %(first)s and %(second)s are both in week %(week)s. "
                        "A weekly programme has at most one meeting a week."
                    ),
                    first=seen[spec.week] + 1,
                    second=index + 1,
                    week=spec.week,
                )
            else:
                seen[spec.week] = index
    previous: tuple[int, int] | None = None
    for index, spec in enumerate(sessions):
        if spec.week is None:
            continue
        # Pregnancy weeks come before weeks after birth.
        moment = (1 if spec.timing == "weeks_after_birth" else 0, spec.week)
        if previous is not None and moment < previous:
            c.add(
                f"sessions[{index}].week",
                N_("Meeting %(number)s comes before the meeting above it. Put the meetings in time order."),
                number=index + 1,
            )
        previous = moment


def _is_time(value: Any) -> bool:
    text = str(value)
    return (
        len(text) == 5
        and text.isascii()
        and text[2] == ":"
        and text[:2].isdigit()
        and text[3:].isdigit()
        and int(text[:2]) < 24
        and int(text[3:]) < 60
    )


def _check_constraints(c: _Checker, raw: Any) -> tuple[ConstraintData, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        c.add("constraints", N_("Give a list of rules, each with a kind."))
        return ()
    found: list[ConstraintData] = []
    for index, item in enumerate(raw):
        at = f"constraints[{index}]"
        if not isinstance(item, Mapping):
            c.add(at, N_("Give a list of rules, each with a kind."))
            continue
        kind = c.choice(item, "kind", f"{at}.kind", CONSTRAINT_KINDS)
        # Only the parameters the rules read are kept: nothing else a client sends is stored.
        params = {k: v for k, v in item.items() if k in CONSTRAINT_PARAMS}
        if kind in ("role_present", "min_role_count", "trainer_speaks_language"):
            role = params.get("role", "trainer" if kind == "trainer_speaks_language" else None)
            if role not in ROLES:
                c.add(
                    f"{at}.role",
                    N_("Unknown role %(role)s. Allowed: %(allowed)s."),
                    role=str(role)[:40],
                    allowed=", ".join(ROLES),
                )
            params["role"] = role
        if kind in ("min_role_count", "fixed_facilitators"):
            params["count"] = c.integer(params, "count", f"{at}.count", ROLE_COUNT_RANGE)
        if kind == "no_school_hours":
            params["from"], params["to"] = params.get("from", "08:30"), params.get("to", "15:30")
            if not (_is_time(params["from"]) and _is_time(params["to"]) and params["from"] < params["to"]):
                c.add(f"{at}.from", N_("Give the school hours as two times, for example 08:30 and 15:30."))
        if "on_violation" in params and params["on_violation"] not in ON_VIOLATION:
            c.add(f"{at}.on_violation", N_("Choose one of: %(allowed)s."), allowed=", ".join(ON_VIOLATION))
        found.append(ConstraintData(kind=kind, params=params, hard=bool(item.get("hard", True))))
    return tuple(found)


def check_template(raw: Mapping[str, Any]) -> TemplateCheck:
    """Read a template from plain data and check every rule."""
    c = _Checker()
    key = raw.get("key")
    if not isinstance(key, str) or not key.strip():
        c.add("key", N_("Give a short name of letters, digits and dashes."))
        key = ""
    formation = c.choice(raw, "formation", "formation", FORMATIONS)
    schedule = c.choice(raw, "schedule", "schedule", SCHEDULES)
    min_size = c.integer(raw, "min_group_size", "min_group_size", GROUP_SIZE_RANGE)
    max_size = c.integer(raw, "max_group_size", "max_group_size", GROUP_SIZE_RANGE)
    if min_size > max_size:
        c.add(
            "min_group_size",
            N_(
                "The smallest group (%(min)s) is larger than the largest group (%(max)s). "
                "The smallest must be the same or less."
            ),
            min=min_size,
            max=max_size,
        )

    languages = raw.get("languages")
    if (
        not isinstance(languages, Sequence)
        or isinstance(languages, str)
        or not languages
        or any(code not in LANGUAGE_CODES for code in languages)
    ):
        c.add("languages", N_("Choose one or more languages from: %(allowed)s."), allowed=", ".join(LANGUAGE_CODES))
        languages = (
            [code for code in (languages or []) if code in LANGUAGE_CODES] if isinstance(languages, list) else []
        )

    raw_sessions = raw.get("sessions")
    sessions: list[SessionSpecData] = []
    if not isinstance(raw_sessions, Sequence) or isinstance(raw_sessions, str) or not raw_sessions:
        c.add("sessions", N_("A programme needs at least one meeting."))
    else:
        for index, item in enumerate(raw_sessions):
            spec = _check_session(c, item, index, schedule, languages)
            if spec is not None:
                sessions.append(spec)
        if schedule == Schedule.DROP_IN and len(sessions) > 1:
            c.add("sessions", N_("A drop-in has one weekly meeting."))
        _check_order(c, sessions, schedule)

    threshold = raw.get("completion_threshold", len(sessions))
    completion = c.integer({"t": threshold}, "t", "completion_threshold", (0, max(len(sessions), 0)))

    rules_raw = raw.get("rules", {}) or {}
    rules: dict[str, Any] = {}
    if not isinstance(rules_raw, Mapping):
        c.add("rules", N_("Give the extra rules as named values."))
    else:
        window = c.pair(
            rules_raw, "first_meeting_weeks", "rules.first_meeting_weeks", TIMING_WEEK_RANGE["pregnancy_week"]
        )
        if window:
            rules["first_meeting_weeks"] = list(window)
        ages = c.pair(rules_raw, "child_age_months", "rules.child_age_months", (0, 18 * 12))
        if ages:
            rules["child_age_months"] = list(ages)
        reminder_rules, reminder_problems = check_reminder_rules(rules_raw)
        rules.update(reminder_rules)
        for where, msgid in reminder_problems:
            c.add(where, msgid)
        _check_joining(c, rules_raw, rules, len(sessions))
        _check_room_counts(c, rules_raw, rules)
        hours_of_day = c.pair(rules_raw, "meeting_hours", "rules.meeting_hours", (0, 24))
        if hours_of_day:
            rules["meeting_hours"] = list(hours_of_day)
        # Drop-ins: days before a meeting the coordinator hears it has too few volunteers.
        alert_days = rules_raw.get("rota_alert_days")
        if alert_days is not None:
            if not isinstance(alert_days, int) or isinstance(alert_days, bool) or not 1 <= alert_days <= 28:
                c.add("rules.rota_alert_days", N_("Give a whole number of days before a meeting, from 1 to 28."))
            else:
                rules["rota_alert_days"] = alert_days

    template = TemplateData(
        key=key.strip(),
        name=c.texts(raw, "name", "name"),
        description=c.texts(raw, "description", "description", lines=True),
        audience=c.texts(raw, "audience", "audience", lines=True),
        formation=formation,
        schedule=schedule,
        min_group_size=min_size,
        max_group_size=max_size,
        completion_threshold=completion,
        languages=tuple(languages),
        sessions=tuple(sessions),
        constraints=_check_constraints(c, raw.get("constraints")),
        rules=rules,
    )
    if c.problems:
        return TemplateCheck(None, tuple(c.problems))
    return TemplateCheck(template, ())
