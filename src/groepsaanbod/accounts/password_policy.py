"""Which passwords are allowed: OWASP ASVS 5, chapter 6. Pure.

At least 8 characters (15 recommended), at most 64, any characters (spaces and
emoji too), no composition rules, and not one that many people use, nor one
that contains the person's name or email address (or a part of them of four
letters or more), the name or slug of their organisation, or "groepsaanbod"
(ASVS 6.2.11: context-specific words). Compared on letters and digits only, so
"CJG-Sliedrecht-2026!" contains "CJG Sliedrecht".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Iterable, Iterator

from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.refusals import Problem

MIN_LENGTH = 8
RECOMMENDED_LENGTH = 15
MAX_LENGTH = 64

TOO_SHORT = N_("Use at least %(minimum)s characters. A sentence of a few words is easy to remember and hard to guess.")
TOO_LONG = N_("Use at most %(maximum)s characters.")
TOO_COMMON = N_("Many people use this password, so it is easy to guess. Choose another one, for example a few words.")
LIKE_ACCOUNT = N_("Do not use your name or your email address in your password.")
LIKE_ORGANISATION = N_("Do not use the name of your organisation or the word groepsaanbod in your password.")

SERVICE_NAME = "groepsaanbod"
#: Shorter names or parts of names are not held against a password: too many would match.
MIN_WORD = 4


def normalise_password(password: str) -> str:
    """The same characters typed on another device compare equal (NFC)."""
    return unicodedata.normalize("NFC", password)


def _folded(text: str) -> str:
    """Letters and digits only, without case: how words are looked for in a password."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum())


def _personal_words(texts: Iterable[str]) -> Iterator[str]:
    """The whole text, an email address's local part, and each part of a name or local part."""
    for text in texts:
        yield _folded(text)
        local = text.split("@", 1)[0]
        yield _folded(local)
        yield from (_folded(part) for part in re.split(r"[\W_]+", local))


def _contains(folded_password: str, words: Iterable[str]) -> bool:
    return any(len(word) >= MIN_WORD and word in folded_password for word in words)


def password_problems(
    password: str,
    common: Container[str],
    personal: Iterable[str] = (),
    field: str = "password",
    *,
    organisations: Iterable[str] = (),
) -> list[Problem]:
    """What is wrong with a new password; empty when it may be used. `personal`: the person's
    email address and name; `organisations`: names and slugs of the organisations they work
    for (or are invited to)."""
    password = normalise_password(password)
    length = len(password)
    if length < MIN_LENGTH:
        return [Problem(field, Message(TOO_SHORT, {"minimum": MIN_LENGTH}))]
    if length > MAX_LENGTH:
        return [Problem(field, Message(TOO_LONG, {"maximum": MAX_LENGTH}))]
    folded = password.casefold().strip()
    if folded in common:
        return [Problem(field, Message(TOO_COMMON))]
    letters = _folded(password)
    if _contains(letters, _personal_words(personal)):
        return [Problem(field, Message(LIKE_ACCOUNT))]
    if _contains(letters, [_folded(SERVICE_NAME), *(_folded(name) for name in organisations)]):
        return [Problem(field, Message(LIKE_ORGANISATION))]
    return []
