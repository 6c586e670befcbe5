"""Translated content as data, and message ids that are translated at the edge. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

FALLBACK_CHAIN = ("nl", "en")


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated later, in the receiver's language."""
    return message


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


@dataclass(frozen=True)
class Message:
    """A message id with its values, rendered in the receiver's language."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)
