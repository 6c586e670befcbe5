"""A refused request: per field, what is wrong and what is allowed. Pure.

Services raise a `Refused` subclass (or a `NotFound` one); the web edge renders each problem in the
person's language (JSON for the API, an error summary on pages).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from groepsaanbod.i18n.text import Message


@dataclass(frozen=True)
class Problem:
    """One broken rule: the field (as the API names it) and what is allowed."""

    field: str
    message: Message


class Refused(Exception):
    def __init__(self, problems: tuple[Problem, ...] | list[Problem]) -> None:
        super().__init__("; ".join(p.field for p in problems))
        self.problems = tuple(problems)

    @classmethod
    def single(cls, field: str, msgid: str, **params: object) -> Self:
        return cls([Problem(field, Message(msgid, dict(params)))])


class NotFound(Exception):
    """Nothing here for this caller: unknown, or another organisation's (we do not say which).
    Every area's "…NotFound" is one of these; the web edge answers 404 for all of them."""
