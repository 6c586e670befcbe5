"""The request decoder's refusals (msgspec and Litestar say them in English: "Expected `bool`, got
`str`", "Invalid RFC3339 encoded datetime", "Expected `array` of length <= 20") as the service's own
messages: in the reader's language, saying what is allowed, with a short machine `code`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from groepsaanbod.i18n.formatting import number
from groepsaanbod.i18n.text import N_, Nn_
from groepsaanbod.i18n.translations import gettext, ngettext

_NUMBER = r"(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)"
#: "`int`", "`int | null`": the kind asked for, nullable or not.
_KIND = r"`{kind}(?: \| null)?`"


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    code: str
    #: One message, or a (singular, plural) pair chosen by the limit the decoder states.
    message: str | tuple[str, str]


def _rule(pattern: str, code: str, message: str | tuple[str, str]) -> Rule:
    return Rule(re.compile(pattern), code, message)


def _expected(kind: str, rest: str = "") -> str:
    return "^Expected " + _KIND.format(kind=kind) + rest


#: First match wins: the specific ones (a bound) before the general ones (a kind). msgspec
#: says an int's `gt=0` as `>= 1`; only floats keep > and <.
RULES = (
    _rule(
        "^Invalid RFC3339 encoded datetime",
        "notADateTime",
        N_("Give a date and time, for example 2027-03-15T10:00:00."),
    ),
    _rule("^Invalid RFC3339 encoded date", "notADate", N_("This is not a date. Give the day, the month and the year.")),
    _rule("^Invalid RFC3339 encoded time", "notATime", N_("Give a time of day, for example 09:30.")),
    _rule("^Invalid UUID", "notAnId", N_("This is not a valid id. Give it as the API gave it to you.")),
    _rule(
        "^Invalid enum value", "notAChoice", N_("This value is not one of the choices. The API description lists them.")
    ),
    _rule("^Object missing required field", "required", N_("This field is required.")),
    _rule(
        "^Object contains unknown field",
        "unknownField",
        N_("This field is not known here. Leave it out or check its name."),
    ),
    _rule(_expected("int", " >= " + _NUMBER), "tooSmall", N_("Give a whole number of at least %(limit)s.")),
    _rule(_expected("int", " <= " + _NUMBER), "tooLarge", N_("Give a whole number of at most %(limit)s.")),
    _rule(_expected("int"), "notAWholeNumber", N_("Give a whole number.")),
    _rule(_expected("(?:float|number)", " >= " + _NUMBER), "tooSmall", N_("Give a number of at least %(limit)s.")),
    _rule(_expected("(?:float|number)", " > " + _NUMBER), "tooSmall", N_("Give a number above %(limit)s.")),
    _rule(_expected("(?:float|number)", " <= " + _NUMBER), "tooLarge", N_("Give a number of at most %(limit)s.")),
    _rule(_expected("(?:float|number)", " < " + _NUMBER), "tooLarge", N_("Give a number below %(limit)s.")),
    _rule(_expected("(?:float|number)"), "notANumber", N_("Give a number, for example 12 or 12.5.")),
    _rule(_expected("bool"), "notTrueOrFalse", N_("Give true or false (without quotes).")),
    _rule(
        _expected("str", " of length >= " + _NUMBER),
        "tooShort",
        Nn_("Give at least %(num)s character.", "Give at least %(num)s characters."),
    ),
    _rule(
        _expected("str", " of length <= " + _NUMBER),
        "tooLong",
        Nn_("Give at most %(num)s character.", "Give at most %(num)s characters."),
    ),
    _rule(
        _expected("str", " matching regex"),
        "wrongForm",
        N_("This value is not written in the right form. The API description shows it."),
    ),
    _rule(_expected("str"), "notAText", N_("Give a text, between quotes.")),
    _rule(
        _expected("array", " of length >= " + _NUMBER),
        "tooFew",
        Nn_("Give at least %(num)s item in this list.", "Give at least %(num)s items in this list."),
    ),
    _rule(
        _expected("array", " of length <= " + _NUMBER),
        "tooMany",
        Nn_("Give at most %(num)s item in this list.", "Give at most %(num)s items in this list."),
    ),
    _rule(_expected("array"), "notAList", N_("Give a list, between [ and ].")),
    _rule(_expected("object"), "notAnObject", N_("Give an object, between { and }.")),
)
NOT_THIS_KIND = N_("This value is not of the right kind. The API description says what is allowed.")
_MISSING_OR_UNKNOWN = re.compile(r"Object (?:missing required|contains unknown) field `([^`]+)`")


@dataclass(frozen=True)
class Said:
    """The decoder's refusal in our words: code, the reader's text, and the field it names (if any)."""

    code: str
    detail: str
    field: str | None


def _limit(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


def translate(language: str, text: str) -> Said:
    """What the decoder said (`text`, English) in `language`; an unknown saying gets the general message."""
    named = _MISSING_OR_UNKNOWN.match(text)
    field = named.group(1) if named else None
    for rule in RULES:
        found = rule.pattern.match(text)
        if not found:
            continue
        limit = _limit(found.group(1)) if found.groups() else None
        if isinstance(rule.message, tuple):
            count = int(limit or 0)
            return Said(rule.code, ngettext(language, *rule.message, count, num=number(count, language)), field)
        params = {} if limit is None else {"limit": number(limit, language)}
        return Said(rule.code, gettext(language, rule.message, **params), field)
    return Said("wrongKind", gettext(language, NOT_THIS_KIND), field)
