"""A cohort never has more confirmed members than its maximum; beyond it a waiting list
with positions; withdrawing offers the place to the first on the list (test_offers.py)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import func, select

from groepsaanbod.app import create_app
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.db import make_engine, make_session_factory
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.migrate import upgrade
from groepsaanbod.programmes.models import ProgrammeTemplate
from groepsaanbod.registration.models import Registration
from groepsaanbod.settings import Settings
from tests.conftest import NOW, backends
from tests.databases import run_async, separate_database
from tests.integration.registration.helpers import person, published_programme, sign_up


async def open_cohort(db, programme_id: int, size: int | None = None) -> Cohort:
    template = await db.scalar(select(ProgrammeTemplate).where(ProgrammeTemplate.programme_id == programme_id))
    cohort = Cohort(
        programme_id=programme_id,
        template_id=template.id,
        name="Eindhoven – 1",
        language="nl",
        place="Eindhoven",
        status="forming",
        accepts_registrations=True,
    )
    db.add(cohort)
    await db.commit()
    return cohort


async def test_enrolment_starts_a_group_at_the_minimum_and_tells_the_coordinator(client, db):
    from tests.factories import make_staff

    org, pid = await published_programme(db, "triple-p-group", "triple-test")
    coordinator = await make_staff(db, org, "coordinator")
    coordinator.language = "en"
    await db.commit()
    statuses = []
    for n in range(5):  # the template's minimum is 5
        told = await sign_up(client, db, "triple-test", person(n, child_birth_date="2020-06-01"))
        statuses.append(told["kind"])
    assert statuses == ["registration_received"] * 4 + ["registration_confirmed"]
    cohort = await db.scalar(select(Cohort).where(Cohort.programme_id == pid))
    assert cohort.accepts_registrations
    assert cohort.language == "nl"
    assert cohort.place == "Eindhoven"
    members = await db.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.cohort_id == cohort.id, Registration.status == "confirmed")
    )
    assert members == 5
    told = await db.scalar(select(OutboxMessage).where(OutboxMessage.kind == "cohort_can_start"))
    assert told.to_address == coordinator.email
    assert "5 people" in told.body_text
    # The earlier four hear that their group is ready.
    assert (
        await db.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "cohort_confirmed"))
        == 4
    )


async def test_full_cohort_waitlists_and_withdrawal_offers_the_place_in_order(client, db):
    _, pid = await published_programme(
        db, "triple-p-group", "triple-test", revision={"max_group_size": 6, "min_group_size": 2}
    )
    cohort = await open_cohort(db, pid)
    tokens = []
    for n in range(9):
        r = await sign_up(client, db, "triple-test", person(n, child_birth_date="2020-06-01", language="nl"))
        tokens.append(r["token"])
        assert (r["status"], r["waitlist_position"]) == (("confirmed", None) if n < 6 else ("waitlisted", n - 5))
    # A waitlisted person withdraws: those behind move up.
    await client.post(f"/api/v1/my/{tokens[7]}/withdraw")
    positions = dict(
        (
            await db.execute(
                select(Registration.id, Registration.waitlist_position).where(Registration.status == "waitlisted")
            )
        ).all()
    )
    assert sorted(positions.values()) == [1, 2]
    # A confirmed person withdraws: the first on the list is offered the place and told; it is theirs
    # once they say yes (nobody is put in a group without being asked).
    withdrawn = await client.post(f"/api/v1/my/{tokens[0]}/withdraw")
    assert withdrawn.json()["status"] == "withdrawn"
    offered = (await client.get(f"/api/v1/my/{tokens[6]}")).json()
    assert offered["status"] == "offered"
    assert (await client.get(f"/api/v1/my/{tokens[8]}")).json()["waitlist_position"] == 1
    accepted = await client.post(f"/api/v1/my/{tokens[6]}/offer/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "confirmed"
    assert (
        await db.scalar(
            select(func.count())
            .select_from(Registration)
            .where(Registration.cohort_id == cohort.id, Registration.status == "confirmed")
        )
        == 6
    )
    assert (
        await db.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "place_offered"))
        == 1
    )
    # The withdrawn person's link still shows that they stopped (their data rights go on).
    stopped = await client.get(f"/api/v1/my/{tokens[0]}")
    assert stopped.status_code == 200
    assert stopped.json()["status"] == "withdrawn"


async def _prepare_race(url: str) -> int:
    engine = make_engine(Settings(database_url=url).async_database_url)
    try:
        async with make_session_factory(engine)() as db:
            _, pid = await published_programme(db, "triple-p-group", "race-test")
            await open_cohort(db, pid)
            return pid
    finally:
        await engine.dispose()


async def _race(url: str, attempts: int) -> tuple[list[int], list[str], list[int | None]]:
    app = create_app(Settings(database_url=url, rate_limit_register=100_000), clock=lambda: NOW)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://race") as client:
        responses = await asyncio.gather(
            *(
                client.post("/api/v1/catalogue/race-test/registrations", json=person(n, child_birth_date="2020-06-01"))
                for n in range(attempts)
            )
        )
    engine = make_engine(Settings(database_url=url).async_database_url)
    try:
        async with make_session_factory(engine)() as db:
            rows = (await db.execute(select(Registration.status, Registration.waitlist_position))).all()
    finally:
        await engine.dispose()
    await app.on_shutdown[0]()
    return [r.status_code for r in responses], [s for s, _ in rows], [p for _, p in rows]


@pytest.mark.parametrize("backend", backends())
def test_simultaneous_registrations_never_overfill(backend, tmp_path):
    url = separate_database(backend, tmp_path, "groepsaanbod_race_test")
    upgrade(url)
    run_async(_prepare_race(url))
    codes, statuses, positions = run_async(_race(url, 40))
    assert codes == [202] * 40
    assert statuses.count("confirmed") == 12  # Triple P: at most 12 parents
    assert statuses.count("waitlisted") == 28
    assert sorted(p for p in positions if p is not None) == list(range(1, 29))


async def test_a_sign_up_writes_its_person_registration_event_and_message_together(client, db):
    """The sign-up's rows (one statement on PostgreSQL, four inserts on SQLite), linked by their ids."""
    from groepsaanbod.history.models import RegistrationEvent
    from groepsaanbod.registration.models import Participant

    _, pid = await published_programme(
        db, "triple-p-group", "triple-test", revision={"max_group_size": 1, "min_group_size": 1}
    )
    cohort = await open_cohort(db, pid)
    answers = []
    for n in range(2):
        answers.append(
            await sign_up(
                client,
                db,
                "triple-test",
                person(n, child_birth_date="2020-06-01", part_of_day="evening"),
                params={"lang": "en"},
            )
        )
    assert [(a["status"], a["waitlist_position"]) for a in answers] == [("confirmed", None), ("waitlisted", 1)]
    for answer, kind in zip(answers, ["registration_confirmed", "registration_waitlisted"], strict=True):
        registration = await db.get(Registration, answer["registration_id"])
        assert registration.cohort_id == cohort.id
        assert registration.status == answer["status"]
        assert (registration.confirmed_at is not None) == (answer["status"] == "confirmed")
        assert registration.consent_version
        assert registration.consent_language == "en"
        assert registration.preferences == {"part_of_day": "evening"}
        assert registration.access_expires_at
        assert registration.created_at is not None
        assert registration.updated_at is not None
        participant = await db.get(Participant, registration.participant_id)
        assert participant.email == registration.contact_email
        assert participant.child_birth_date.year == 2020
        event = await db.scalar(select(RegistrationEvent).where(RegistrationEvent.registration_id == registration.id))
        assert (event.action, event.cohort_id, event.details) == ("registered", cohort.id, {"status": answer["status"]})
        message = await db.scalar(
            select(OutboxMessage).where(OutboxMessage.dedupe_key.like(f"registration:{registration.id}:%"))
        )
        assert message.dedupe_key == f"registration:{registration.id}:{kind}"
        assert message.kind == kind
        assert message.to_address == participant.email
        assert message.attempts == 0
        assert message.sent_at is None
        assert answer["link"] in message.body_text
        assert message.subject
