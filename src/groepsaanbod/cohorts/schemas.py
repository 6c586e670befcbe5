"""What the cohorts API takes and gives."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass
class RegistrationRowOut:
    id: int
    full_name: str
    status: str
    language: str
    place: str
    cohort_id: int | None
    waitlist_position: int | None
    due_date: date | None
    child_birth_date: date | None
    email: str | None
    phone: str | None
    #: Her support needs (interpreter, children, partner, travel, access, access_note); None: none asked.
    support: dict[str, Any] | None = None


@dataclass
class SupportCountsOut:
    interpreters: dict[str, int] = field(default_factory=dict)
    children: int = 0
    partners: int = 0
    travel: int = 0
    access: int = 0


@dataclass
class CohortOut:
    id: int
    name: str
    status: str
    language: str
    place: str
    members: list[int]
    waitlist: list[int]
    #: A school class's mentor: their name, or the name from the school's file while invited.
    mentor: str | None = None
    #: mentor | invited | declined | withdrawn | none (school classes only)
    mentor_status: str | None = None
    #: The members' support needs counted: interpreters per language, children to look after,
    #: partners coming, help with travel, accessibility needs.
    support: SupportCountsOut | None = None


@dataclass
class UnplacedOut:
    language: str
    place: str
    registration_ids: list[int]
    reason: str


@dataclass
class ProposalOut:
    cohorts: list[CohortOut]
    unplaced: list[UnplacedOut]


@dataclass
class MoveIn:
    registration_id: int


@dataclass
class MergeIn:
    other_cohort_id: int


@dataclass
class ImportOut:
    classes: int
    new_classes: int
    new_mentors: int
    new_cohorts: int
    #: Mentors with an account that does not work for this organisation: invited, not added.
    invited_mentors: int = 0
