from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class SupportIn:
    """Help to come (all optional): an interpreter and the language she speaks
    (interpreter_language, one of GET /api/v1/catalogue/{slug}/form's interpreter_languages),
    the number of her other children to look after (0 to 6), a partner coming along, help with
    travel, accessibility (access: wheelchair, hearing, sight) and a note of at most 300 characters."""

    interpreter: bool = False
    interpreter_language: str = ""
    children: int = 0
    partner: bool = False
    travel: bool = False
    access: list[str] = field(default_factory=list)
    access_note: str = ""


@dataclass
class RegistrationIn:
    """Sign up for a programme. Give an email address, a mobile number, or both.

    due_date is asked by pregnancy programmes, child_birth_date by programmes for
    young children (see GET /api/v1/catalogue/{slug}/form); consent must be true.

    `language` is the group's language (spoken in the room: one the programme offers);
    `reads_language` the language she reads, which every message, link and calendar file to her
    is in (any of nl en tr ar pl es so). Without it: the language of the request (?lang= or
    Accept-Language) when it is one of those, else the group's language.
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
    reads_language: str = ""
    #: Optional: the help she needs to come (see SupportIn). Only the programme's staff see it.
    support: SupportIn | None = None


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
    #: The languages an interpreter can be asked for (support.interpreter_language).
    interpreter_languages: list[str] = field(default_factory=list)


@dataclass
class OnBehalfIn:
    """Sign a person up on her behalf (signed-in staff). The fields of a sign-up, and
    reads_language: the language she reads (her messages and her own link come in it);
    `language` is the language spoken in her group. consent true: you explained to her, in her
    language, what is kept and why, and she agrees."""

    full_name: str
    language: str
    reads_language: str
    consent: bool
    email: str = ""
    phone: str = ""
    place: str = ""
    part_of_day: str = "any"
    due_date: date | None = None
    child_birth_date: date | None = None
    postcode: str = ""
    #: Optional: the help she needs to come (see SupportIn). Only the programme's staff see it.
    support: SupportIn | None = None


@dataclass
class OnBehalfAccepted:
    """Taken: she gets a message with her own link, in the language she reads (the same answer
    whether or not she was signed up before; her link is never in this answer)."""

    status_code: int
    detail: str
    reads_language: str
