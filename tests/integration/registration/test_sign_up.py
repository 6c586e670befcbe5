"""Signing up without an account, in one's own language; refusals that say what to do instead."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from groepsaanbod.i18n.translations import gettext
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.registration.errors import CHECK_YOUR_MESSAGES
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.registration.services.known_person import ALREADY_REGISTERED_MESSAGES
from groepsaanbod.registration.services.registrations import token_hash
from groepsaanbod.settings import Settings
from tests.conftest import backends
from tests.integration.protection.live import live_app
from tests.integration.registration.helpers import person, published_programme, sign_up, told

DUE = "2027-04-20"  # 20 weeks after NOW (2026-11-30)


async def test_pregnant_woman_signs_up_and_gets_a_private_link_in_her_language(client, db):
    await published_programme(db, "centering-pregnancy", "centering-test")
    response = await client.post(
        "/api/v1/catalogue/centering-test/registrations",
        json=person(1, language="tr", due_date=DUE, phone="06 12345678"),
        headers={"Accept-Language": "tr"},
    )
    # The answer says only: check your messages (it is the same for a person signed up before).
    assert response.status_code == 202, response.text
    assert response.json() == {"status_code": 202, "detail": gettext("tr", CHECK_YOUR_MESSAGES)}
    message = await db.scalar(select(OutboxMessage))
    assert message.channel == "email"
    assert message.language == "tr"
    assert message.kind == "registration_received"
    assert "CenteringPregnancy" in message.subject
    assert "Merhaba" in message.body_text
    mine = await told(db, "ouder1@example.org")
    assert mine["link"].endswith(f"/tr/my/{mine['token']}")
    assert mine["status"] == "pending"
    registration = await db.scalar(select(Registration).where(Registration.id == mine["registration_id"]))
    assert registration.access_token_hash == token_hash(mine["token"])
    assert mine["token"] not in str(registration.access_token_hash)
    participant = await db.get(Participant, registration.participant_id)
    assert participant.due_date == date(2027, 4, 20)
    assert participant.phone == "+31612345678"
    assert (await client.get(f"/api/v1/my/{mine['token']}")).json()["language"] == "tr"


async def test_phone_only_gets_an_sms(client, db):
    await published_programme(db, "triple-p-group", "triple-test")
    body = person(2, email="", phone="+31 6 1234 5679", child_birth_date="2022-05-01")
    assert (await client.post("/api/v1/catalogue/triple-test/registrations", json=body)).status_code == 202
    message = await db.scalar(select(OutboxMessage))
    assert message.channel == "sms"
    assert message.to_address == "+31612345679"
    assert "/nl/my/" in message.body_text


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
        errors = {e["field"]: e["detail"] for e in response.json()["errors"]}
        assert field in errors
        assert words in errors[field]
    assert await db.scalar(select(func.count()).select_from(Registration)) == 0
    assert await db.scalar(select(func.count()).select_from(OutboxMessage)) == 0


async def test_child_too_old_is_refused_with_the_age_limit(client, db):
    await published_programme(db, "kids-en-koffie", "kids-test")
    body = person(4, child_birth_date="2020-01-01")
    response = await client.post(
        "/api/v1/catalogue/kids-test/registrations", json=body, headers={"Accept-Language": "nl"}
    )
    assert response.status_code == 422
    assert "4 jaar" in response.json()["errors"][0]["detail"]
    ok = await sign_up(client, db, "kids-test", person(4, child_birth_date="2024-01-01"))
    assert ok["status"] == "confirmed"
    assert ok["kind"] == "registration_confirmed"  # drop-in: no group to wait for


async def test_a_known_person_gets_the_same_answer_and_a_message_with_a_working_link(client, db):
    """No registration oracle: whether a person is signed up (say, in pregnancy care) does not show
    in the answer. The person on record gets a message in their own language with a further link;
    the link they had keeps working, and a stranger's typing reaches nobody else."""
    await published_programme(db, "centering-pregnancy", "centering-test")
    first = await client.post(
        "/api/v1/catalogue/centering-test/registrations", json=person(5, due_date=DUE, language="tr")
    )
    original = await told(db, "ouder5@example.org")
    unknown = await client.post("/api/v1/catalogue/centering-test/registrations", json=person(6, due_date=DUE))
    again = await client.post(
        "/api/v1/catalogue/centering-test/registrations",
        json=person(5, due_date=DUE, email="OUDER5@example.org", full_name="Someone Else"),
    )
    assert first.status_code == unknown.status_code == again.status_code == 202
    assert unknown.content == again.content  # the same bytes, known or not
    assert await db.scalar(select(func.count()).select_from(Registration)) == 2
    message = await db.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(1))
    assert message.kind == "registration_already"
    assert message.to_address == "ouder5@example.org"
    assert message.language == "tr"
    assert "Ouder 5" in message.body_text
    assert "Someone Else" not in message.body_text
    resent = await told(db, "ouder5@example.org")
    assert resent["registration_id"] == original["registration_id"]
    assert resent["token"] != original["token"]
    for token in (original["token"], resent["token"]):  # both links work; no stranger can stop the first
        assert (await client.get(f"/api/v1/my/{token}")).json()["status"] == "pending"
    # Not a spam cannon: a few messages per contact per hour, then the same answer and no message.
    for _ in range(5):
        more = await client.post("/api/v1/catalogue/centering-test/registrations", json=person(5, due_date=DUE))
        assert more.status_code == 202
        assert more.content == unknown.content
    already = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "registration_already")
    assert await db.scalar(already) == ALREADY_REGISTERED_MESSAGES
    assert (await client.get(f"/tr/my/{resent['token']}")).status_code == 200  # her page, in her language
    # Staff still see the truth: one registration of this person.
    assert (
        await db.scalar(
            select(func.count()).select_from(Registration).where(Registration.contact_email == "ouder5@example.org")
        )
        == 1
    )


