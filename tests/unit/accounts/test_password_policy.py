import unicodedata
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from groepsaanbod.accounts import totp
from groepsaanbod.accounts.common_passwords import common_passwords
from groepsaanbod.accounts.password_policy import (
    LIKE_ACCOUNT,
    LIKE_ORGANISATION,
    SERVICE_NAME,
    TOO_COMMON,
    TOO_LONG,
    TOO_SHORT,
    password_problems,
)
from groepsaanbod.protection.limits import counter_key, minutes_left, window_start

COMMON = common_passwords()


def msgids(password, personal=()):
    return [p.message.msgid for p in password_problems(password, COMMON, personal)]


def test_length_from_8_to_64_characters_without_composition_rules():
    assert msgids("kort") == [TOO_SHORT]
    assert msgids("alleen kleine letters") == []
    assert msgids("ééééééééé") == []  # any characters; counted as characters, not bytes
    assert msgids("x" * 64 + "y") == [TOO_LONG]
    assert msgids("🙂🙃🙂🙃🙂🙃🙂🙃") == []


def test_common_passwords_and_the_account_itself_are_refused():
    assert len(COMMON) > 5000
    assert msgids("password1") == [TOO_COMMON]
    assert msgids("Wachtwoord123") == [TOO_COMMON]
    assert msgids("anna.de.vries@example.org", ("anna.de.vries@example.org", "Anna")) == [LIKE_ACCOUNT]


def _folded(text):
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum())


@given(st.text(min_size=16, max_size=64).filter(lambda s: s.strip() == s and len(s) == len(s.encode("utf-16-le")) // 2))
def test_long_uncommon_passwords_pass(password):
    # The service's own name is refused in any password (tested below), so it is left out here.
    if password.casefold() not in COMMON and _folded(SERVICE_NAME) not in _folded(password):
        assert msgids(password) == []


def test_the_service_name_is_refused_however_it_is_written():
    assert msgids("0GROEPSAANBOD000") == [LIKE_ORGANISATION]
    assert msgids("mijn groeps-aanbod wachtwoord") == [LIKE_ORGANISATION]


def test_totp_code_works_in_its_window_and_only_once():
    secret = totp.new_secret()
    now = datetime(2026, 11, 30, 10, 0, 5, tzinfo=UTC)
    code = totp.code_at(secret, now)
    step = totp.accepted_step(secret, code, now, None)
    assert step == totp.step_of(now)
    assert totp.accepted_step(secret, code, now, step) is None  # replay
    assert totp.accepted_step(secret, code, now + timedelta(seconds=30), None) == step  # one step late
    assert totp.accepted_step(secret, code, now + timedelta(minutes=5), None) is None
    assert totp.accepted_step(secret, "12 34", now, None) is None


def test_rate_windows():
    now = datetime(2026, 11, 30, 10, 7, 30, tzinfo=UTC)
    assert window_start(now, timedelta(minutes=15)) == datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    assert minutes_left(now, timedelta(minutes=15)) == 8
    key = counter_key("sign-in-account", "Anna@Example.org")
    assert "anna" not in key.lower()
    assert key == counter_key("sign-in-account", " anna@example.org")


def test_passwords_containing_the_organisation_the_person_or_the_service_are_refused():
    cjg = ("CJG Sliedrecht", "cjg-sliedrecht")

    def why(password, personal=("jeroen.smit@cjg-sliedrecht.example", "Jeroen Smit"), organisations=cjg):
        return [p.message.msgid for p in password_problems(password, COMMON, personal, organisations=organisations)]

    assert why("CJG-Sliedrecht-2026!") == [LIKE_ORGANISATION]
    assert why("ik werk bij cjgsliedrecht") == [LIKE_ORGANISATION]
    assert why("Groepsaanbod voor iedereen", organisations=()) == [LIKE_ORGANISATION]
    assert why("GROEPS-AANBOD 2026 zomer", organisations=()) == [LIKE_ORGANISATION]
    assert why("jeroen.smit@cjg-sliedrecht.example!") == [LIKE_ACCOUNT]
    assert why("mijn naam is Jeroen en ik fiets") == [LIKE_ACCOUNT]
    assert why("zomer SMIT winter herfst") == [LIKE_ACCOUNT]
    assert why("JeroenSmit2026") == [LIKE_ACCOUNT]
    # Short words and parts of a name are not held against a password: too many would match.
    assert why("een lange zin met al", personal=("al@example.org", "Al Bo")) == []
    assert why("het slied van de recht", organisations=cjg) == []
    assert why("een goede lange wachtzin") == []
