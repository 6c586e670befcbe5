from hypothesis import given
from hypothesis import strategies as st

from groepsaanbod.i18n.languages import LANGUAGE_CODES, choose_language, parse_accept_language
from groepsaanbod.i18n.text import pick


def test_url_prefix_wins_then_cookie_then_header_then_dutch():
    assert choose_language("ar", "tr", "pl") == "ar"
    assert choose_language(None, "tr", "pl") == "tr"
    assert choose_language(None, None, "pl-PL,pl;q=0.9") == "pl"
    assert choose_language(None, None, None) == "nl"
    assert choose_language("xx", "yy", "fr, de;q=0.5") == "nl"


def test_accept_language_respects_quality():
    assert parse_accept_language("en;q=0.3, so, ar;q=0.8") == ["so", "ar", "en"]
    assert choose_language(None, None, "fr, es;q=0.4, en;q=0.2") == "es"
    assert parse_accept_language("nl;q=0, *;q=0.1") == []
    assert parse_accept_language("en;q=abc") == []


@given(st.text(max_size=60))
def test_any_header_gives_a_supported_language(header):
    assert choose_language(None, None, header) in LANGUAGE_CODES


def test_translated_content_falls_back_chosen_then_dutch_then_english():
    assert pick({"nl": "Hallo", "en": "Hello", "tr": "Merhaba"}, "tr") == "Merhaba"
    assert pick({"nl": "Hallo", "en": "Hello"}, "so") == "Hallo"
    assert pick({"en": "Hello", "pl": "Cześć"}, "ar") == "Hello"
    assert pick({"pl": "Cześć"}, "ar") == "Cześć"
    assert pick({}, "nl") == ""
