"""Every refusal msgspec's decoder says (in English) becomes ours, in each of the seven languages,
saying what is allowed: the real decoder's words are fed in, not copies of them."""

from __future__ import annotations

import datetime
import enum
import uuid
from typing import Annotated, Literal

import msgspec
import pytest

from groepsaanbod.api_design.decoder_messages import NOT_THIS_KIND, RULES, translate
from groepsaanbod.i18n.formatting import number
from groepsaanbod.i18n.languages import LANGUAGE_CODES
from groepsaanbod.i18n.translations import gettext, ngettext

#: What an English decoder phrase looks like; none may reach a reader.
ENGLISH = ("Expected", "Invalid enum", "Invalid RFC", "Invalid UUID", "Object missing", "Object contains", "got `", "`")


class Colour(enum.Enum):
    RED = "red"


class Body(msgspec.Struct, forbid_unknown_fields=True):
    flag: bool = False
    count: Annotated[int, msgspec.Meta(ge=1, le=10)] = 1
    whole: int = 0
    above: Annotated[int, msgspec.Meta(gt=0, lt=5)] = 1
    amount: Annotated[float, msgspec.Meta(ge=0.5, le=2.5)] = 1.0
    share: Annotated[float, msgspec.Meta(gt=0, lt=1)] = 0.5
    name: Annotated[str, msgspec.Meta(min_length=2, max_length=5)] = "ab"
    one: Annotated[str, msgspec.Meta(max_length=1)] = ""
    code: Annotated[str, msgspec.Meta(pattern="^[a-z]+$")] = "ab"
    text: str = ""
    items: Annotated[list[int], msgspec.Meta(min_length=1, max_length=2)] = msgspec.field(default_factory=lambda: [1])
    day: datetime.date | None = None
    moment: datetime.datetime | None = None
    clock: datetime.time | None = None
    id: uuid.UUID | None = None
    colour: Colour = Colour.RED
    kind: Literal["a", "b"] = "a"
    nested: dict[str, int] = msgspec.field(default_factory=dict)
    maybe: int | None = None


class Needed(msgspec.Struct):
    must: int


CASES = [
    ('{"flag": "yes"}', "notTrueOrFalse", None),
    ('{"count": 0}', "tooSmall", "1"),
    ('{"count": 11}', "tooLarge", "10"),
    ('{"above": 0}', "tooSmall", "1"),
    ('{"above": 5}', "tooLarge", "4"),
    ('{"share": 0}', "tooSmall", "0"),
    ('{"share": 1.5}', "tooLarge", "1"),
    ('{"whole": "x"}', "notAWholeNumber", None),
    ('{"whole": 1.5}', "notAWholeNumber", None),
    ('{"maybe": "x"}', "notAWholeNumber", None),
    ('{"amount": "x"}', "notANumber", None),
    ('{"amount": 3}', "tooLarge", None),
    ('{"name": "a"}', "tooShort", "2"),
    ('{"name": "abcdefg"}', "tooLong", "5"),
    ('{"one": "ab"}', "tooLong", "1"),
    ('{"code": "A"}', "wrongForm", None),
    ('{"text": 1}', "notAText", None),
    ('{"items": []}', "tooFew", "1"),
    ('{"items": [1, 2, 3]}', "tooMany", "2"),
    ('{"items": "x"}', "notAList", None),
    ('{"day": "2027-02-30"}', "notADate", None),
    ('{"moment": "tomorrow"}', "notADateTime", None),
    ('{"clock": "noon"}', "notATime", None),
    ('{"id": "x"}', "notAnId", None),
    ('{"colour": "blue"}', "notAChoice", None),
    ('{"kind": "c"}', "notAChoice", None),
    ('{"nested": 1}', "notAnObject", None),
    ('{"surprise": 1}', "unknownField", None),
]


def decoder_says(body: str, kind: type = Body) -> str:
    with pytest.raises(msgspec.ValidationError) as refused:
        msgspec.json.decode(body, type=kind)
    # Litestar passes the message without msgspec's " - at `$.field`" (the field is its key).
    return str(refused.value).split(" - at `")[0]


@pytest.mark.parametrize("language", LANGUAGE_CODES)
@pytest.mark.parametrize(("body", "code", "limit"), CASES)
def test_the_decoders_words_become_ours_in_each_language(language, body, code, limit):
    said = decoder_says(body)
    ours = translate(language, said)
    assert ours.code == code, (said, ours)
    assert not any(phrase in ours.detail for phrase in ENGLISH), (said, ours.detail)
    if language != "en":
        english = translate("en", said).detail
        assert ours.detail != english, f"{language} has no translation of {english!r}"
    if limit is not None:
        assert number(int(limit), language) in ours.detail, (said, ours.detail)


def test_a_missing_or_unknown_field_is_named():
    assert translate("nl", decoder_says("{}", Needed)).field == "must"
    assert translate("nl", decoder_says('{"surprise": 1}')).field == "surprise"


def test_plurals_follow_the_limit():
    one, two = translate("en", decoder_says('{"one": "ab"}')), translate("en", decoder_says('{"name": "abcdefg"}'))
    assert one.detail == "Give at most 1 character."
    assert two.detail == "Give at most 5 characters."
    # Polish has three forms: 2-4 and 5+ differ.
    plural = next(r.message for r in RULES if r.code == "tooLong")
    assert isinstance(plural, tuple)
    assert ngettext("pl", *plural, 2).replace("2", "") != ngettext("pl", *plural, 5).replace("5", "")


def test_anything_else_gets_the_general_message_in_the_readers_language():
    ours = translate("tr", "Something msgspec has never said")
    assert ours.code == "wrongKind"
    assert ours.detail == gettext("tr", NOT_THIS_KIND)
    assert ours.detail != NOT_THIS_KIND
