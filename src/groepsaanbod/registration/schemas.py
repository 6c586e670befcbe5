from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass
class RegistrationIn:
    """Sign up for a programme. Give an email address, a mobile number, or both.

    due_date is asked by pregnancy programmes, child_birth_date by programmes for
    young children (see GET /api/v1/catalogue/{slug}/form); consent must be true.
    """

    full_name: str
    language: str
    consent: bool
    email: str = ""
    phone: str = ""
    place: str = ""
    part_of_day: str = "any"
    due_date: date | None = None
    child_birth_date: date | None = None
    postcode: str = ""


@dataclass
class RegistrationAccepted:
    """The sign-up was taken. The same answer for everyone, signed up before or not: the message
    sent to the email address (or, without one, the mobile number) says how it went and holds
    the private link."""

    status_code: int
    #: "Check your messages", in the language asked for.
    detail: str


@dataclass
class RegistrationFormOut:
    """Which questions the programme asks."""

    languages: list[str]
    places: list[str]
    parts_of_day: list[str]
    asks_due_date: bool
    asks_child_birth_date: bool
    child_age_months: list[int] | None
    open_for_registration: bool


@dataclass
class MyRegistrationOut:
    programme: str
    status: str
    waitlist_position: int | None
    group: str | None
    language: str
    place: str


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
