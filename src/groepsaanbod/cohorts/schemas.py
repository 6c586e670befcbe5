"""What the cohorts API takes and gives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


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
