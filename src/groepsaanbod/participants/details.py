"""Checking the details a participant changes herself: the sign-up's own checks (eligibility.py), so
the same bounds and messages apply, run only on what she changes. Pure: `today` is passed in."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from groepsaanbod import bounds
from groepsaanbod.i18n.languages import LANGUAGE_CODES
from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.refusals import Problem
from groepsaanbod.registration.eligibility import (
    LANGUAGE_NEEDED,
    ProgrammeFacts,
    RegistrationForm,
    check_registration,
)

NOT_ASKED = N_("This programme does not ask for this. Leave it empty.")
PLACE_IN_GROUP = N_(
    "You are already in a group in %(place)s, so you cannot choose another place here. "
    "Ask your organiser if you want to move to another place."
)
#: The fields she can change, in the order the page shows them.
FIELDS = ("email", "phone", "language", "due_date", "child_birth_date", "place", "part_of_day")


@dataclass(frozen=True)
class DetailsChange:
    """What she asks to change; None leaves a detail as it is. An empty email or phone removes it."""

    email: str | None = None
    phone: str | None = None
    #: The language she reads: every message and page to her follows it (not her group's language).
    language: str | None = None
    due_date: str | date | None = None
    child_birth_date: str | date | None = None
    place: str | None = None
    part_of_day: str | None = None

    def asked(self) -> tuple[str, ...]:
        return tuple(name for name in FIELDS if getattr(self, name) is not None)


@dataclass(frozen=True)
class Current:
    """Her details as they are now."""

    full_name: str
    email: str | None
    phone: str | None
    language: str
    group_language: str
    due_date: date | None
    child_birth_date: date | None
    place: str
    part_of_day: str
    #: The place of the group she is in (or on the waiting list of); None when in no group yet.
    group_place: str | None = None


def check_changes(
    change: DetailsChange, current: Current, facts: ProgrammeFacts, today: date
) -> tuple[dict[str, object], tuple[Problem, ...]]:
    """The new values of what really changes (field -> value), or the problems, each naming its field."""
    asked = {field for field in change.asked() if not _as_it_is(getattr(change, field), getattr(current, field))}
    problems: list[Problem] = []
    for field, value in (("due_date", change.due_date), ("child_birth_date", change.child_birth_date)):
        if isinstance(value, str) and (wrong := bounds.line_problem(value, 20)):
            problems.append(Problem(field, wrong))
            asked.discard(field)
    if "due_date" in asked and not facts.asks_due_date:
        problems.append(Problem("due_date", Message(NOT_ASKED)))
        asked.discard("due_date")
    if "child_birth_date" in asked and not facts.asks_child_birth_date:
        problems.append(Problem("child_birth_date", Message(NOT_ASKED)))
        asked.discard("child_birth_date")
    if "place" in asked and facts.places and current.group_place is not None and change.place != current.place:
        problems.append(Problem("place", Message(PLACE_IN_GROUP, {"place": current.group_place})))
        asked.discard("place")
    if "language" in asked:
        language = (change.language or "").strip()
        if language not in LANGUAGE_CODES:
            problems.append(Problem("language", Message(LANGUAGE_NEEDED)))
            asked.discard("language")
    contact = bool(asked & {"email", "phone"})
    # The sign-up's checks, on what she changes; what stays is given as it is (or not asked at all).
    form = RegistrationForm(
        full_name=current.full_name or "-",
        email=((change.email or "") if "email" in asked else current.email or "") if contact else "x@example.org",
        phone=((change.phone or "") if "phone" in asked else current.phone or "") if contact else "",
        language=current.group_language,
        place=(change.place or "") if "place" in asked else (facts.places[0] if facts.places else ""),
        part_of_day=(change.part_of_day or "") if "part_of_day" in asked else "any",
        due_date=change.due_date if "due_date" in asked else None,
        child_birth_date=change.child_birth_date if "child_birth_date" in asked else None,
        consent=True,
    )
    narrowed = replace(
        facts,
        formation="",
        languages=(current.group_language,),
        asks_due_date="due_date" in asked,
        child_age_months=facts.child_age_months if "child_birth_date" in asked else None,
    )
    clean, found = check_registration(form, narrowed, today)
    problems += [p for p in found if p.field in asked or (contact and p.field in ("email", "phone"))]
    if problems or clean is None:
        return {}, tuple(problems)
    new: dict[str, object] = {
        "email": clean.email,
        "phone": clean.phone,
        "language": (change.language or "").strip(),
        "due_date": clean.due_date,
        "child_birth_date": clean.child_birth_date,
        "place": clean.place,
        "part_of_day": clean.part_of_day,
    }
    old = {field: getattr(current, field) for field in FIELDS}
    if contact:
        asked |= {"email", "phone"}
    return {field: new[field] for field in FIELDS if field in asked and new[field] != old[field]}, ()


def _as_it_is(value: object, now: object) -> bool:
    """The field as the form shows it now, sent back unchanged (a page sends every field)."""
    shown = now.isoformat() if isinstance(now, date) else str(now or "")
    given = value.isoformat() if isinstance(value, date) else str(value).strip()
    return given == shown


def mask(address: str | None) -> str:
    """An address as the history keeps it: enough to tell two apart, not enough to read it."""
    if not address:
        return ""
    if "@" in address:
        name, domain = address.split("@", 1)
        return f"{name[:1]}…@{domain[:1]}…"
    return f"…{address[-2:]}"
