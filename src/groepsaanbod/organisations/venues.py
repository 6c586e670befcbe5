"""Rules for a venue's address and size. Pure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from groepsaanbod import bounds
from groepsaanbod.i18n.languages import LANGUAGE_CODES
from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.organisations import errors
from groepsaanbod.refusals import Problem

POSTCODE = re.compile(r"^\s*(\d{4})\s*([A-Za-z]{2})\s*$")
CAPACITY_RANGE = (1, 500)


@dataclass(frozen=True)
class VenueData:
    name: str
    street: str
    postcode: str
    city: str
    capacity: int
    accessibility: dict[str, str] = field(default_factory=dict)


def normalise_postcode(raw: str) -> str | None:
    """'1234ab' -> '1234 AB'; None when it is not a Dutch postcode."""
    match = POSTCODE.match(raw or "")
    if not match or match.group(1).startswith("0"):
        return None
    return f"{match.group(1)} {match.group(2).upper()}"


def check_venue(raw: Mapping[str, Any]) -> tuple[VenueData | None, tuple[Problem, ...]]:
    problems: list[Problem] = []

    def text(key: str, msgid: str, limit: int) -> str:
        value = str(raw.get(key) or "")
        wrong = bounds.line_problem(value, limit)
        if wrong is not None:
            problems.append(Problem(key, wrong))
        elif not value.strip():
            problems.append(Problem(key, Message(msgid, {"max": limit} if "%(max)s" in msgid else {})))
        return value.strip()

    name = text("name", errors.NAME_NEEDED, bounds.NAME)
    street = text("street", errors.STREET_NEEDED, bounds.STREET)
    city = text("city", errors.PLACE_NEEDED, bounds.PLACE)
    postcode = normalise_postcode(str(raw.get("postcode") or ""))
    if postcode is None:
        problems.append(Problem("postcode", Message(errors.POSTCODE_FORM)))
    capacity = raw.get("capacity")
    if isinstance(capacity, str):
        capacity = bounds.form_number(capacity)
    if (
        isinstance(capacity, bool)
        or not isinstance(capacity, int)
        or not (CAPACITY_RANGE[0] <= capacity <= CAPACITY_RANGE[1])
    ):
        problems.append(
            Problem(
                "capacity",
                Message(
                    N_("Give a whole number from %(min)s to %(max)s."),
                    {"min": CAPACITY_RANGE[0], "max": CAPACITY_RANGE[1]},
                ),
            )
        )
        capacity = 0
    accessibility = raw.get("accessibility") or {}
    if not isinstance(accessibility, Mapping) or any(code not in LANGUAGE_CODES for code in accessibility):
        problems.append(
            Problem(
                "accessibility",
                Message(N_("Give a text per language code (%(allowed)s)."), {"allowed": ", ".join(LANGUAGE_CODES)}),
            )
        )
        accessibility = {}
    for code, note in accessibility.items():
        wrong = bounds.text_problem(str(note), bounds.NOTE)
        if wrong is not None:
            problems.append(Problem(f"accessibility.{code}", wrong))
    if problems:
        return None, tuple(problems)
    return VenueData(
        name,
        street,
        postcode or "",
        city,
        capacity,
        {k: str(v).strip() for k, v in accessibility.items() if str(v).strip()},
    ), ()
