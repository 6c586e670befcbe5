"""Programme templates (draaiboeken): read them from plain data and check every rule. Pure: no
framework, no database, no clock.

data.py says what a template holds (and `template_to_data`, its plain-data form); checks.py reads
one from the mapping a data file, a form or the API gives (`check_template`), with every problem
naming its field and saying what is allowed. Callers import both from here.
"""

from groepsaanbod.programmes.templates.checks import TemplateCheck, check_template
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
    Formation,
    RoleNeed,
    Schedule,
    SessionSpecData,
    TemplateData,
    template_to_data,
)

__all__ = [
    "CONSTRAINT_KINDS",
    "CONSTRAINT_PARAMS",
    "DURATION_RANGE",
    "FORMATIONS",
    "GROUP_SIZE_RANGE",
    "ON_VIOLATION",
    "ROLE_COUNT_RANGE",
    "SCHEDULES",
    "SESSION_KINDS",
    "TEXT_LIMITS",
    "TIMINGS_BY_SCHEDULE",
    "TIMING_WEEK_RANGE",
    "ConstraintData",
    "Formation",
    "RoleNeed",
    "Schedule",
    "SessionSpecData",
    "TemplateCheck",
    "TemplateData",
    "check_template",
    "template_to_data",
]
