"""Coordinators see pending registrations, get proposed groups with reasons, change
them and confirm; members are told in their languages; every change is recorded."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from groepsaanbod.cohorts.models import Cohort, SchoolClass
from groepsaanbod.history.models import RegistrationEvent
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.registration.models import Registration
from tests.factories import make_organisation, make_staff, sign_in
from tests.integration.registration.helpers import person, published_programme

START = date(2027, 4, 1)


async def sign_up_pregnant(client, n: int, due: date, language: str = "nl"):
    r = await client.post(
        "/api/v1/catalogue/centering-test/registrations", json=person(n, language=language, due_date=due.isoformat())
    )
    assert r.status_code == 202, r.text


async def test_propose_change_and_confirm_groups(client, db):
    org, pid = await published_programme(db, "centering-pregnancy", "centering-test", languages=("nl", "so"))
    for n in range(20):  # two clusters of 10, 8 weeks apart
        await sign_up_pregnant(client, n, START + timedelta(days=(n % 10) + (56 if n >= 10 else 0)))
    for n in range(20, 25):  # 5 Somali-speaking women: too few for a group
        await sign_up_pregnant(client, n, START + timedelta(days=n), language="so")
    coordinator = await make_staff(db, org, "coordinator")
    await sign_in(client, coordinator)

    pending = (await client.get(f"/api/v1/programmes/{pid}/registrations")).json()
    assert len(pending) == 25
    assert {r["status"] for r in pending} == {"pending"}
    proposal = (
        await client.post(f"/api/v1/programmes/{pid}/cohort-proposals", headers={"Accept-Language": "en"})
    ).json()
    assert [len(c["members"]) for c in proposal["cohorts"]] == [10, 10]
    assert len(proposal["unplaced"]) == 1
    assert "Somali" in proposal["unplaced"][0]["reason"]
    assert "8" in proposal["unplaced"][0]["reason"]
    first, second = proposal["cohorts"]

    # Move one, split, merge back; too large is refused.
    moved = await client.post(f"/api/v1/cohorts/{first['id']}/members", json={"registration_id": second["members"][0]})
    assert len(moved.json()["members"]) == 11
    halves = (await client.post(f"/api/v1/cohorts/{second['id']}/split")).json()
    assert [len(h["members"]) for h in halves] == [4, 5]
    merged = await client.post(f"/api/v1/cohorts/{second['id']}/merge", json={"other_cohort_id": halves[1]["id"]})
    assert len(merged.json()["members"]) == 9
    too_big = await client.post(
        f"/api/v1/cohorts/{first['id']}/merge",
        json={"other_cohort_id": second["id"]},
        headers={"Accept-Language": "nl"},
    )
    assert too_big.status_code == 422
    assert "20" in too_big.json()["errors"][0]["detail"]

    confirmed = await client.post(f"/api/v1/cohorts/{first['id']}/confirm")
    assert confirmed.json()["status"] == "confirmed"
    assert (
        await db.scalar(
            select(func.count())
            .select_from(Registration)
            .where(Registration.cohort_id == first["id"], Registration.status == "confirmed")
        )
        == 11
    )
    told = list(await db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "cohort_confirmed")))
    assert len(told) == 11
    assert {m.language for m in told} == {"nl"}
    # A confirmed group cannot be changed here any more.
    refused = await client.post(f"/api/v1/cohorts/{first['id']}/split")
    assert refused.status_code == 422
    actions = set(
        await db.scalars(select(RegistrationEvent.action).where(RegistrationEvent.actor_staff_id == coordinator.id))
    )
    assert {"cohorts_proposed", "member_moved", "cohort_split", "cohorts_merged", "cohort_confirmed"} <= actions


async def test_confirming_a_too_small_group_is_refused(client, db):
    org, pid = await published_programme(db, "centering-pregnancy", "centering-test")
    for n in range(9):
        await sign_up_pregnant(client, n, START + timedelta(days=n))
    await sign_in(client, await make_staff(db, org, "coordinator"))
    proposal = (await client.post(f"/api/v1/programmes/{pid}/cohort-proposals")).json()
    group = proposal["cohorts"][0]["id"]
    halves = (await client.post(f"/api/v1/cohorts/{group}/split")).json()
    refused = await client.post(f"/api/v1/cohorts/{halves[0]['id']}/confirm", headers={"Accept-Language": "en"})
    assert refused.status_code == 422
    assert "at least 8" in refused.json()["errors"][0]["detail"]


async def test_other_organisations_cannot_touch_cohorts(client, db):
    org, pid = await published_programme(db, "centering-pregnancy", "centering-test")
    for n in range(8):
        await sign_up_pregnant(client, n, START + timedelta(days=n))
    await sign_in(client, await make_staff(db, org, "coordinator"))
    group = (await client.post(f"/api/v1/programmes/{pid}/cohort-proposals")).json()["cohorts"][0]["id"]
    await client.post("/api/v1/auth/sign-out")
    other = await make_organisation(db, "Ander")
    await sign_in(client, await make_staff(db, other, "coordinator"))
    assert (await client.get(f"/api/v1/programmes/{pid}/registrations")).status_code == 404
    assert (await client.post(f"/api/v1/cohorts/{group}/confirm")).status_code == 404
    assert (await client.post(f"/api/v1/programmes/{pid}/cohort-proposals")).status_code == 404


CSV_GOOD = (
    "klas;schooljaar;naam mentor;e-mail mentor;aantal leerlingen\n"
    "1A;2026-2027;Lotte Bakker;lotte@school.example;28\n"
    "1B;2026-2027;Rik Meijer;rik@school.example;27\n"
)


async def test_school_classes_become_cohorts_and_a_bad_file_imports_nothing(client, db):
    org, pid = await published_programme(db, "think-op-school", "think-test", languages=("nl",))
    await sign_in(client, await make_staff(db, org, "coordinator"))
    bad = CSV_GOOD + "1C;2026;Nadia;not-an-email;abc\n"
    refused = await client.post(
        f"/api/v1/programmes/{pid}/school-classes",
        content=bad.encode(),
        headers={"Content-Type": "text/csv", "Accept-Language": "nl"},
    )
    assert refused.status_code == 422
    fields = {e["field"] for e in refused.json()["errors"]}
    assert {"lines[4].school_year", "lines[4].mentor_email", "lines[4].pupils"} <= fields
    assert await db.scalar(select(func.count()).select_from(SchoolClass)) == 0
    assert await db.scalar(select(func.count()).select_from(Cohort)) == 0

    imported = await client.post(
        f"/api/v1/programmes/{pid}/school-classes",
        content=CSV_GOOD.encode("utf-8-sig"),
        headers={"Content-Type": "text/csv"},
    )
    assert imported.json() == {
        "classes": 2,
        "new_classes": 2,
        "new_mentors": 2,
        "new_cohorts": 2,
        "invited_mentors": 0,
    }
    again = await client.post(
        f"/api/v1/programmes/{pid}/school-classes", content=CSV_GOOD.encode(), headers={"Content-Type": "text/csv"}
    )
    assert again.json()["new_cohorts"] == 0
    cohorts = (await client.get(f"/api/v1/programmes/{pid}/cohorts")).json()
    assert sorted(c["name"] for c in cohorts) == ["1A 2026-2027", "1B 2026-2027"]


async def test_coordinator_pages(client, db):
    org, pid = await published_programme(db, "centering-pregnancy", "centering-test", languages=("nl", "so"))
    for n in range(10):
        await sign_up_pregnant(client, n, START + timedelta(days=n))
    await sign_up_pregnant(client, 50, START, language="so")
    await sign_in(client, await make_staff(db, org, "coordinator"))
    page = await client.get(f"/nl/staff/programmes/{pid}/registrations")
    assert page.status_code == 200
    assert "Ouder 3" in page.text
    proposed = await client.post(f"/nl/staff/programmes/{pid}/cohort-proposals")
    assert proposed.status_code == 303
    page = await client.get(proposed.headers["location"])
    assert "Somalisch" in page.text  # the reason, in Dutch
    group = (await client.get(f"/api/v1/programmes/{pid}/cohorts")).json()[0]["id"]
    confirmed = await client.post(f"/nl/staff/programmes/{pid}/cohorts/{group}", data={"action": "confirm"})
    assert confirmed.status_code == 303


async def test_school_class_upload_page(client, db):
    org, pid = await published_programme(db, "think-op-school", "think-test", languages=("nl",))
    await sign_in(client, await make_staff(db, org, "coordinator"))
    bad = await client.post(
        f"/nl/staff/programmes/{pid}/school-classes",
        files={"file": ("klassen.csv", b"klas,schooljaar\n1A,2026-2027\n", "text/csv")},
    )
    assert bad.status_code == 400
    assert "error-summary" in bad.text
    good = await client.post(
        f"/nl/staff/programmes/{pid}/school-classes", files={"file": ("klassen.csv", CSV_GOOD.encode(), "text/csv")}
    )
    assert good.status_code == 303
    page = await client.get(good.headers["location"])
    assert "1A 2026-2027" in page.text
