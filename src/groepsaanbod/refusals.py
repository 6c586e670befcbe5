"""A refused request: per field, what is wrong and what is allowed. Pure.

Services raise a `Refused` subclass; the web edge renders each problem in the
person's language (JSON for the API, an error summary on pages).
"""

from __future__ import annotations

from dataclasses import dataclass

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
    def single(cls, field: str, msgid: str, **params: object):
        return cls([Problem(field, Message(msgid, dict(params)))])
