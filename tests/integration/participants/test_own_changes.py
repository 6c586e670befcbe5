"""Changes she makes herself behind her private link: email, phone, the language she reads, her due
date and her answers; each confirmed to the old and the new contact in her language, recorded in the
history; clashes and hostile input refused with nothing changed; two changes at once on PostgreSQL."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from groepsaanbod.attendance.models import AttendanceSignal
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.history.models import RegistrationEvent
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.migrate import upgrade
from groepsaanbod.participants.services.changes import EMAIL_TAKEN
from groepsaanbod.programmes.models import ProgrammeTemplate
from groepsaanbod.registration.models import Participant, Registration
from tests.conftest import backends
from tests.databases import run_async, separate_database
from tests.factories import make_staff, sign_in
from tests.integration.registration import parallel
from tests.integration.registration.helpers import person, published_programme, sign_up

DUE = "2027-04-20"  # 20 weeks after NOW


async def _rows(db, registration_id: int) -> tuple[Registration, Participant]:
    registration = await db.get(Registration, registration_id, populate_existing=True)
    participant = await db.get(Participant, registration.participant_id, populate_existing=True)
    return registration, participant


async def _messages(db, since: int = 0) -> list[OutboxMessage]:
    return list(
        await db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id > since)
            .order_by(OutboxMessage.id)
            .execution_options(populate_existing=True)
        )
    )


async def _last_message_id(db) -> int:
    return max([m.id for m in await _messages(db)] or [0])


async def _events(db, registration_id: int, action: str) -> list[RegistrationEvent]:
    return list(
        await db.scalars(
            select(RegistrationEvent).where(
                RegistrationEvent.registration_id == registration_id, RegistrationEvent.action == action
            )
        )
    )


async def _centering(client, db, n: int = 1, **extra) -> dict:
    return await sign_up(client, db, "centering-own", person(n, due_date=DUE, **extra))


async def test_she_changes_email_and_phone_told_at_old_and_new(client, db):
    org, _ = await published_programme(db, "centering-pregnancy", "centering-own")
    mine = await _centering(client, db)
    before = await _last_message_id(db)
    answer = await client.patch(
        f"/api/v1/my/{mine['token']}/details", json={"email": "Nieuw@Example.org", "phone": "06 12345670"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["changed"] == ["email", "phone"]
    registration, participant = await _rows(db, mine["registration_id"])
    assert (participant.email, participant.phone) == ("nieuw@example.org", "+31612345670")
    assert (registration.contact_email, registration.contact_phone) == ("nieuw@example.org", "+31612345670")
    sent = {(m.to_address, m.kind, m.language) for m in await _messages(db, before)}
    assert sent == {
        ("nieuw@example.org", "details_changed", "nl"),
        ("+31612345670", "details_changed", "nl"),
        ("ouder1@example.org", "details_changed_old", "nl"),
    }
    old = next(m for m in await _messages(db, before) if m.kind == "details_changed_old")
    assert "Was dit niet jij?" in old.body_text
    assert mine["token"] not in old.body_text  # the old address does not get her link
    [event] = await _events(db, mine["registration_id"], "contact_changed")
    assert event.actor_staff_id is None
    assert "ouder1@example.org" not in str(event.details)
    assert "nieuw@example.org" not in str(event.details)
    assert event.details["email"] == {"was": "o…@e…", "to": "n…@e…"}
    # Removing the email keeps the phone; removing both is refused.
    assert (await client.patch(f"/api/v1/my/{mine['token']}/details", json={"email": ""})).status_code == 200
    both = await client.patch(f"/api/v1/my/{mine['token']}/details", json={"phone": ""})
    assert both.status_code == 422
    assert "mobiel" in both.text
    _, participant = await _rows(db, mine["registration_id"])
    assert (participant.email, participant.phone) == (None, "+31612345670")


async def test_an_address_of_another_sign_up_is_refused_and_nothing_changes(client, db):
    await published_programme(db, "centering-pregnancy", "centering-own")
    first = await _centering(client, db, 1)
    second = await _centering(client, db, 2)
    before = await _last_message_id(db)
    clash = await client.patch(
        f"/api/v1/my/{second['token']}/details",
        json={"email": "ouder1@example.org", "part_of_day": "morning"},
        headers={"Accept-Language": "nl"},
    )
    assert clash.status_code == 422, clash.text
    assert gettext("nl", EMAIL_TAKEN) in clash.text
    assert "Ouder 1" not in clash.text
    registration, participant = await _rows(db, second["registration_id"])
    assert participant.email == registration.contact_email == "ouder2@example.org"
    assert registration.preferences.get("part_of_day") == "any"
    assert await _messages(db, before) == []
    assert await _events(db, second["registration_id"], "contact_changed") == []
    assert await _events(db, second["registration_id"], "answers_changed") == []
    assert first["registration_id"] != second["registration_id"]


async def test_language_she_reads_changes_and_the_next_message_follows_it(client, db):
    await published_programme(db, "centering-pregnancy", "centering-own")
    mine = await _centering(client, db)
    before = await _last_message_id(db)
    answer = await client.patch(f"/api/v1/my/{mine['token']}/details", json={"language": "tr"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["language"] == "tr"
    assert answer.json()["group_language"] == "nl"
    registration, participant = await _rows(db, mine["registration_id"])
    assert (participant.language, registration.language) == ("tr", "nl")
    [told] = await _messages(db, before)
    assert told.language == "tr"
    assert "Merhaba" in told.body_text
    assert f"/tr/my/{mine['token']}" in told.body_text
    [event] = await _events(db, mine["registration_id"], "language_changed")
    assert event.details == {"was": "nl", "to": "tr"}
    # The next message to her is in Turkish too.
    before = await _last_message_id(db)
    assert (
        await client.patch(f"/api/v1/my/{mine['token']}/details", json={"part_of_day": "evening"})
    ).status_code == 200
    [told] = await _messages(db, before)
    assert told.language == "tr"
    registration, _ = await _rows(db, mine["registration_id"])
    assert registration.preferences["part_of_day"] == "evening"
    [event] = await _events(db, mine["registration_id"], "answers_changed")
    assert event.details == {"fields": ["part_of_day"]}


async def test_wrong_token_finds_nothing(client, db):
    await published_programme(db, "centering-pregnancy", "centering-own")
    await _centering(client, db)
    wrong = "x" * 43
    assert (await client.get(f"/nl/my/{wrong}/details")).status_code == 404
    assert (await client.post(f"/nl/my/{wrong}/details", data={"email": "a@b.nl"})).status_code == 404
    assert (await client.get(f"/api/v1/my/{wrong}/details")).status_code == 404
    assert (await client.patch(f"/api/v1/my/{wrong}/details", json={"email": "a@b.nl"})).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "a" * 100_000 + "@example.org"}, "email"),
        ({"email": "<script>alert(1)</script>"}, "email"),
        ({"phone": "06\n12345678"}, "phone"),
        ({"phone": "112"}, "phone"),
        ({"language": "xx" * 500}, "language"),
        ({"due_date": "2027-13-45"}, "due_date"),
        ({"due_date": "9" * 5000}, "due_date"),
        ({"due_date": "2020-01-01"}, "due_date"),
        ({"due_date": "2029-01-01"}, "due_date"),
        ({"child_birth_date": "2024-01-01"}, "child_birth_date"),
        ({"part_of_day": "night"}, "part_of_day"),
        ({"place": "Atlantis"}, "place"),
    ],
)
async def test_huge_and_hostile_input_is_refused_clearly(client, db, body, field):
    await published_programme(db, "centering-pregnancy", "centering-own")
    mine = await _centering(client, db)
    before = await _last_message_id(db)
    answer = await client.patch(f"/api/v1/my/{mine['token']}/details", json={"part_of_day": "morning", **body})
    assert answer.status_code in (400, 413, 422), answer.text
    if answer.status_code == 422:
        assert field in answer.text
    registration, participant = await _rows(db, mine["registration_id"])
    assert participant.email == "ouder1@example.org"
    assert participant.due_date == date(2027, 4, 20)
    assert registration.preferences["part_of_day"] == "any"
    assert await _messages(db, before) == []


async def test_the_page_shows_her_details_and_saves_a_change(client, db):
    await published_programme(db, "centering-pregnancy", "centering-own")
    mine = await _centering(client, db)
    own = await client.get(f"/nl/my/{mine['token']}")
    assert f"/nl/my/{mine['token']}/details" in own.text
    page = await client.get(f"/nl/my/{mine['token']}/details")
    assert page.status_code == 200
    assert 'for="email"' in page.text
    assert 'for="due_date"' in page.text
    assert 'value="ouder1@example.org"' in page.text
    # Refused: the error is linked to the field, nothing saved.
    refused = await client.post(f"/nl/my/{mine['token']}/details", data={"email": "geen adres", "phone": ""})
    assert refused.status_code == 400
    assert re.search(r'id="email"[^>]*aria-describedby="[^"]*email-error', refused.text)
    assert 'role="alert"' in refused.text
    # Saved, with every field sent as the page sends it; the page follows her new language.
    saved = await client.post(
        f"/nl/my/{mine['token']}/details",
        data={"email": "ouder1@example.org", "phone": "", "language": "ar", "due_date": DUE, "part_of_day": "any"},
    )
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"].startswith(f"/ar/my/{mine['token']}/details")
    shown = await client.get(saved.headers["location"])
    assert 'dir="rtl"' in shown.text
    _, participant = await _rows(db, mine["registration_id"])
    assert participant.language == "ar"
    assert participant.due_date == date(2027, 4, 20)


async def _in_a_group(db, registration_id: int, programme_id: int) -> Cohort:
    template = await db.scalar(select(ProgrammeTemplate).where(ProgrammeTemplate.programme_id == programme_id))
    cohort = Cohort(
        programme_id=programme_id,
        template_id=template.id,
        name="Groep april",
        language="nl",
        place="Eindhoven",
        status="confirmed",
        reference_date=date(2027, 4, 20),
    )
    db.add(cohort)
    await db.flush()
    registration = await db.get(Registration, registration_id)
    registration.cohort_id, registration.status = cohort.id, "confirmed"
    await db.commit()
    return cohort


async def test_due_date_moved_far_asks_her_coordinator(client, db):
    org, programme_id = await published_programme(db, "centering-pregnancy", "centering-own")
    coordinator = await make_staff(db, org, "coordinator")
    near, far = await _centering(client, db, 1), await _centering(client, db, 2)
    for mine in (near, far):
        await _in_a_group(db, mine["registration_id"], programme_id)
    # A week later: just changed.
    moved = await client.patch(f"/api/v1/my/{near['token']}/details", json={"due_date": "2027-04-27"})
    assert moved.status_code == 200
    assert moved.json()["coordinator_asked"] is False
    # Nine weeks later, beyond the five weeks a group's due dates may spread: her coordinator is asked.
    later = (date(2027, 4, 20) + timedelta(weeks=9)).isoformat()
    moved = await client.patch(f"/api/v1/my/{far['token']}/details", json={"due_date": later})
    assert moved.status_code == 200, moved.text
    assert moved.json()["coordinator_asked"] is True
    _, participant = await _rows(db, far["registration_id"])
    assert participant.due_date.isoformat() == later
    signals = list(await db.scalars(select(AttendanceSignal).where(AttendanceSignal.kind == "due_date_moved")))
    assert [s.participant_id for s in signals] == [participant.id]
    [event] = await _events(db, far["registration_id"], "due_date_changed")
    assert event.details == {"coordinator_asked": True}
    await sign_in(client, coordinator)
    dashboard = await client.get("/nl/staff/signals")
    assert "Ouder 2" in dashboard.text
    assert "Ouder 1" not in dashboard.text
    assert gettext("nl", "Changed her due date: it is far from her group's") in dashboard.text


async def test_after_stopping_nothing_changes(client, db):
    await published_programme(db, "centering-pregnancy", "centering-own")
    mine = await _centering(client, db)
    assert (await client.post(f"/api/v1/my/{mine['token']}/withdraw")).status_code == 200
    answer = await client.patch(f"/api/v1/my/{mine['token']}/details", json={"email": "x@example.org"})
    assert answer.status_code == 422
    _, participant = await _rows(db, mine["registration_id"])
    assert participant.email == "ouder1@example.org"


# --- two changes at once --------------------------------------------------------------------------


async def _race(url: str) -> None:
    async with parallel.database(url) as db:
        await published_programme(db, "centering-pregnancy", "centering-race")
    async with parallel.app_client(url) as client:
        for n in range(4):
            answer = await client.post("/api/v1/catalogue/centering-race/registrations", json=person(n, due_date=DUE))
            assert answer.status_code == 202
    async with parallel.database(url) as db:
        tokens = list((await parallel.private_tokens(db)).items())
    async with parallel.app_client(url) as client:
        # Four people want the same new address at once, and one of them changes twice at once.
        calls = [
            (lambda t=t: client.patch(f"/api/v1/my/{t}/details", json={"email": "zelfde@example.org"}))
            for _, t in tokens
        ]
        calls.append(lambda: client.patch(f"/api/v1/my/{tokens[0][1]}/details", json={"phone": "06 12345671"}))
        answers = await parallel.at_once(calls)
    assert not parallel.server_errors(answers)
    assert sorted(a.status_code for a in answers[:4]) == [200, 422, 422, 422]
    assert answers[4].status_code == 200
    async with parallel.database(url) as db:
        rows = (await db.execute(select(Registration.contact_email, Participant.email).join(Participant))).all()
        assert sum(1 for r in rows if r.contact_email == "zelfde@example.org") == 1
        assert all(r.contact_email == r.email for r in rows)  # no half state
        phone = await db.scalar(select(Participant.phone).where(Participant.phone.is_not(None)))
        assert phone == "+31612345671"
        told = await db.scalar(
            select(OutboxMessage.id).where(
                OutboxMessage.to_address == "zelfde@example.org", OutboxMessage.kind == "details_changed"
            )
        )
        assert told is not None


@pytest.mark.parametrize("backend", backends())
def test_two_changes_at_once_keep_one_live_address(backend, tmp_path):
    url = separate_database(backend, tmp_path, "own_changes")
    upgrade(url)
    run_async(_race(url))


async def test_erasure_also_removes_messages_to_her_former_address(client, db):
    await published_programme(db, "centering-pregnancy", "centering-own")
    mine = await _centering(client, db)
    other = await _centering(client, db, 2)
    assert (
        await client.patch(f"/api/v1/my/{mine['token']}/details", json={"email": "nieuw@example.org"})
    ).status_code == 200
    assert any(m.to_address == "ouder1@example.org" for m in await _messages(db))
    assert (await client.delete(f"/api/v1/my/{mine['token']}")).status_code == 204
    left = await _messages(db)
    assert not [m for m in left if "Ouder 1" in (m.body_text or "")]
    assert any(m.to_address == "ouder2@example.org" for m in left)
    assert other["registration_id"] != mine["registration_id"]
