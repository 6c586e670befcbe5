"""Support needs used by coordinators (issue 17 item 5): seen per person and counted per group on
the registrations page, in the API's registrations and formation proposal; only by their own
organisation; a person asking for an interpreter may move to a group of another language (refused
without, saying why); partners and children count in the room where the template says so."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.history.models import RegistrationEvent
from groepsaanbod.organisations.models import Venue
from groepsaanbod.programmes.models import ProgrammeTemplate
from groepsaanbod.registration.models import Registration
from groepsaanbod.scheduling.constraints import check_session
from groepsaanbod.scheduling.models import Session
from groepsaanbod.scheduling.services.facts import session_facts
from tests.factories import make_organisation, make_staff, sign_in
from tests.integration.registration.helpers import person, published_programme

START = date(2027, 4, 1)
WITH_INTERPRETER = {"interpreter": True, "interpreter_language": "ti", "partner": True, "children": 2}


async def _sign_up(client, n: int, language: str, support: dict | None = None) -> None:
    body = person(n, language=language, due_date=(START + timedelta(days=n % 10)).isoformat())
    if support is not None:
        body["support"] = support
    answer = await client.post("/api/v1/catalogue/centering-help/registrations", json=body)
    assert answer.status_code == 202, answer.text


async def _two_groups(client, db):
    """A Dutch and an English proposed group; two Dutch women ask for help, one of them an interpreter."""
    org, pid = await published_programme(db, "centering-pregnancy", "centering-help", languages=("nl", "en"))
    await _sign_up(client, 0, "nl", WITH_INTERPRETER)
    await _sign_up(client, 1, "nl", {"travel": True, "access": ["wheelchair"], "access_note": "Geen trappen"})
    for n in range(2, 10):
        await _sign_up(client, n, "nl")
    for n in range(10, 19):
        await _sign_up(client, n, "en")
    coordinator = await make_staff(db, org, "coordinator")
    await sign_in(client, coordinator)
    proposal = await client.post(f"/api/v1/programmes/{pid}/cohort-proposals")
    assert proposal.status_code == 200, proposal.text
    groups = {c["language"]: c for c in proposal.json()["cohorts"]}
    return org, pid, coordinator, groups


async def _registration(db, email: str) -> Registration:
    db.expunge_all()
    return await db.scalar(select(Registration).where(Registration.contact_email == email))


async def test_coordinators_see_them_per_person_and_counted_per_group(client, db):
    _, pid, _, groups = await _two_groups(client, db)
    dutch = groups["nl"]
    assert dutch["support"] == {"interpreters": {"ti": 1}, "children": 2, "partners": 1, "travel": 1, "access": 1}
    assert groups["en"]["support"] == {"interpreters": {}, "children": 0, "partners": 0, "travel": 0, "access": 0}
    rows = {r["email"]: r for r in (await client.get(f"/api/v1/programmes/{pid}/registrations")).json()}
    assert rows["ouder0@example.org"]["support"]["interpreter"] == "ti"
    assert rows["ouder5@example.org"]["support"] is None

    page = await client.get(f"/en/staff/programmes/{pid}/registrations")
    assert page.status_code == 200
    assert "Help to come" in page.text
    assert "Interpreter: Tigrinya" in page.text
    assert "1 interpreter for Tigrinya" in page.text
    assert "2 children to look after" in page.text
    assert "1 partner comes along" in page.text
    assert "1 person needs help with travel" in page.text
    assert "1 person has accessibility needs" in page.text
    assert "Wheelchair" in page.text
    assert "Geen trappen" in page.text


async def test_another_organisation_does_not_see_them(client, db):
    _, pid, _, _ = await _two_groups(client, db)
    await client.post("/api/v1/auth/sign-out")
    client.cookies.clear()
    client.cookies.set("ga_csrf", "test-csrf-token")
    elsewhere = await make_organisation(db, "Andere stichting", "Tilburg")
    stranger = await make_staff(db, elsewhere, "coordinator", email="vreemd@example.org")
    await sign_in(client, stranger)
    assert (await client.get(f"/api/v1/programmes/{pid}/registrations")).status_code in (403, 404)
    page = await client.get(f"/en/staff/programmes/{pid}/registrations")
    assert page.status_code in (403, 404)
    assert "Tigrinya" not in page.text
    assert "Geen trappen" not in page.text


async def test_moving_to_a_group_of_another_language_needs_an_interpreter(client, db):
    _, pid, coordinator, groups = await _two_groups(client, db)
    english = groups["en"]
    plain = await _registration(db, "ouder5@example.org")
    refused = await client.post(
        f"/api/v1/cohorts/{english['id']}/members",
        json={"registration_id": plain.id},
        headers={"Accept-Language": "en"},
    )
    assert refused.status_code == 422
    message = refused.json()["errors"][0]["detail"]
    assert "Dutch" in message
    assert "interpreter" in message
    assert (await _registration(db, "ouder5@example.org")).cohort_id == groups["nl"]["id"]

    asks = await _registration(db, "ouder0@example.org")
    moved = await client.post(f"/api/v1/cohorts/{english['id']}/members", json={"registration_id": asks.id})
    assert moved.status_code == 200, moved.text
    assert asks.id in moved.json()["members"]
    assert moved.json()["support"]["interpreters"] == {"ti": 1}
    now = await _registration(db, "ouder0@example.org")
    assert (now.cohort_id, now.language) == (english["id"], "en")  # the language spoken in her group
    event = await db.scalar(
        select(RegistrationEvent).where(
            RegistrationEvent.registration_id == asks.id, RegistrationEvent.action == "member_moved"
        )
    )
    assert event.actor_staff_id == coordinator.id
    assert event.details["was_language"] == "nl"
    assert event.details["language"] == "en"

    # The page offers the move, saying she asks for an interpreter.
    page = await client.get(f"/en/staff/programmes/{pid}/registrations")
    assert "Move someone into this group" in page.text


async def test_partners_and_children_count_in_the_room_where_the_template_says(client, db):
    org, pid, _, groups = await _two_groups(client, db)
    dutch = groups["nl"]
    assert (await client.post(f"/api/v1/cohorts/{dutch['id']}/confirm")).status_code == 200
    template = await db.scalar(select(ProgrammeTemplate).where(ProgrammeTemplate.programme_id == pid))
    assert template.rules["room_counts"] == ["partners"]  # Centering counts partners who come along
    venue = await db.scalar(select(Venue).where(Venue.organisation_id == org.id))
    venue.capacity = 10  # the 10 members fit, her partner does not
    start = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
    meeting = Session(
        programme_id=pid,
        cohort_id=dutch["id"],
        venue_id=venue.id,
        local_start=start.replace(tzinfo=None) + timedelta(hours=1),
        starts_at=start,
        duration_minutes=120,
    )
    db.add(meeting)
    await db.commit()
    meeting_id, venue_id, venue_name = meeting.id, venue.id, venue.name

    async def facts_now():
        db.expunge_all()
        template = await db.scalar(
            select(ProgrammeTemplate)
            .options(selectinload(ProgrammeTemplate.constraints))
            .where(ProgrammeTemplate.programme_id == pid)
        )
        cohort = await db.get(Cohort, dutch["id"])
        return await session_facts(db, await db.get(Session, meeting_id), cohort, template)

    facts = await facts_now()
    assert (facts.members, facts.support_partners, facts.support_children) == (10, 1, 0)  # children: not counted
    found = [v for v in check_session(facts, (), template.min_group_size, 14) if v.constraint == "room_capacity"]
    assert len(found) == 1
    assert found[0].message.params == {
        "number": 1,
        "room": venue_name,
        "capacity": 10,
        "people": 11,
        "members": 10,
        "extra": 0,
        "partners": 1,
        "children": 0,
    }
    (await db.get(Venue, venue_id)).capacity = 11
    await db.commit()
    facts = await facts_now()
    assert not [v for v in check_session(facts, (), 8, 14) if v.constraint == "room_capacity"]
