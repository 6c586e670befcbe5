"""Assisted sign-up: a desk or a midwife signs a person up on her behalf, in the language she reads;
she gets her own link; the per-address limit does not stop a desk; the history says who did it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from groepsaanbod.app import create_app
from groepsaanbod.history.models import RegistrationEvent
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.settings import Settings
from tests.conftest import NOW, backends, make_client
from tests.factories import make_organisation, make_staff, page_sign_in, sign_in
from tests.integration.protection.live import live_app
from tests.integration.registration.helpers import person, published_programme, told

BORN = "2024-01-01"


def her(n: int, **extra) -> dict:
    """A mother for Kids & Koffie (a drop-in: she has a place at once), the group speaks Dutch."""
    return person(n, child_birth_date=BORN, **extra)


def api(programme_id: int) -> str:
    return f"/api/v1/programmes/{programme_id}/registrations/on-behalf"


async def _count(db, model) -> int:
    return await db.scalar(select(func.count()).select_from(model))


async def test_a_desk_signs_up_an_arabic_reader_into_a_dutch_group(client, db):
    org, pid = await published_programme(db, "kids-en-koffie", "kids-desk")
    desk = await make_staff(db, org, "cjg_staff")
    await sign_in(client, desk)
    answer = await client.post(api(pid), json={**her(1), "reads_language": "ar"}, headers={"Accept-Language": "nl"})
    assert answer.status_code == 202, answer.text
    body = answer.json()
    assert body["reads_language"] == "ar"
    assert "token" not in answer.text  # her link goes to her only
    assert "/my/" not in answer.text
    mine = await told(db, "ouder1@example.org")
    assert mine["link"].endswith(f"/ar/my/{mine['token']}")
    message = await db.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "ouder1@example.org"))
    assert message.language == "ar"
    registration = await db.get(Registration, mine["registration_id"])
    participant = await db.get(Participant, registration.participant_id)
    assert participant.language == "ar"  # what she reads
    assert registration.language == "nl"  # what her group speaks
    assert registration.consent_language == "ar"
    event = await db.scalar(
        select(RegistrationEvent).where(
            RegistrationEvent.registration_id == registration.id, RegistrationEvent.action == "registered"
        )
    )
    assert event.actor_staff_id == desk.id


async def test_the_page_signs_her_up_and_the_registrations_page_says_who_did(client, db):
    org, pid = await published_programme(db, "triple-p-group", "triple-desk-page")
    midwife = await make_staff(db, org, "midwife")
    await page_sign_in(client, midwife)
    form = await client.get(f"/nl/staff/programmes/{pid}/sign-up")
    assert form.status_code == 200, form.text
    assert 'name="reads_language"' in form.text
    assert 'name="consent"' in form.text
    data = {**her(2, consent="yes"), "reads_language": "tr"}
    done = await client.post(f"/nl/staff/programmes/{pid}/sign-up", data=data)
    assert done.status_code == 303, done.text
    sent = await client.get(done.headers["location"])
    assert sent.status_code == 200
    assert "Turks" in sent.text  # "she gets her own link ... in Turkish", in the staff page's Dutch
    assert "/my/" not in sent.text
    mine = await told(db, "ouder2@example.org")
    assert "/tr/my/" in mine["link"]
    coordinator = await make_staff(db, org, "coordinator")
    await page_sign_in(client, coordinator)
    page = await client.get(f"/nl/staff/programmes/{pid}/registrations")
    assert midwife.full_name in page.text


async def test_bad_input_is_refused_field_by_field_and_nothing_is_saved(client, db):
    org, pid = await published_programme(db, "kids-en-koffie", "kids-desk-bad")
    desk = await make_staff(db, org, "coordinator")
    await sign_in(client, desk)
    bad = {**her(3, email="", consent=False), "full_name": "", "reads_language": "xx"}
    answer = await client.post(api(pid), json=bad, headers={"Accept-Language": "en"})
    assert answer.status_code == 422, answer.text
    for field in ("full_name", "email", "reads_language", "consent"):
        assert f'"{field}"' in answer.text, answer.text
    assert "explained" in answer.text  # the consent refusal speaks to the staff member
    await db.refresh(desk)  # the refusal rolled the shared session back
    await page_sign_in(client, desk)
    page = await client.post(f"/nl/staff/programmes/{pid}/sign-up", data={**bad, "consent": ""})
    assert page.status_code == 400
    assert 'aria-describedby="reads_language-error"' in page.text or "reads_language-error" in page.text
    assert await _count(db, Registration) == 0
    assert await _count(db, OutboxMessage) == 0


async def test_who_may_not(client, db):
    org, pid = await published_programme(db, "kids-en-koffie", "kids-desk-who")
    other = await make_organisation(db, "Elders")
    for staff, status in [
        (await make_staff(db, org, "volunteer"), 403),
        (await make_staff(db, org, "mentor"), 403),
        (await make_staff(db, org, "guest_teacher"), 403),
        (await make_staff(db, other, "coordinator"), 404),  # another organisation's programme: not there
        (await make_staff(db, other, "cjg_staff"), 404),
    ]:
        client.cookies.clear()
        await sign_in(client, staff)
        answer = await client.post(api(pid), json={**her(4), "reads_language": "nl"})
        assert answer.status_code == status, (staff.email, answer.text)
    client.cookies.clear()
    assert (await client.post(api(pid), json={**her(4), "reads_language": "nl"})).status_code == 401
    assert (await client.get(f"/nl/staff/programmes/{pid}/sign-up")).status_code in (302, 303, 401)
    assert await _count(db, Registration) == 0


async def test_someone_signed_up_already_gets_a_message_and_the_desk_hears_the_same(client, db):
    org, pid = await published_programme(db, "kids-en-koffie", "kids-desk-known")
    desk = await make_staff(db, org, "cjg_staff")
    await sign_in(client, desk)
    first = await client.post(api(pid), json={**her(5), "reads_language": "pl"})
    again = await client.post(api(pid), json={**her(5), "reads_language": "pl"})
    assert first.status_code == again.status_code == 202
    assert first.json() == again.json()
    assert await _count(db, Registration) == 1
    assert await db.scalar(select(func.count()).where(OutboxMessage.to_address == "ouder5@example.org")) == 2


@pytest.mark.parametrize("backend", backends())
async def test_ten_at_once_and_the_same_one_twice(backend, tmp_path):
    async with live_app(backend, tmp_path, "groepsaanbod_assisted", Settings(rate_limit_register=1)) as live:
        async with live.sessions() as session:
            org, pid = await published_programme(session, "triple-p-group", "triple-desk-ten")
            desk = await make_staff(session, org, "midwife")
        async with live.client() as client:
            await sign_in(client, desk)
            bodies = [{**her(10 + n), "reads_language": "so"} for n in range(10)]
            answers = await asyncio.gather(*(client.post(api(pid), json=body) for body in [*bodies, bodies[0]]))
        assert [a.status_code for a in answers] == [202] * 11, [a.text for a in answers]
        async with live.sessions() as session:
            assert await _count(session, Registration) == 10
            assert set(await session.scalars(select(Participant.language))) == {"so"}
            assert set(await session.scalars(select(Registration.language))) == {"nl"}
            actors = await session.scalars(
                select(RegistrationEvent.actor_staff_id).where(RegistrationEvent.action == "registered")
            )
            assert set(actors) == {desk.id}


def _app_with_limits(db, **limits):
    """An app with the real limits (the tests' usual app lifts the per-address one)."""

    async def shared_session() -> AsyncIterator:
        yield db

    settings = Settings(database_url="sqlite:///unused.db", **limits)
    return create_app(settings, db_session_provider=shared_session, clock=lambda: NOW)


async def test_a_desk_signs_up_thirty_in_a_row_from_one_address(db):
    org, pid = await published_programme(db, "kids-en-koffie", "kids-desk-thirty")
    desk = await make_staff(db, org, "cjg_staff")
    async with make_client(_app_with_limits(db, rate_limit_register=20)) as client:
        await sign_in(client, desk)
        for n in range(30):
            answer = await client.post(api(pid), json={**her(100 + n), "reads_language": "nl"})
            assert answer.status_code == 202, (n, answer.text)
    assert await _count(db, Registration) == 30


async def test_a_stolen_staff_session_is_still_bounded(db):
    org, pid = await published_programme(db, "kids-en-koffie", "kids-desk-stolen")
    desk = await make_staff(db, org, "cjg_staff")
    async with make_client(_app_with_limits(db, rate_limit_assisted_sign_up=3)) as client:
        await sign_in(client, desk)
        answers = [
            (await client.post(api(pid), json={**her(200 + n), "reads_language": "nl"})).status_code for n in range(5)
        ]
    assert answers == [202, 202, 202, 429, 429]


async def test_refused_attempts_do_not_use_up_the_address_and_a_flood_of_sign_ups_still_stops(db):
    _, pid = await published_programme(db, "kids-en-koffie", "kids-limit")
    async with make_client(_app_with_limits(db, rate_limit_register=20)) as client:
        for n in range(25):
            wrong = await client.post("/api/v1/catalogue/kids-limit/registrations", json=her(300 + n, email="nope"))
            assert wrong.status_code == 422, (n, wrong.text)
        page = await client.post("/nl/programmes/kids-limit/register", data={**her(399, consent="yes"), "email": "x"})
        assert page.status_code == 400
        for n in range(20):
            right = await client.post("/api/v1/catalogue/kids-limit/registrations", json=her(400 + n))
            assert right.status_code == 202, (n, right.text)
        flood = await client.post("/api/v1/catalogue/kids-limit/registrations", json=her(499))
        assert flood.status_code == 429
    assert await _count(db, Registration) == 20


async def test_all_attempts_have_a_larger_bound(db):
    await published_programme(db, "kids-en-koffie", "kids-tries")
    async with make_client(_app_with_limits(db, rate_limit_register=2, rate_limit_register_tries=4)) as client:
        answers = [
            (await client.post("/api/v1/catalogue/kids-tries/registrations", json=her(500 + n, email="no"))).status_code
            for n in range(6)
        ]
    assert answers == [422, 422, 422, 422, 429, 429]


async def test_huge_and_hostile_input_is_refused_not_a_crash(client, db):
    org, pid = await published_programme(db, "kids-en-koffie", "kids-desk-hostile")
    desk = await make_staff(db, org, "cjg_staff")
    await sign_in(client, desk)
    hostile = {**her(600), "full_name": "x" * 100_000, "reads_language": "ar" * 10_000, "place": "\u202e" * 50}
    answer = await client.post(api(pid), json=hostile)
    assert answer.status_code in (413, 422), answer.text
    for programme_id in (0, -1, 2**40):
        missing = await client.post(api(programme_id), json={**her(601), "reads_language": "nl"})
        assert missing.status_code in (404, 422), missing.text
    assert (await client.get(f"/nl/staff/programmes/{pid}/sign-up/sent?reads=<script>")).status_code == 200
    assert await _count(db, Registration) == 0
