"""Translated content as data, and message ids that are translated at the edge. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

FALLBACK_CHAIN = ("nl", "en")


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated later, in the receiver's language."""
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message with a plural for extraction (babel.cfg: Nn_:1,2); chosen later by a number."""
    return singular, plural


def pick(texts: Mapping[str, str] | None, language: str) -> str:
    """The text in the chosen language, else Dutch, else English, else any."""
    if not texts:
        return ""
    for code in (language, *FALLBACK_CHAIN):
        value = texts.get(code)
        if value:
            return value
    return next((v for v in texts.values() if v), "")


def picked_language(texts: Mapping[str, str] | None, language: str) -> str | None:
    """Which language `pick` would show, so a page can mark text in another language."""
    if not texts:
        return None
    for code in (language, *FALLBACK_CHAIN):
        if texts.get(code):
            return code
    return next((k for k, v in texts.items() if v), None)


class Shown(str):
    """A text with the language it is written in (None: unknown), so a page can mark it with
    `lang`/`dir` where it differs from the page's (WCAG 3.1.2). It is a str: code that only
    shows or compares the text needs nothing else."""

    language: str | None

    def __new__(cls, text: str, language: str | None) -> Shown:
        made = super().__new__(cls, text)
        made.language = language
        return made


def shown(texts: Mapping[str, str] | None, language: str) -> Shown:
    """`pick` with the language of the text it picked (a fallback is in another language)."""
    return Shown(pick(texts, language), picked_language(texts, language))


def written(text: str | None, language: str | None) -> Shown:
    """A text one person wrote (a cancellation reason, a note) with the language it was written in."""
    return Shown(text or "", language)


@dataclass(frozen=True)
class Message:
    """A message id with its values, rendered in the receiver's language."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)
