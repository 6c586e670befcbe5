"""Bad input to the API is refused in the reader's language, in the service's own words, never in
the decoder's English ("Expected `bool`, got `str`"), each error at its JSON pointer or parameter."""

from __future__ import annotations

import pytest

from groepsaanbod.api_design.decoder_messages import RULES
from groepsaanbod.errors import BAD_INPUT
from groepsaanbod.i18n.languages import LANGUAGE_CODES
from groepsaanbod.i18n.translations import gettext
from tests.factories import make_organisation, make_staff, sign_in
from tests.integration.registration.helpers import person, published_programme

ENGLISH = ("Expected", "Invalid enum", "Invalid RFC", "Invalid UUID", "Object missing", "Object contains", "got `")


def ours(language: str, code: str) -> str:
    """The catalog's text for a rule without a number."""
    message = next(r.message for r in RULES if r.code == code)
    assert isinstance(message, str)
    return gettext(language, message)


def assert_refused(response, language: str, expected: list[tuple[str, str, str]]) -> None:
    assert response.status_code == 400, response.text
    problem = response.json()
    assert problem["detail"] == gettext(language, BAD_INPUT)
    found = [(e["in"], e["location"], e["code"]) for e in problem["errors"]]
    assert found == [(where, location, code) for where, location, code in expected], problem
    for error, (_where, _location, code) in zip(problem["errors"], expected, strict=True):
        assert error["detail"] == ours(language, code), error
        assert not any(phrase in error["detail"] for phrase in ENGLISH), error
        if language != "en":
            assert error["detail"] != ours("en", code), f"{language}: {error['detail']!r} is English"


@pytest.mark.parametrize("language", LANGUAGE_CODES)
async def test_a_sign_up_with_wrong_kinds_is_refused_in_the_readers_words(client, db, language):
    await published_programme(db, "kids-en-koffie", f"decoder-{language}")
    path = f"/api/v1/catalogue/decoder-{language}/registrations"
    headers = {"Accept-Language": language}
    for body, expected in (
        (person(1, consent="yes"), ("body", "#/consent", "notTrueOrFalse")),
        (person(2, full_name=12), ("body", "#/full_name", "notAText")),
        (person(3, child_birth_date="2020-13-01"), ("body", "#/child_birth_date", "notADate")),
    ):
        assert_refused(await client.post(path, json=body, headers=headers), language, [expected])


@pytest.mark.parametrize("language", LANGUAGE_CODES)
async def test_staff_api_bodies_and_queries_are_refused_in_the_readers_words(client, db, language):
    org = await make_organisation(db, f"Decoder {language}")
    await sign_in(client, await make_staff(db, org, "coordinator"))
    asked = {"lang": language}
    created = await client.post(
        "/api/v1/programmes",
        params=asked,
        json={"organisation_id": org.id, "template_key": "kids-en-koffie", "slug": "x", "languages": "nl"},
    )
    assert_refused(created, language, [("body", "#/languages", "notAList")])
    wrong_id = await client.post(
        "/api/v1/programmes",
        params=asked,
        json={"organisation_id": "one", "template_key": "kids-en-koffie", "slug": "x", "languages": ["nl"]},
    )
    assert_refused(wrong_id, language, [("body", "#/organisation_id", "notAWholeNumber")])
    report = await client.get(f"/api/v1/organisations/{org.id}/report", params={**asked, "start": "soon"})
    assert_refused(report, language, [("query", "start", "notADate")])
