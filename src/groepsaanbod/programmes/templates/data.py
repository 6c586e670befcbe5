"""What a programme template holds: its parts, the values they may take, and `template_to_data`
(the plain-data form `check_template` reads). Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from groepsaanbod import bounds


class Formation(StrEnum):
    """How a programme's cohorts come about."""

    DUE_DATE = "due_date"
    SCHOOL_CLASS = "school_class"
    ENROLMENT = "enrolment"
    DROP_IN = "drop_in"


class Schedule(StrEnum):
    """How a programme's meetings are dated."""

    PREGNANCY_WEEK = "pregnancy_week"
    WEEKLY = "weekly"
    DROP_IN = "drop_in"


FORMATIONS = tuple(Formation)
SCHEDULES = tuple(Schedule)
SESSION_KINDS = ("group", "individual", "phone")
CONSTRAINT_KINDS = (
    "role_present",
    "min_role_count",
    "trainer_speaks_language",
    "group_size",
    "pregnancy_window",
    "no_school_holidays",
    "no_double_booking",
    "fixed_facilitators",
    "no_school_hours",
)
CONSTRAINT_PARAMS = ("role", "count", "from", "to", "on_violation")
#: What happens when a hard rule breaks: cancel the meeting, or alert the coordinators.
ON_VIOLATION = ("cancel", "alert", "reassign")
#: Which kinds of "when" each schedule allows.
TIMINGS_BY_SCHEDULE: dict[str, tuple[str, ...]] = {
    Schedule.PREGNANCY_WEEK: ("pregnancy_week", "weeks_after_birth"),
    Schedule.WEEKLY: ("week_after_start",),
    Schedule.DROP_IN: ("weekly",),
}
TIMING_WEEK_RANGE = {
    "pregnancy_week": (1, 42),
    "week_after_start": (1, 52),
    "weeks_after_birth": (1, 52),
}
DURATION_RANGE = (1, 480)
#: Characters per language of the translated texts; name and topic are one line each.
TEXT_LIMITS = {
    "name": bounds.NAME,
    "topic": bounds.SHORT_TEXT,
    "description": bounds.DESCRIPTION,
    "audience": bounds.NOTE,
}
GROUP_SIZE_RANGE = (1, 200)
ROLE_COUNT_RANGE = (1, 20)


@dataclass(frozen=True)
class RoleNeed:
    role: str
    count: int = 1


@dataclass(frozen=True)
class SessionSpecData:
    kind: str
    duration_minutes: int
    timing: str
    week: int | None
    topic: dict[str, str]
    roles: tuple[RoleNeed, ...] = ()
    partners_invited: bool = False
    with_babies: bool = False


@dataclass(frozen=True)
class ConstraintData:
    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    hard: bool = True


@dataclass(frozen=True)
class TemplateData:
    key: str
    name: dict[str, str]
    description: dict[str, str]
    audience: dict[str, str]
    formation: str
    schedule: str
    min_group_size: int
    max_group_size: int
    completion_threshold: int
    languages: tuple[str, ...]
    sessions: tuple[SessionSpecData, ...]
    constraints: tuple[ConstraintData, ...] = ()
    #: first_meeting_weeks [from, to], child_age_months [from, to], reminder_hours [..],
    #: latest_join_week (pregnancy week), joinable_until_meeting (number; open groups close then,
    #: late joiners are refused from then), offer_hours (a freed place is held this long),
    #: meeting_hours [from, to], rota_alert_days (drop-ins)
    rules: dict[str, Any] = field(default_factory=dict)

    @property
    def meeting_count(self) -> int:
        return len(self.sessions)

    @property
    def group_meeting_count(self) -> int:
        return sum(1 for s in self.sessions if s.kind == "group")

    @property
    def required_roles(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for spec in self.sessions:
            for need in spec.roles:
                seen.setdefault(need.role, None)
        return tuple(seen)


def template_to_data(template: TemplateData) -> dict[str, Any]:
    """The plain-data form `check_template` reads, for editing and the API."""
    return {
        "key": template.key,
        "name": dict(template.name),
        "description": dict(template.description),
        "audience": dict(template.audience),
        "formation": template.formation,
        "schedule": template.schedule,
        "min_group_size": template.min_group_size,
        "max_group_size": template.max_group_size,
        "completion_threshold": template.completion_threshold,
        "languages": list(template.languages),
        "sessions": [
            {
                "kind": s.kind,
                "duration_minutes": s.duration_minutes,
                "timing": s.timing,
                **({"week": s.week} if s.week is not None else {}),
                "topic": dict(s.topic),
                "roles": [{"role": r.role, "count": r.count} for r in s.roles],
                "partners_invited": s.partners_invited,
                "with_babies": s.with_babies,
            }
            for s in template.sessions
        ],
        "constraints": [{"kind": k.kind, "hard": k.hard, **k.params} for k in template.constraints],
        "rules": dict(template.rules),
    }
