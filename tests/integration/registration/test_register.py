"""Signing up without an account, in one's own language; refusals that say what to do instead."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.registration.services import token_hash
from tests.integration.registration.helpers import person, published_programme

DUE = "2027-04-20"  # 20 weeks after NOW (2026-11-30)


async def test_pregnant_woman_signs_up_and_gets_a_private_link_in_her_language(client, db):
    await published_programme(db, "centering-pregnancy", "centering-test")
    response = await client.post(
        "/api/v1/catalogue/centering-test/registrations",
        json=person(1, language="tr", due_date=DUE, phone="06 12345678"),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "pending" and body["link"].endswith(f"/tr/my/{body['token']}")
    registration = await db.scalar(select(Registration).where(Registration.id == body["registration_id"]))
    assert registration.access_token_hash == token_hash(body["token"]) and body["token"] not in str(
        registration.access_token_hash
    )
    participant = await db.get(Participant, registration.participant_id)
    assert participant.due_date == date(2027, 4, 20) and participant.phone == "+31612345678"
    message = await db.scalar(select(OutboxMessage))
    assert message.channel == "email" and message.language == "tr" and body["link"] in message.body_text
    assert "CenteringPregnancy" in message.subject and "Merhaba" in message.body_text
    mine = (await client.get(f"/api/v1/my/{body['token']}")).json()
    assert mine["status"] == "pending" and mine["language"] == "tr"


async def test_phone_only_gets_an_sms(client, db):
    await published_programme(db, "triple-p-group", "triple-test")
    body = person(2, email="", phone="+31 6 1234 5679", child_birth_date="2022-05-01")
    assert (await client.post("/api/v1/catalogue/triple-test/registrations", json=body)).status_code == 201
    message = await db.scalar(select(OutboxMessage))
    assert message.channel == "sms" and message.to_address == "+31612345679" and "/nl/my/" in message.body_text


@pytest.mark.parametrize(
    ("changes", "field", "lang", "words"),
    [
        ({"due_date": "2026-10-01"}, "due_date", "nl", "verloskundige"),
        ({"due_date": "2027-12-01"}, "due_date", "en", "42 weeks"),
        ({"due_date": "not a date"}, "due_date", "en", "date"),
        ({"due_date": None}, "due_date", "pl", ""),
        ({"language": "pl"}, "language", "en", "Dutch"),
        ({"email": "", "phone": ""}, "email", "ar", ""),
        ({"email": "nobody@", "phone": ""}, "email", "es", ""),
        ({"phone": "12345"}, "phone", "so", ""),
        ({"consent": False}, "consent", "tr", ""),
        ({"place": "Amsterdam"}, "place", "nl", ""),
        ({"postcode": "12"}, "postcode", "nl", "1234 AB"),
        ({"full_name": " "}, "full_name", "nl", ""),
    ],
)
async def test_refusals_name_the_field_in_the_persons_language(client, db, changes, field, lang, words):
    await published_programme(db, "centering-pregnancy", "centering-test", languages=("nl", "en"))
    body = {**person(3, due_date=DUE), **changes}
    response = await client.post(
        "/api/v1/catalogue/centering-test/registrations", json=body, headers={"Accept-Language": lang}
    )
    assert response.status_code in (400, 422), response.text
    if response.status_code == 422:
        errors = {e["field"]: e["message"] for e in response.json()["errors"]}
        assert field in errors and words in errors[field]
    assert await db.scalar(select(func.count()).select_from(Registration)) == 0
    assert await db.scalar(select(func.count()).select_from(OutboxMessage)) == 0


async def test_child_too_old_is_refused_with_the_age_limit(client, db):
    await published_programme(db, "kids-en-koffie", "kids-test")
    body = person(4, child_birth_date="2020-01-01")
    response = await client.post(
        "/api/v1/catalogue/kids-test/registrations", json=body, headers={"Accept-Language": "nl"}
    )
    assert response.status_code == 422
    assert "4 jaar" in response.json()["errors"][0]["message"]
    ok = await client.post("/api/v1/catalogue/kids-test/registrations", json=person(4, child_birth_date="2024-01-01"))
    assert ok.status_code == 201 and ok.json()["status"] == "confirmed"  # drop-in: no group to wait for


async def test_the_same_person_twice_is_recognised(client, db):
    await published_programme(db, "centering-pregnancy", "centering-test")
    first = await client.post("/api/v1/catalogue/centering-test/registrations", json=person(5, due_date=DUE))
    assert first.status_code == 201
    again = await client.post(
        "/api/v1/catalogue/centering-test/registrations",
        json=person(5, due_date=DUE, email="OUDER5@example.org"),
        headers={"Accept-Language": "nl"},
    )
    assert again.status_code == 409 and "al aangemeld" in again.json()["errors"][0]["message"]
    assert await db.scalar(select(func.count()).select_from(Registration)) == 1


async def test_school_class_programmes_take_no_individual_sign_ups(client, db):
    await published_programme(db, "think-op-school", "think-test", languages=("nl",))
    response = await client.post("/api/v1/catalogue/think-test/registrations", json=person(6))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "programme"
    form = (await client.get("/api/v1/catalogue/think-test/form")).json()
    assert form["open_for_registration"] is False


async def test_unpublished_or_unknown_programme(client, db):
    response = await client.post("/api/v1/catalogue/nothing/registrations", json=person(7))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "programme"
    assert (await client.get("/api/v1/my/not-a-real-token")).status_code == 404
