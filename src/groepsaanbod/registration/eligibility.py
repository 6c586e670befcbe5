"""Checking a registration: the answers a programme needs, contact details, consent,
and who the programme is for. Pure: `today` is passed in.

Every refusal is a Problem naming the field, with a message id that says what is
wrong and what to do instead, translated at the edge into the person's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from groepsaanbod import bounds
from groepsaanbod.i18n.languages import LANGUAGE_CODES
from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.organisations.venues import normalise_postcode
from groepsaanbod.programmes.pregnancy_weeks import too_far_along
from groepsaanbod.programmes.templates import Formation
from groepsaanbod.refusals import Problem
from groepsaanbod.registration.support import SupportAnswers, check_support

PARTS_OF_DAY = ("any", "morning", "afternoon", "evening")
LONGEST_PREGNANCY = timedelta(weeks=42)

NAME_NEEDED = N_("Write your name.")
CONTACT_NEEDED = N_("Give an email address or a mobile phone number, so that we can reach you.")
EMAIL_WRONG = N_("This email address is not right. Check it. It looks like name@example.nl.")
PHONE_WRONG = N_("This is not a mobile phone number. Give a mobile number, for example 06 12345678.")
DATE_WRONG = N_("This is not a date. Give the day, the month and the year.")
DUE_DATE_NEEDED = N_("Give your due date: the day your baby is expected.")
DUE_DATE_PASSED = N_("This due date has passed. For care after the birth, please ask your midwife.")
DUE_DATE_TOO_FAR = N_(
    "This due date is more than 42 weeks from today. Check the date, or sign up later in your pregnancy."
)
TOO_FAR_ALONG = N_(
    "With this due date you are more than %(weeks)s weeks pregnant. That is too late to join a group: "
    "most meetings would already be over. Ask your midwife for check-ups on your own."
)
BIRTH_DATE_NEEDED = N_("Give the date of birth of your child.")
BIRTH_DATE_FUTURE = N_("This date of birth is in the future. Check the date.")
CHILD_TOO_OLD = N_(
    "This programme is for children up to %(years)s years old. Look at the start page for other programmes."
)
LANGUAGE_NOT_OFFERED = N_(
    "This programme is not given in %(language)s. It is given in %(languages)s. "
    "Choose one of these, or look for another programme on the start page."
)
LANGUAGE_NEEDED = N_("Choose a language from the list.")
READS_LANGUAGE_UNKNOWN = N_(
    "We can write to you in these languages only: %(languages)s. Choose the one you read best, or leave it empty."
)
PLACE_NEEDED = N_("Choose a place from the list.")
PART_OF_DAY_NEEDED = N_("Choose a part of the day from the list.")
CONSENT_NEEDED = N_("Tick the box to say that you agree. Without your permission we cannot sign you up.")
POSTCODE_WRONG = N_("This postcode is not right. Write it like 1234 AB, or leave it empty.")
SCHOOL_CLASSES_ONLY = N_("You cannot sign up for this programme yourself. The school signs up the whole class.")


@dataclass(frozen=True)
class ProgrammeFacts:
    """What the registration form needs to know about a programme."""

    formation: str
    languages: tuple[str, ...]
    places: tuple[str, ...]
    asks_due_date: bool
    #: (from, to) in months, when the programme is for children of an age
    child_age_months: tuple[int, int] | None = None
    #: the latest pregnancy week at which one can still join (the template's rule), or None
    latest_join_week: int | None = None

    @property
    def asks_child_birth_date(self) -> bool:
        return self.child_age_months is not None


@dataclass(frozen=True)
class RegistrationForm:
    """What a person typed, as text (pages) or values (API)."""

    full_name: str = ""
    email: str = ""
    phone: str = ""
    language: str = ""
    place: str = ""
    part_of_day: str = "any"
    due_date: str | date | None = None
    child_birth_date: str | date | None = None
    postcode: str = ""
    consent: bool = False
    #: The language she reads (her messages, links and calendar files); empty: the caller's default.
    reads_language: str = ""
    #: The optional "Help to come" answers (registration/support.py); None: not asked.
    support: SupportAnswers | None = None


@dataclass(frozen=True)
class CleanRegistration:
    full_name: str
    email: str | None
    phone: str | None
    language: str
    place: str
    part_of_day: str
    due_date: date | None
    child_birth_date: date | None
    postcode: str | None
    #: The language she reads, when she said; else "" (the sign-up takes the page's language).
    reads_language: str = ""
    #: The support needs in their stored shape, None when she asked for nothing.
    support: dict[str, Any] | None = None


def _date(value: str | date | None) -> date | None | str:
    """A date, None when empty, or the marker 'bad' when it cannot be read."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return "bad"