async def test_a_known_phone_number_is_told_on_the_contact_on_record(client, db):
    """Matched by phone, the message goes to the contact on record, never to an address typed now."""
    await published_programme(db, "triple-p-group", "triple-test")
    await sign_up(client, db, "triple-test", person(7, email="", phone="06 22223333", child_birth_date="2022-05-01"))
    again = await client.post(
        "/api/v1/catalogue/triple-test/registrations",
        json=person(7, email="attacker@example.org", phone="+31622223333", child_birth_date="2022-05-01"),
    )
    assert again.status_code == 202
    assert await db.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "attacker@example.org")) is None
    message = await db.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(1))
    assert message.kind == "registration_already"
    assert message.to_address == "+31622223333"
    assert await db.scalar(select(func.count()).select_from(Registration)) == 1


async def test_the_sign_up_page_answers_the_same_for_a_known_person(client, db):
    await published_programme(db, "kids-en-koffie", "kids-test")
    form = {
        "full_name": "Ouder 8",
        "email": "ouder8@example.org",
        "language": "nl",
        "place": "Eindhoven",
        "child_birth_date": "2024-01-01",
        "consent": "yes",
    }
    pages = []
    for name in ("Ouder 8", "Iemand Anders"):
        answer = await client.post("/pl/programmes/kids-test/register", data={**form, "full_name": name})
        assert answer.status_code == 303, answer.text
        pages.append(answer)
    assert pages[0].headers["location"] == pages[1].headers["location"] == "/pl/programmes/kids-test/register/sent"
    sent = await client.get(pages[0].headers["location"])
    assert sent.status_code == 200
    assert gettext("pl", CHECK_YOUR_MESSAGES) in sent.text
    assert "ouder8@example.org" not in sent.text
    kinds = [m.kind for m in await db.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    assert kinds == ["registration_confirmed", "registration_already"]
    assert await db.scalar(select(func.count()).select_from(Registration)) == 1


async def test_school_class_programmes_take_no_individual_sign_ups(client, db):
    await published_programme(db, "think-op-school", "think-test", languages=("nl",))
    response = await client.post("/api/v1/catalogue/think-test/registrations", json=person(6))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "programme"
    form = (await client.get("/api/v1/catalogue/think-test/form")).json()
    assert form["open_for_registration"] is False


async def test_unpublished_or_unknown_programme(client, db):
    response = await client.post("/api/v1/catalogue/nothing/registrations", json=person(7))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "programme"
    assert (await client.get("/api/v1/my/not-a-real-token")).status_code == 404


@pytest.mark.parametrize("backend", backends())
async def test_the_same_person_twenty_times_at_once_is_one_registration_and_no_error(backend, tmp_path):
    """Parallel sign-ups of one person (a double tap, or someone probing): every answer the same
    202, one registration, one message of how it went, and a bounded number of 'already' messages."""
    async with live_app(backend, tmp_path, "groepsaanbod_same_person", Settings(rate_limit_register=1000)) as live:
        async with live.sessions() as session:
            await published_programme(session, "centering-pregnancy", "centering-test")
        async with live.client() as client:
            answers = await asyncio.gather(
                *(
                    client.post("/api/v1/catalogue/centering-test/registrations", json=person(9, due_date=DUE))
                    for _ in range(20)
                )
            )
        assert {a.status_code for a in answers} == {202}
        assert len({a.content for a in answers}) == 1
        async with live.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(Registration)) == 1
            kinds = Counter(await session.scalars(select(OutboxMessage.kind)))
        assert kinds == {"registration_received": 1, "registration_already": ALREADY_REGISTERED_MESSAGES}, kinds


async def test_the_worker_keeps_the_newest_further_links_and_drops_expired_ones(client, db):
    from datetime import timedelta

    from groepsaanbod.registration.models import RegistrationLink
    from groepsaanbod.registration.services.known_person import FURTHER_LINKS, forget_old_links
    from tests.conftest import NOW

    await published_programme(db, "centering-pregnancy", "centering-test")
    first = await sign_up(client, db, "centering-test", person(10, due_date=DUE))
    second = await sign_up(client, db, "centering-test", person(11, due_date=DUE))
    for n in range(FURTHER_LINKS + 3):
        db.add(
            RegistrationLink(
                registration_id=first["registration_id"],
                token_hash=f"{n:064d}",
                created_at=NOW,
                expires_at=NOW + timedelta(days=30),
            )
        )
    db.add(
        RegistrationLink(registration_id=second["registration_id"], token_hash="e" * 64, created_at=NOW, expires_at=NOW)
    )
    await db.commit()
    assert await forget_old_links(db, NOW) == 3 + 1
    kept = list(await db.scalars(select(RegistrationLink.token_hash).order_by(RegistrationLink.id)))
    assert kept == [f"{n:064d}" for n in range(3, FURTHER_LINKS + 3)]  # the newest five
