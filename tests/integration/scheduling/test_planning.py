"""Planning a cohort's meetings, the rules they must keep, and what happens when a
facilitator cannot come."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from groepsaanbod.cohorts.models import Cohort, SchoolClass
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.scheduling.models import Session
from tests.factories import make_staff, sign_in
from tests.integration.registration.helpers import person, published_programme

CSV = "klas;schooljaar;naam mentor;e-mail mentor;aantal leerlingen\n1A;2026-2027;Lotte Bakker;lotte@school.example;28\n"


async def think_class(client, db):
    org, pid = await published_programme(db, "think-op-school", "think-test", languages=("nl",), city="Zwolle")
    coordinator = await make_staff(db, org, "coordinator")
    guest = await make_staff(db, org, "guest_teacher")
    await sign_in(client, coordinator)
    assert (
        await client.post(
            f"/api/v1/programmes/{pid}/school-classes", content=CSV.encode(), headers={"Content-Type": "text/csv"}
        )
    ).status_code == 200
    cohort = await db.scalar(select(Cohort).where(Cohort.programme_id == pid))
    return org, pid, cohort, coordinator, guest


async def test_think_class_has_no_lesson_in_its_regions_holidays(client, db):
    org, pid, cohort, coordinator, guest = await think_class(client, db)
    school_class = await db.get(SchoolClass, cohort.school_class_id)
    assert school_class.region == "noord"
    response = await client.post(
        f"/api/v1/cohorts/{cohort.id}/schedule", json={"weekday": 3, "start_time": "10:00", "start_date": "2026-09-24"}
    )
    assert response.status_code == 200, response.text
    sessions = response.json()["sessions"]
    assert len(sessions) == 10
    days = [date.fromisoformat(s["local_start"][:10]) for s in sessions]
    autumn_noord = {date(2026, 10, 10) + (date(2026, 10, 11) - date(2026, 10, 10)) * i for i in range(9)}
    assert not set(days) & autumn_noord
    assert all(d.weekday() == 3 for d in days)
    assert days == sorted(days)
    assert all(s["local_start"][11:16] == "10:00" for s in sessions)
    # Summer time ends on 25 October: the local hour stays, the UTC hour moves.
    assert sessions[0]["starts_at"].startswith("2026-09-24T08:00")
    assert sessions[-1]["starts_at"][11:13] == "09"


async def test_mentor_absent_cancels_the_lesson_and_tells_guest_teacher_and_mentor(client, db):
    org, pid, cohort, coordinator, guest = await think_class(client, db)
    school_class = await db.get(SchoolClass, cohort.school_class_id)
    await client.post(
        f"/api/v1/cohorts/{cohort.id}/schedule", json={"weekday": 3, "start_time": "10:00", "start_date": "2026-12-03"}
    )
    # Mentor and guest teacher lead every lesson.
    for staff_id, role in ((school_class.mentor_id, "mentor"), (guest.id, "guest_teacher")):
        r = await client.post(f"/api/v1/cohorts/{cohort.id}/facilitators", json={"staff_id": staff_id, "role": role})
        assert r.status_code == 200, r.text
    first = (await client.get(f"/api/v1/cohorts/{cohort.id}/sessions")).json()[0]
    assert first["violations"] == [] or all(not v["hard"] for v in first["violations"])

    # The mentor reports an absence (as a coordinator may on their behalf).
    reported = await client.post(
        f"/api/v1/sessions/{first['id']}/absence",
        json={"staff_id": school_class.mentor_id, "reason": "ziek"},
        headers={"Accept-Language": "nl"},
    )
    assert reported.status_code == 200, reported.text
    body = reported.json()
    assert body["cancelled"] is True
    assert body["told"] == 2
    assert any(v["constraint"] == "role_present" and v["hard"] for v in body["violations"])
    lesson = await db.get(Session, first["id"])
    await db.refresh(lesson)
    assert lesson.status == "cancelled"
    assert lesson.sequence >= 1
    told = list(await db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "session_cancelled")))
    assert {m.to_address for m in told} == {"lotte@school.example", guest.email}
    # A new time that breaks no hard rule is proposed.
    proposals = (await client.get(f"/api/v1/sessions/{first['id']}/proposals")).json()
    assert proposals
    assert all(p["local_start"][11:16] == "10:00" for p in proposals)


#: Early in these pregnancies, so that no meeting of the group is in the past yet.
SEPTEMBER = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("clock", [lambda: SEPTEMBER])
async def test_pregnancy_group_is_planned_around_its_due_dates(client, db):
    org, pid = await published_programme(db, "centering-pregnancy", "centering-test")
    for n in range(10):
        signed = await client.post(
            "/api/v1/catalogue/centering-test/registrations", json=person(n, due_date=f"2027-03-{24 + n % 8:02d}")
        )
        assert signed.status_code == 202, signed.text
    await sign_in(client, await make_staff(db, org, "coordinator"), SEPTEMBER)
    proposal = (await client.post(f"/api/v1/programmes/{pid}/cohort-proposals")).json()
    cohort_id = proposal["cohorts"][0]["id"]
    await client.post(f"/api/v1/cohorts/{cohort_id}/confirm")
    planned = await client.post(
        f"/api/v1/cohorts/{cohort_id}/schedule", json={"weekday": 4, "start_time": "19:00", "due_date": "2027-03-31"}
    )
    assert planned.status_code == 200, planned.text
    sessions = planned.json()["sessions"]
    group = [s for s in sessions if s["duration_minutes"] == 120][:9]
    assert [s["local_start"][:10] for s in group] == [
        "2026-10-02",
        "2026-10-30",
        "2026-11-27",
        "2026-12-24",
        "2027-01-08",
        "2027-01-22",
        "2027-02-05",
        "2027-02-19",
        "2027-03-05",
    ]
    assert all(s["local_start"][11:16] == "19:00" for s in group)
    assert group[3]["moved_from"] == "2026-12-25"  # Christmas Day
    assert group[0]["starts_at"][11:13] == "17"
    assert group[1]["starts_at"][11:13] == "18"


async def test_nobody_else_sees_or_changes_a_schedule(client, db):
    org, pid, cohort, coordinator, guest = await think_class(client, db)
    await client.post("/api/v1/auth/sign-out")
    from tests.factories import make_organisation

    other = await make_organisation(db, "Ander")
    await sign_in(client, await make_staff(db, other, "coordinator"))
    assert (
        await client.post(
            f"/api/v1/cohorts/{cohort.id}/schedule",
            json={"weekday": 1, "start_time": "10:00", "start_date": "2026-09-01"},
        )
    ).status_code == 404
    assert (await client.get(f"/api/v1/cohorts/{cohort.id}/sessions")).status_code == 404


async def test_schedule_pages(client, db):
    org, pid, cohort, coordinator, guest = await think_class(client, db)
    page = await client.get(f"/nl/staff/cohorts/{cohort.id}/schedule")
    assert page.status_code == 200
    refused = await client.post(f"/nl/staff/cohorts/{cohort.id}/schedule", data={"weekday": "3", "start_time": "x"})
    assert refused.status_code == 400
    assert 'href="#start_time"' in refused.text
    planned = await client.post(
        f"/nl/staff/cohorts/{cohort.id}/schedule",
        data={"weekday": "3", "start_time": "10:00", "start_date": "2026-09-24"},
    )
    assert planned.status_code == 303
    assert await db.scalar(select(func.count()).select_from(Session).where(Session.cohort_id == cohort.id)) == 10
    page = await client.get(planned.headers["location"])
    assert "10:00" in page.text
    agenda = await client.get("/nl/staff/agenda")
    assert agenda.status_code == 200