def normalise_phone(raw: str) -> str | None:
    """A Dutch or international mobile number in E.164 form, or None."""
    try:
        number = phonenumbers.parse(raw, "NL")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    kind = phonenumbers.number_type(number)
    if kind not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _months_between(born: date, today: date) -> int:
    months = (today.year - born.year) * 12 + today.month - born.month
    return months - (1 if today.day < born.day else 0)


def check_registration(
    form: RegistrationForm, facts: ProgrammeFacts, today: date
) -> tuple[CleanRegistration | None, tuple[Problem, ...]]:
    problems: list[Problem] = []

    def refuse(field: str, msgid: str, **params: object) -> None:
        problems.append(Problem(field, Message(msgid, dict(params))))

    if facts.formation == Formation.SCHOOL_CLASS:
        refuse("programme", SCHOOL_CLASSES_ONLY)
        return None, tuple(problems)

    def line(field: str, value: str | None, limit: int) -> str | None:
        """The text without surrounding spaces, or None (with a problem) when it breaks the bounds."""
        message = bounds.line_problem(value or "", limit)
        if message is not None:
            problems.append(Problem(field, message))
            return None
        return (value or "").strip()

    name = line("full_name", form.full_name, bounds.NAME)
    if name == "":
        refuse("full_name", NAME_NEEDED)

    email: str | None = None
    phone: str | None = None
    raw_email, raw_phone = line("email", form.email, bounds.EMAIL), line("phone", form.phone, bounds.PHONE)
    if raw_email == "" and raw_phone == "":
        refuse("email", CONTACT_NEEDED)
    if raw_email:
        try:
            email = validate_email(raw_email, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            refuse("email", EMAIL_WRONG)
    if raw_phone:
        phone = normalise_phone(raw_phone)
        if phone is None:
            refuse("phone", PHONE_WRONG)

    # Only a known code is named back: anything else the person sent is not repeated.
    language = (form.language or "").strip()
    if language not in LANGUAGE_CODES:
        refuse("language", LANGUAGE_NEEDED)
    elif language not in facts.languages:
        refuse("language", LANGUAGE_NOT_OFFERED, language=language, languages=list(facts.languages))
    # Any of the seven, whatever the group speaks; anything else is not repeated back.
    reads_language = (form.reads_language or "").strip()
    if reads_language and reads_language not in LANGUAGE_CODES:
        refuse("reads_language", READS_LANGUAGE_UNKNOWN, languages=list(LANGUAGE_CODES))

    place = line("place", form.place, bounds.PLACE) or ""
    if facts.places and place not in facts.places and not any(p.field == "place" for p in problems):
        refuse("place", PLACE_NEEDED)
    if not facts.places:
        place = ""

    part_of_day = (form.part_of_day or "any").strip()
    if part_of_day not in PARTS_OF_DAY:
        refuse("part_of_day", PART_OF_DAY_NEEDED)

    due_date = _date(form.due_date) if facts.asks_due_date else None
    if facts.asks_due_date:
        if due_date is None:
            refuse("due_date", DUE_DATE_NEEDED)
        elif isinstance(due_date, str):  # the marker "bad"
            refuse("due_date", DATE_WRONG)
        elif due_date < today:
            refuse("due_date", DUE_DATE_PASSED)
        elif due_date > today + LONGEST_PREGNANCY:
            refuse("due_date", DUE_DATE_TOO_FAR)
        elif too_far_along(due_date, today, facts.latest_join_week):
            refuse("due_date", TOO_FAR_ALONG, weeks=facts.latest_join_week)

    born = _date(form.child_birth_date) if facts.asks_child_birth_date else None
    if facts.child_age_months is not None:
        if born is None:
            refuse("child_birth_date", BIRTH_DATE_NEEDED)
        elif isinstance(born, str):  # the marker "bad"
            refuse("child_birth_date", DATE_WRONG)
        elif born > today:
            refuse("child_birth_date", BIRTH_DATE_FUTURE)
        elif _months_between(born, today) > facts.child_age_months[1]:
            refuse("child_birth_date", CHILD_TOO_OLD, years=facts.child_age_months[1] // 12)

    postcode: str | None = None
    if line("postcode", form.postcode, bounds.POSTCODE):
        postcode = normalise_postcode(form.postcode)
        if postcode is None:
            refuse("postcode", POSTCODE_WRONG)

    support, support_problems = check_support(form.support)
    problems.extend(support_problems)

    if not form.consent:
        refuse("consent", CONSENT_NEEDED)

    if problems:
        return None, tuple(problems)
    return (
        CleanRegistration(
            full_name=name or "",
            email=email,
            phone=phone,
            language=language,
            place=place,
            part_of_day=part_of_day,
            due_date=due_date if isinstance(due_date, date) else None,
            child_birth_date=born if isinstance(born, date) else None,
            postcode=postcode,
            reads_language=reads_language,
            support=support,
        ),
        (),
    )
