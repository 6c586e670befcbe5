"""Checking a registration: each rule, the edges of its range, and what a refusal names and says."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from groepsaanbod import bounds
from groepsaanbod.i18n.text import Message
from groepsaanbod.i18n.translations import render_message
from groepsaanbod.refusals import Problem
from groepsaanbod.registration.eligibility import (
    BIRTH_DATE_FUTURE,
    BIRTH_DATE_NEEDED,
    CHILD_TOO_OLD,
    CONSENT_NEEDED,
    CONTACT_NEEDED,
    DATE_WRONG,
    DUE_DATE_NEEDED,
    DUE_DATE_PASSED,
    DUE_DATE_TOO_FAR,
    EMAIL_WRONG,
    LANGUAGE_NEEDED,
    LANGUAGE_NOT_OFFERED,
    NAME_NEEDED,
    PART_OF_DAY_NEEDED,
    PARTS_OF_DAY,
    PHONE_WRONG,
    PLACE_NEEDED,
    POSTCODE_WRONG,
    SCHOOL_CLASSES_ONLY,
    TOO_FAR_ALONG,
    CleanRegistration,
    ProgrammeFacts,
    RegistrationForm,
    check_registration,
    normalise_phone,
)

TODAY = date(2026, 9, 15)
ENROLMENT = ProgrammeFacts(
    formation="enrolment", languages=("nl", "en"), places=("Utrecht", "Zeist"), asks_due_date=False
)
PREGNANCY = replace(ENROLMENT, formation="due_date", asks_due_date=True)
#: Triple P style: for children up to 4 years (48 months).
TODDLERS = replace(ENROLMENT, child_age_months=(0, 48))
GOOD = RegistrationForm(
    full_name="Aaltje de Vries",
    email="aaltje@example.nl",
    language="nl",
    place="Utrecht",
    consent=True,
)


def problems(form: RegistrationForm, facts: ProgrammeFacts = ENROLMENT, today: date = TODAY) -> list[tuple]:
    """The refusals as (field, msgid, params), in the order the form shows them."""
    clean, found = check_registration(form, facts, today)
    if found:
        assert clean is None  # never half a registration
    return [(p.field, p.message.msgid, p.message.params) for p in found]


def accepted(form: RegistrationForm, facts: ProgrammeFacts = ENROLMENT, today: date = TODAY) -> CleanRegistration:
    clean, found = check_registration(form, facts, today)
    assert found == ()
    assert clean is not None
    return clean


# --- a whole registration ------------------------------------------------------------------------------------


def test_a_good_form_gives_the_clean_registration():
    assert accepted(GOOD) == CleanRegistration(
        full_name="Aaltje de Vries",
        email="aaltje@example.nl",
        phone=None,
        language="nl",
        place="Utrecht",
        part_of_day="any",
        due_date=None,
        child_birth_date=None,
        postcode=None,
    )


def test_an_empty_form_names_every_missing_field_in_form_order():
    assert problems(RegistrationForm(), PREGNANCY) == [
        ("full_name", NAME_NEEDED, {}),
        ("email", CONTACT_NEEDED, {}),
        ("language", LANGUAGE_NEEDED, {}),
        ("place", PLACE_NEEDED, {}),
        ("due_date", DUE_DATE_NEEDED, {}),
        ("consent", CONSENT_NEEDED, {}),
    ]


def test_refusals_are_problems_carrying_messages():
    _, found = check_registration(replace(GOOD, consent=False), ENROLMENT, TODAY)
    assert found == (Problem("consent", Message(CONSENT_NEEDED, {})),)


def test_a_school_class_programme_refuses_people_signing_up_themselves_and_nothing_else():
    school = replace(ENROLMENT, formation="school_class")
    assert problems(GOOD, school) == [("programme", SCHOOL_CLASSES_ONLY, {})]
    # Even an empty form gets that one answer: the other fields do not matter here.
    assert problems(RegistrationForm(), school) == [("programme", SCHOOL_CLASSES_ONLY, {})]


@pytest.mark.parametrize("formation", ["due_date", "enrolment", "drop_in"])
def test_other_formations_take_registrations(formation):
    assert accepted(GOOD, replace(ENROLMENT, formation=formation)).full_name == "Aaltje de Vries"


# --- name ----------------------------------------------------------------------------------------------------


def test_the_name_is_kept_without_surrounding_spaces():
    assert accepted(replace(GOOD, full_name="  Aaltje de Vries  ")).full_name == "Aaltje de Vries"


@pytest.mark.parametrize("name", ["", "   "])
def test_a_name_is_needed(name):
    assert problems(replace(GOOD, full_name=name)) == [("full_name", NAME_NEEDED, {})]


def test_a_name_of_the_longest_length_is_taken_and_one_more_is_refused():
    assert accepted(replace(GOOD, full_name="A" * bounds.NAME)).full_name == "A" * bounds.NAME
    assert problems(replace(GOOD, full_name="A" * (bounds.NAME + 1))) == [
        ("full_name", bounds.TOO_LONG, {"limit": 200}),
    ]


@pytest.mark.parametrize(
    ("name", "msgid"),
    [
        ("Aaltje\r\nBcc: x@example.org", bounds.ONE_LINE),
        ("Aaltje\tde Vries", bounds.ONE_LINE),
        ("Aaltje\x00", bounds.INVISIBLE),
        ("Aaltje \u202eseirV ed", bounds.INVISIBLE),
    ],
)
def test_a_name_with_line_breaks_or_invisible_characters_is_refused_once(name, msgid):
    assert problems(replace(GOOD, full_name=name)) == [("full_name", msgid, {})]


# --- contact details -----------------------------------------------------------------------------------------


def test_an_email_address_or_a_phone_number_is_needed():
    assert problems(replace(GOOD, email="", phone="")) == [("email", CONTACT_NEEDED, {})]
    assert problems(replace(GOOD, email="  ", phone=" ")) == [("email", CONTACT_NEEDED, {})]


def test_an_email_address_alone_is_enough_and_is_written_in_lower_case():
    clean = accepted(replace(GOOD, email=" Aaltje.DeVries@Example.NL "))
    assert clean.email == "aaltje.devries@example.nl"
    assert clean.phone is None


def test_a_mobile_number_alone_is_enough_and_is_kept_in_international_form():
    clean = accepted(replace(GOOD, email="", phone="06 12345678"))
    assert clean.phone == "+31612345678"
    assert clean.email is None


def test_both_are_kept_when_both_are_given():
    clean = accepted(replace(GOOD, phone="06-12345678"))
    assert clean.email == "aaltje@example.nl"
    assert clean.phone == "+31612345678"


@pytest.mark.parametrize("email", ["aaltje", "aaltje@", "aaltje@@example.nl", "aaltje example.nl", "aaltje@example"])
def test_an_email_address_that_is_not_one_is_refused(email):
    assert problems(replace(GOOD, email=email)) == [("email", EMAIL_WRONG, {})]


def test_a_wrong_email_address_is_refused_even_with_a_good_phone_number():
    assert problems(replace(GOOD, email="aaltje@", phone="0612345678")) == [("email", EMAIL_WRONG, {})]


def test_an_email_address_of_the_longest_length_is_read_and_one_more_is_refused_as_too_long():
    # 254 characters: the limit of RFC 5321, with the longest local part (64) and labels (63) it allows.
    longest = "a" * 64 + "@" + ".".join(["b" * 63, "c" * 63, "d" * 58]) + ".nl"
    assert len(longest) == bounds.EMAIL
    assert accepted(replace(GOOD, email=longest)).email == longest
    # Too long is the only problem: it does not also say that a contact is missing.
    assert problems(replace(GOOD, email="a" * 255, phone="")) == [("email", bounds.TOO_LONG, {"limit": 254})]


def test_an_email_address_with_a_line_break_is_refused_as_such():
    assert problems(replace(GOOD, email="aaltje@example.nl\r\nBcc: x@example.org")) == [
        ("email", bounds.ONE_LINE, {}),
    ]


@pytest.mark.parametrize("phone", ["030 1234567", "088 1234567", "0612345", "abc", "+31 85 123 4567"])
def test_a_number_that_is_not_a_mobile_number_is_refused(phone):
    assert problems(replace(GOOD, email="", phone=phone)) == [("phone", PHONE_WRONG, {})]


def test_a_phone_number_longer_than_the_limit_is_refused_as_too_long():
    assert problems(replace(GOOD, phone="0" * (bounds.PHONE + 1))) == [("phone", bounds.TOO_LONG, {"limit": 40})]


def test_a_wrong_email_and_a_wrong_phone_are_both_named():
    assert problems(replace(GOOD, email="nope", phone="030 1234567")) == [
        ("email", EMAIL_WRONG, {}),
        ("phone", PHONE_WRONG, {}),
    ]


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("06 12345678", "+31612345678"),
        ("06-12345678", "+31612345678"),
        ("0612345678", "+31612345678"),
        ("+31 6 12345678", "+31612345678"),
        ("0031612345678", "+31612345678"),
        ("+32 470 12 34 56", "+32470123456"),  # a Belgian mobile number
    ],
)
def test_normalise_phone_writes_mobile_numbers_in_e164(raw, e164):
    assert normalise_phone(raw) == e164


@pytest.mark.parametrize("raw", ["", "abc", "06", "0612345", "030 1234567", "+31 20 1234567", "06123456789"])
def test_normalise_phone_gives_none_for_anything_but_a_mobile_number(raw):
    assert normalise_phone(raw) is None


# --- language ------------------------------------------------------------------------------------------------


def test_a_language_the_programme_is_given_in_is_taken():
    assert accepted(replace(GOOD, language=" en ")).language == "en"


@pytest.mark.parametrize("language", ["", "xx", "NL", "nederlands", "<script>alert(1)</script>"])
def test_an_unknown_language_is_refused_without_repeating_it(language):
    assert problems(replace(GOOD, language=language)) == [("language", LANGUAGE_NEEDED, {})]


def test_a_known_language_the_programme_is_not_given_in_names_the_ones_it_is():
    assert problems(replace(GOOD, language="tr")) == [
        ("language", LANGUAGE_NOT_OFFERED, {"language": "tr", "languages": ["nl", "en"]}),
    ]


def test_the_language_refusal_reads_in_the_persons_language():
    _, found = check_registration(replace(GOOD, language="tr"), ENROLMENT, TODAY)
    assert render_message("en", found[0].message) == (
        "This programme is not given in Turkish. It is given in Dutch and English. "
        "Choose one of these, or look for another programme on the start page."
    )


# --- place ---------------------------------------------------------------------------------------------------


def test_a_place_of_the_programme_is_taken_without_surrounding_spaces():
    assert accepted(replace(GOOD, place=" Zeist ")).place == "Zeist"


@pytest.mark.parametrize("place", ["", "Amersfoort", "utrecht"])
def test_a_place_the_programme_is_not_in_is_refused(place):
    assert problems(replace(GOOD, place=place)) == [("place", PLACE_NEEDED, {})]


def test_a_place_that_breaks_the_bounds_is_refused_for_that_alone():
    assert problems(replace(GOOD, place="U" * (bounds.PLACE + 1))) == [("place", bounds.TOO_LONG, {"limit": 120})]
    assert problems(replace(GOOD, place="Utrecht\n")) == [("place", bounds.ONE_LINE, {})]


def test_a_programme_without_places_takes_no_place():
    anywhere = replace(ENROLMENT, places=())
    assert accepted(replace(GOOD, place="Utrecht"), anywhere).place == ""
    assert accepted(replace(GOOD, place=""), anywhere).place == ""


# --- part of the day -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("part", PARTS_OF_DAY)
def test_every_part_of_the_day_is_taken(part):
    assert accepted(replace(GOOD, part_of_day=f" {part} ")).part_of_day == part


def test_no_part_of_the_day_means_any():
    assert accepted(replace(GOOD, part_of_day="")).part_of_day == "any"


@pytest.mark.parametrize("part", ["night", "Morning", "morning,evening"])
def test_another_part_of_the_day_is_refused(part):
    assert problems(replace(GOOD, part_of_day=part)) == [("part_of_day", PART_OF_DAY_NEEDED, {})]


# --- due date ------------------------------------------------------------------------------------------------


def test_a_due_date_is_needed_when_the_programme_asks_for_it():
    assert problems(GOOD, PREGNANCY) == [("due_date", DUE_DATE_NEEDED, {})]
    assert problems(replace(GOOD, due_date=""), PREGNANCY) == [("due_date", DUE_DATE_NEEDED, {})]


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        (TODAY, TODAY),  # the first day that is not past
        (TODAY + timedelta(weeks=42), TODAY + timedelta(weeks=42)),  # the last day that is not too far
        ("2027-03-01", date(2027, 3, 1)),  # as the page sends it
        (" 2027-03-01 ", date(2027, 3, 1)),
    ],
)
def test_a_due_date_from_today_to_42_weeks_on_is_taken(given, kept):
    assert accepted(replace(GOOD, due_date=given), PREGNANCY).due_date == kept


@pytest.mark.parametrize(
    ("given", "msgid"),
    [
        (TODAY - timedelta(days=1), DUE_DATE_PASSED),
        ("2026-09-14", DUE_DATE_PASSED),
        (TODAY + timedelta(weeks=42, days=1), DUE_DATE_TOO_FAR),
        ("2027-07-07", DUE_DATE_TOO_FAR),
        ("01-03-2027", DATE_WRONG),
        ("2027-02-30", DATE_WRONG),
        ("tomorrow", DATE_WRONG),
    ],
)
def test_a_due_date_outside_the_range_or_unreadable_is_refused(given, msgid):
    assert problems(replace(GOOD, due_date=given), PREGNANCY) == [("due_date", msgid, {})]


def test_a_due_date_is_ignored_when_the_programme_does_not_ask_for_it():
    assert accepted(replace(GOOD, due_date="not a date")).due_date is None
    assert accepted(replace(GOOD, due_date=TODAY + timedelta(days=30))).due_date is None


# --- the child's age ------------------------------------------------------------------------------------------


def test_a_birth_date_is_needed_when_the_programme_is_for_children_of_an_age():
    assert TODDLERS.asks_child_birth_date
    assert not ENROLMENT.asks_child_birth_date
    assert problems(GOOD, TODDLERS) == [("child_birth_date", BIRTH_DATE_NEEDED, {})]
    assert problems(replace(GOOD, child_birth_date=""), TODDLERS) == [("child_birth_date", BIRTH_DATE_NEEDED, {})]


@pytest.mark.parametrize(
    "born",
    [
        TODAY,  # born today: 0 months
        date(2022, 9, 15),  # 48 months to the day
        date(2022, 8, 16),  # one day short of 49 months: still 48 whole months
        "2024-01-31",
    ],
)
def test_a_child_up_to_the_oldest_age_in_whole_months_is_taken(born):
    kept = born if isinstance(born, date) else date.fromisoformat(born)
    assert accepted(replace(GOOD, child_birth_date=born), TODDLERS).child_birth_date == kept


def test_a_child_one_whole_month_past_the_oldest_age_is_refused_naming_the_age_in_years():
    assert problems(replace(GOOD, child_birth_date=date(2022, 8, 15)), TODDLERS) == [
        ("child_birth_date", CHILD_TOO_OLD, {"years": 4}),
    ]
    _, found = check_registration(replace(GOOD, child_birth_date=date(2010, 1, 1)), TODDLERS, TODAY)
    assert render_message("en", found[0].message) == (
        "This programme is for children up to 4 years old. Look at the start page for other programmes."
    )


def test_whole_months_count_to_the_same_day_of_the_month():
    # Born on 31 January: on 28 February no whole month has passed yet, on 1 March one has.
    first_month = replace(TODDLERS, child_age_months=(0, 0))
    born = date(2026, 1, 31)
    assert accepted(replace(GOOD, child_birth_date=born), first_month, date(2026, 2, 28)).child_birth_date == born
    assert problems(replace(GOOD, child_birth_date=born), first_month, date(2026, 3, 1)) == [
        ("child_birth_date", CHILD_TOO_OLD, {"years": 0}),
    ]


def test_the_age_in_years_is_whole_years_rounded_down():
    eighteen_months = replace(TODDLERS, child_age_months=(0, 18))
    assert problems(replace(GOOD, child_birth_date=date(2024, 1, 1)), eighteen_months) == [
        ("child_birth_date", CHILD_TOO_OLD, {"years": 1}),
    ]


@pytest.mark.parametrize(
    ("born", "msgid"),
    [
        (TODAY + timedelta(days=1), BIRTH_DATE_FUTURE),
        ("2026-09-16", BIRTH_DATE_FUTURE),
        ("15-09-2025", DATE_WRONG),
        ("2025-13-01", DATE_WRONG),
    ],
)
def test_a_birth_date_in_the_future_or_unreadable_is_refused(born, msgid):
    assert problems(replace(GOOD, child_birth_date=born), TODDLERS) == [("child_birth_date", msgid, {})]


def test_a_birth_date_is_ignored_when_the_programme_does_not_ask_for_it():
    assert accepted(replace(GOOD, child_birth_date="2010-01-01")).child_birth_date is None


# --- postcode ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("given", "kept"), [("3511ab", "3511 AB"), (" 3511 AB ", "3511 AB"), ("9999zz", "9999 ZZ")])
def test_a_postcode_is_written_the_dutch_way(given, kept):
    assert accepted(replace(GOOD, postcode=given)).postcode == kept


@pytest.mark.parametrize("given", ["", "   "])
def test_no_postcode_is_fine(given):
    assert accepted(replace(GOOD, postcode=given)).postcode is None


@pytest.mark.parametrize("given", ["0123 AB", "351 AB", "35111 AB", "3511 A", "AB 3511", "3511-AB"])
def test_a_postcode_that_is_not_dutch_is_refused(given):
    assert problems(replace(GOOD, postcode=given)) == [("postcode", POSTCODE_WRONG, {})]


def test_a_postcode_that_breaks_the_bounds_is_refused_for_that_alone():
    assert problems(replace(GOOD, postcode="3511 AB" + " " * 6)) == [("postcode", bounds.TOO_LONG, {"limit": 12})]
    assert problems(replace(GOOD, postcode="3511\nAB")) == [("postcode", bounds.ONE_LINE, {})]


# --- consent -------------------------------------------------------------------------------------------------


def test_without_consent_there_is_no_registration():
    assert problems(replace(GOOD, consent=False)) == [("consent", CONSENT_NEEDED, {})]


# --- every refusal reads in every language --------------------------------------------------------------------


@pytest.mark.parametrize("language", ["nl", "en", "tr", "ar", "pl", "es", "so"])
def test_every_refusal_renders_with_its_values(language):
    forms = [
        (RegistrationForm(), PREGNANCY),
        (replace(GOOD, email="nope", phone="030", language="tr", part_of_day="x", postcode="0"), TODDLERS),
        (
            replace(GOOD, due_date="x", child_birth_date=TODAY + timedelta(days=1)),
            replace(PREGNANCY, child_age_months=(0, 48)),
        ),
        (
            replace(GOOD, due_date=TODAY - timedelta(days=1), child_birth_date=date(2000, 1, 1)),
            replace(PREGNANCY, child_age_months=(0, 48)),
        ),
        (replace(GOOD, due_date=TODAY + timedelta(weeks=50)), PREGNANCY),
        (GOOD, replace(ENROLMENT, formation="school_class")),
    ]
    seen = set()
    for form, facts in forms:
        for problem in check_registration(form, facts, TODAY)[1]:
            seen.add(problem.message.msgid)
            text = render_message(language, problem.message)
            assert text.strip()
            assert "%(" not in text  # every placeholder got its value
            if language != "en":
                assert text != render_message("en", problem.message)  # translated, not the English
    assert seen == {
        NAME_NEEDED,
        CONTACT_NEEDED,
        EMAIL_WRONG,
        PHONE_WRONG,
        DATE_WRONG,
        DUE_DATE_NEEDED,
        DUE_DATE_PASSED,
        DUE_DATE_TOO_FAR,
        BIRTH_DATE_NEEDED,
        BIRTH_DATE_FUTURE,
        CHILD_TOO_OLD,
        LANGUAGE_NOT_OFFERED,
        LANGUAGE_NEEDED,
        PLACE_NEEDED,
        PART_OF_DAY_NEEDED,
        CONSENT_NEEDED,
        POSTCODE_WRONG,
        SCHOOL_CLASSES_ONLY,
    }


# --- the latest pregnancy week at which one can still join (issue 16) -----------------------------------------

CENTERING = replace(PREGNANCY, latest_join_week=26)


@pytest.mark.parametrize("days", [0, 7, 30, 98])
def test_a_due_date_today_or_soon_is_refused_with_what_to_do_instead(days):
    form = replace(GOOD, due_date=TODAY + timedelta(days=days))
    assert problems(form, CENTERING) == [("due_date", TOO_FAR_ALONG, {"weeks": 26})]
    text = render_message("tr", Message(TOO_FAR_ALONG, {"weeks": 26}))
    assert "26" in text
    assert "midwife" not in text  # told in her language


def test_the_last_day_of_the_latest_week_is_still_accepted():
    # 99 days before the due date is 25 weeks 5 days: week 26.
    assert accepted(replace(GOOD, due_date=TODAY + timedelta(days=99)), CENTERING).due_date == TODAY + timedelta(
        days=99
    )


def test_without_the_rule_only_a_passed_due_date_is_refused():
    assert accepted(replace(GOOD, due_date=TODAY + timedelta(days=7)), PREGNANCY)
