"""Every language the service names, in every page language, is named in that language: no English
name on a Somali page ("Turkish" was), except where the language itself uses that word."""

from __future__ import annotations

import pytest

from groepsaanbod.i18n.formatting import cldr_language_name
from groepsaanbod.i18n.language_names import NAMES_FROM_CATALOGS
from groepsaanbod.i18n.languages import BY_CODE, LANGUAGE_CODES
from groepsaanbod.i18n.translations import language_name
from groepsaanbod.registration.support import INTERPRETER_LANGUAGES

#: Every language a page can name: the seven, and those an interpreter can be asked for.
NAMED = tuple(dict.fromkeys((*LANGUAGE_CODES, *INTERPRETER_LANGUAGES)))

#: Names the same word as in English, and right in that language (page language -> codes).
SAME_AS_ENGLISH = {
    "nl": {"ti", "ur"},  # Tigrinya, Urdu
    "tr": {"pap"},  # Papiamento
    "pl": {"ur", "pap"},  # urdu, papiamento
    "es": {"ur", "pap"},  # urdu, papiamento
    "so": {"ti"},  # Tigrinya: CLDR's Somali name, Somali letters spelling it as English does
}

SOMALI = {
    "nl": "Holandays",
    "en": "Ingiriisi",
    "tr": "Turki",
    "ar": "Carabi",
    "pl": "Boolish",
    "es": "Isbaanish",
    "so": "Soomaali",
    "ti": "Tigrinya",
    "pap": "Babiyaamento",
    "fa": "Faarisi",
    "ur": "Urduu",
}


@pytest.mark.parametrize("page", [code for code in LANGUAGE_CODES if code != "en"])
def test_no_language_is_named_in_english_on_another_languages_page(page):
    english = {code: language_name(code, "en") for code in NAMED}
    same = {code for code in NAMED if language_name(code, page).casefold() == english[code].casefold()}
    assert same == SAME_AS_ENGLISH.get(page, set())


@pytest.mark.parametrize("code", NAMED)
def test_english_pages_name_them_in_english(code):
    assert language_name(code, "en") == cldr_language_name(code, "en")


def test_somali_names_are_somali():
    assert {code: language_name(code, "so") for code in SOMALI} == SOMALI


@pytest.mark.parametrize("page", LANGUAGE_CODES)
def test_each_of_the_seven_is_named_in_itself_as_the_switcher_names_it(page):
    # Lower-case first letters (polski, español) are capitalised like every name here.
    assert language_name(page, page).casefold() == BY_CODE[page].native_name.casefold()


def test_the_check_can_fail_on_the_cldr_names_alone():
    assert cldr_language_name("tr", "so") == "Turkish"  # the gap the catalogs fill


@pytest.mark.parametrize("page", [code for code in LANGUAGE_CODES if code != "so"])
def test_a_name_from_the_catalogs_agrees_with_cldr_where_cldr_has_it(page):
    for code in NAMES_FROM_CATALOGS:
        assert language_name(code, page) == cldr_language_name(code, page)
