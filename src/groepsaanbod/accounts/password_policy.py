"""Which passwords are allowed: OWASP ASVS 5, chapter 6. Pure.

At least 8 characters (15 recommended), at most 64, any characters (spaces and
emoji too), no composition rules, and not one that many people use or that is
simply the person's email address or name.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Container, Iterable

from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.refusals import Problem

MIN_LENGTH = 8
RECOMMENDED_LENGTH = 15
MAX_LENGTH = 64

TOO_SHORT = N_("Use at least %(minimum)s characters. A sentence of a few words is easy to remember and hard to guess.")
TOO_LONG = N_("Use at most %(maximum)s characters.")
TOO_COMMON = N_("Many people use this password, so it is easy to guess. Choose another one, for example a few words.")
LIKE_ACCOUNT = N_("Do not use your email address or your name as password.")


def normalise_password(password: str) -> str:
    """The same characters typed on another device compare equal (NFC)."""
    return unicodedata.normalize("NFC", password)


def password_problems(
    password: str, common: Container[str], personal: Iterable[str] = (), field: str = "password"
) -> list[Problem]:
    """What is wrong with a new password; empty when it may be used."""
    password = normalise_password(password)
    length = len(password)
    if length < MIN_LENGTH:
        return [Problem(field, Message(TOO_SHORT, {"minimum": MIN_LENGTH}))]
    if length > MAX_LENGTH:
        return [Problem(field, Message(TOO_LONG, {"maximum": MAX_LENGTH}))]
    folded = password.casefold().strip()
    if folded in common:
        return [Problem(field, Message(TOO_COMMON))]
    for word in personal:
        word = word.casefold().strip()
        if word and (folded == word or folded == word.split("@")[0]):
            return [Problem(field, Message(LIKE_ACCOUNT))]
    return []
