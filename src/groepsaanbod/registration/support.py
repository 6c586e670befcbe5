"""Support needs: the help a person asks for to be able to come (an interpreter, childcare for
her other children, a partner coming along, help with travel, accessibility). Pure.

Asked once at sign-up (optional), changed on her own page, stored on the registration
(`Registration.support`, None when she asked for nothing) in one fixed shape:

    {"interpreter": "ti" | None, "children": 0..6, "partner": bool, "travel": bool,
     "access": ["wheelchair", "hearing", "sight"], "access_note": "up to 300 characters"}

Coordinators see it per group and count it (interpreters per language, children to mind,
partners); a template's rule `room_counts` says which of it takes room in the meeting room.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from groepsaanbod import bounds
from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.refusals import Problem

#: Languages an interpreter can be asked for: the service's seven and the languages most
#: asked for in Dutch youth health (Babel names them in the reader's language; fa_AF is Dari).
INTERPRETER_LANGUAGES: tuple[str, ...] = (
    "nl", "en", "tr", "ar", "pl", "es", "so",
    "ti", "am", "fa", "fa_AF", "ps", "ku", "uk", "ru", "zgh", "zh", "fr", "de", "pt",
    "ro", "bg", "hu", "sq", "hr", "ur", "pap",
)  # fmt: skip
MOST_CHILDREN = 6
ACCESS_NOTE = 300
ACCESS_KINDS = ("wheelchair", "hearing", "sight")
#: The form's fields of "Help to come" (templates/registration/_support_fields.html), besides
#: the access checkboxes (support_access, several values).
SUPPORT_FIELDS = (
    "support_interpreter",
    "support_interpreter_language",
    "support_children",
    "support_partner",
    "support_travel",
    "support_access_note",
)

INTERPRETER_LANGUAGE_NEEDED = N_("Choose from the list the language the interpreter should speak.")
CHILDREN_RANGE = N_("Give the number of children we should look after: from 0 to %(max)s.")
ACCESS_KIND_UNKNOWN = N_("Choose from the list: wheelchair, hearing or sight.")


@dataclass(frozen=True)
class SupportAnswers:
    """What the person answered, as typed (page) or sent (API)."""

    interpreter: bool = False
    interpreter_language: str = ""
    children: int | str = 0
    partner: bool = False
    travel: bool = False
    access: tuple[str, ...] = ()
    access_note: str = ""


def answers_from_fields(values: Mapping[str, str], access: Iterable[str]) -> SupportAnswers:
    """The answers of the form's "Help to come" fields (their names start with support_)."""
    return SupportAnswers(
        interpreter=values.get("support_interpreter") == "yes",
        interpreter_language=values.get("support_interpreter_language", ""),
        children=values.get("support_children", "") or 0,
        partner=values.get("support_partner") == "yes",
        travel=values.get("support_travel") == "yes",
        access=tuple(str(a) for a in access)[:10],
        access_note=values.get("support_access_note", ""),
    )


def answers_from_api(raw: Any) -> SupportAnswers | None:
    """The answers of an API body's `support` object (schemas.SupportIn), None when left out."""
    if raw is None:
        return None
    return SupportAnswers(
        interpreter=bool(raw.interpreter),
        interpreter_language=raw.interpreter_language,
        children=raw.children,
        partner=bool(raw.partner),
        travel=bool(raw.travel),
        access=tuple(raw.access)[:10],
        access_note=raw.access_note,
    )


def check_support(
    answers: SupportAnswers | None, prefix: str = "support_"
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The support needs in their stored shape (None when nothing is asked), or the problems."""
    if answers is None:
        return None, []
    problems: list[Problem] = []
    interpreter: str | None = None
    language = (answers.interpreter_language or "").strip()
    if answers.interpreter or language:
        if language not in INTERPRETER_LANGUAGES:  # anything else is not repeated back
            problems.append(Problem(f"{prefix}interpreter_language", Message(INTERPRETER_LANGUAGE_NEEDED)))
        else:
            interpreter = language
    children: int | str | None = answers.children
    if isinstance(children, str):
        children = bounds.form_number(children.strip()) if children.strip() else 0
    if isinstance(children, bool) or not isinstance(children, int) or not 0 <= children <= MOST_CHILDREN:
        problems.append(Problem(f"{prefix}children", Message(CHILDREN_RANGE, {"max": MOST_CHILDREN})))
        children = 0
    access = sorted(set(answers.access))
    if any(a not in ACCESS_KINDS for a in access):
        problems.append(Problem(f"{prefix}access", Message(ACCESS_KIND_UNKNOWN)))
    note_problem = bounds.line_problem(answers.access_note or "", ACCESS_NOTE)
    if note_problem is not None:
        problems.append(Problem(f"{prefix}access_note", note_problem))
    if problems:
        return None, problems
    support: dict[str, Any] = {
        "interpreter": interpreter,
        "children": children,
        "partner": bool(answers.partner),
        "travel": bool(answers.travel),
        "access": access,
        "access_note": (answers.access_note or "").strip(),
    }
    return (support if asks_anything(support) else None), []


def asks_anything(support: Mapping[str, Any] | None) -> bool:
    if not support:
        return False
    return bool(
        support.get("interpreter")
        or support.get("children")
        or support.get("partner")
        or support.get("travel")
        or support.get("access")
        or support.get("access_note")
    )


def form_values(support: Mapping[str, Any] | None) -> dict[str, Any]:
    """The stored needs as the form's fields show them."""
    s = support or {}
    return {
        "support_interpreter": "yes" if s.get("interpreter") else "",
        "support_interpreter_language": s.get("interpreter") or "",
        "support_children": str(s.get("children") or 0),
        "support_partner": "yes" if s.get("partner") else "",
        "support_travel": "yes" if s.get("travel") else "",
        "support_access": list(s.get("access") or []),
        "support_access_note": s.get("access_note") or "",
    }


def wants_interpreter(support: Mapping[str, Any] | None) -> bool:
    """She asked for an interpreter: a coordinator may place her in a group of another language."""
    return bool(support and support.get("interpreter"))


@dataclass(frozen=True)
class SupportCounts:
    """The support needs of a group's members, counted."""

    #: Interpreters per language code.
    interpreters: dict[str, int] = field(default_factory=dict)
    children: int = 0
    partners: int = 0
    travel: int = 0
    access: int = 0

    @property
    def any(self) -> bool:
        return bool(self.interpreters or self.children or self.partners or self.travel or self.access)


def count_support(supports: Iterable[Mapping[str, Any] | None]) -> SupportCounts:
    interpreters: Counter[str] = Counter()
    children = partners = travel = access = 0
    for s in supports:
        if not s:
            continue
        if s.get("interpreter"):
            interpreters[str(s["interpreter"])] += 1
        children += int(s.get("children") or 0)
        partners += 1 if s.get("partner") else 0
        travel += 1 if s.get("travel") else 0
        access += 1 if (s.get("access") or s.get("access_note")) else 0
    return SupportCounts(dict(sorted(interpreters.items())), children, partners, travel, access)


def room_people(counts: SupportCounts, counted: Iterable[str]) -> tuple[int, int]:
    """The partners and children who take room at a meeting, as the template's `room_counts` says."""
    names = set(counted)
    return (counts.partners if "partners" in names else 0, counts.children if "children" in names else 0)
