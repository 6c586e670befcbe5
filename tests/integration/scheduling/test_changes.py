"""When reality changes: too few volunteers, a room that is gone, someone outside their
hours, reassigning; and a school's guest-teacher year planned by the solver."""

from __future__ import annotations

from sqlalchemy import select

from groepsaanbod.cohorts.models import Cohort, SchoolClass
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.programmes.models import ProgrammeTemplate
from groepsaanbod.scheduling.models import Session
from tests.factories import make_organisation, make_staff, sign_in
from tests.integration.registration.helpers import published_programme


async def drop_in_with_volunteers(client, db, volunteers: int = 3):
    org, pid = await published_programme(db, "kids-en-koffie", "kids-test", city="Sliedrecht")
    coordinator = await make_staff(db, org, "coordinator")
    people = [await make_staff(db, org, "volunteer") for _ in range(volunteers)]
    template = await db.scalar(select(ProgrammeTemplate).where(ProgrammeTemplate.programme_id == pid))
    cohort = Cohort(
        programme_id=pid,
        template_id=template.id,
        name="Maandagochtend",
        language="nl",
        place="Sliedrecht",
        status="confirmed",
    )
    db.add(cohort)
    await db.commit()
    await sign_in(client, coordinator)
    venue = (await client.get("/api/v1/venues")).json()[0]["id"]
    planned = await client.post(
        f"/api/v1/cohorts/{cohort.id}/schedule",
        json={
            "weekday": 0,
            "start_time": "09:30",
            "start_date": "2027-03-22",
            "end_date": "2027-05-31",
            "venue_id": venue,
        },
    )
    assert planned.status_code == 200, planned.text
    for person in people:
        await client.post(
            f"/api/v1/cohorts/{cohort.id}/facilitators", json={"staff_id": person.id, "role": "volunteer"}
        )
    return org, pid, cohort, coordinator, people, venue


async def test_drop_in_skips_holidays_and_alerts_when_volunteers_fall_below_three(client, db):
    org, pid, cohort, coordinator, people, venue = await drop_in_with_volunteers(client, db)
    sessions = (await client.get(f"/api/v1/cohorts/{cohort.id}/sessions")).json()
    days = [s["local_start"][:10] for s in sessions]
    assert "2027-03-29" not in days
    assert "2027-05-17" not in days  # Easter Monday, Whit Monday
    assert all(not s["violations"] for s in sessions)
    first = sessions[0]["id"]
    volunteer = people[0]
    await client.post("/api/v1/auth/sign-out")
    await sign_in(client, volunteer)
    outcome = (await client.post(f"/api/v1/sessions/{first}/absence", json={"reason": "ziek"})).json()
    assert outcome["cancelled"] is False
    assert any(v["constraint"] == "min_role_count" for v in outcome["violations"])
    alert = await db.scalar(select(OutboxMessage).where(OutboxMessage.kind == "session_at_risk"))
    assert alert is not None
    assert alert.to_address == coordinator.email
    # The agenda shows the volunteer their meetings.
    agenda = (await client.get("/api/v1/me/agenda")).json()
    assert first in [s["id"] for s in agenda]
    # Someone not planned for a meeting cannot report for it.
    await client.post("/api/v1/auth/sign-out")
    stranger = await make_staff(db, org, "volunteer")
    await sign_in(client, stranger)
    assert (await client.post(f"/api/v1/sessions/{first}/absence", json={})).status_code == 422
    # For someone of another organisation the meeting does not exist (a 422 would say it does).
    await client.post("/api/v1/auth/sign-out")
    outsider = await make_staff(db, await make_organisation(db), "volunteer")
    await sign_in(client, outsider)
    assert (await client.post(f"/api/v1/sessions/{first}/absence", json={})).status_code == 404
    assert (await client.post(f"/api/v1/sessions/{999_999}/absence", json={})).status_code == 404


async def test_room_gone_and_hours_and_reassigning(client, db):
    org, pid, cohort, coordinator, people, venue = await drop_in_with_volunteers(client, db)
    sessions = (await client.get(f"/api/v1/cohorts/{cohort.id}/sessions")).json()
    closed = await client.post(
        f"/api/v1/venues/{venue}/closures",
        json={"starts_at": "2027-04-05T00:00:00", "ends_at": "2027-04-13T00:00:00", "reason": "verbouwing"},
    )
    assert closed.status_code == 200, closed.text
    affected = closed.json()
    assert [s["local_start"][:10] for s in affected] == ["2027-04-05", "2027-04-12"]
    assert all(any(v["constraint"] == "room_unavailable" for v in s["violations"]) for s in affected)
    # Opening hours: the farm opens at 10:00 on Mondays now.
    await client.post(
        f"/api/v1/venues/{venue}/opening-hours", json={"hours": [{"weekday": 0, "starts": "10:00", "ends": "16:00"}]}
    )
    conflicts = (await client.get(f"/api/v1/programmes/{pid}/conflicts")).json()
    assert any(any(v["constraint"] == "room_open" for v in s["violations"]) for s in conflicts)
    # A volunteer who only works Tuesdays counts as not there on Mondays.
    await client.post(
        "/api/v1/me/availability",
        json={"staff_id": people[1].id, "hours": [{"weekday": 1, "starts": "09:00", "ends": "12:00"}]},
    )
    after = (await client.get(f"/api/v1/cohorts/{cohort.id}/sessions")).json()
    assert any(v["constraint"] == "min_role_count" for v in after[0]["violations"])
    # Reassign: another volunteer in place of the one who cannot.
    extra = await make_staff(db, org, "volunteer")
    moved = await client.post(
        f"/api/v1/sessions/{sessions[0]['id']}/staff",
        json={"staff_id": extra.id, "role": "volunteer", "replace_staff_id": people[1].id},
    )
    assert moved.status_code == 200
    assert {s["staff_id"] for s in moved.json()["staff"]} == {people[0].id, people[2].id, extra.id}
    refused = await client.post(
        "/api/v1/me/availability",
        json={"hours": [{"weekday": 1, "starts": "12:00", "ends": "09:00"}]},
        headers={"Accept-Language": "en"},
    )
    assert refused.status_code == 422


CSV = "klas;schooljaar;naam mentor;e-mail mentor;aantal leerlingen\n" + "".join(
    f"1{c};2026-2027;Mentor {c};mentor{c}@school.example;28\n" for c in "ABC"
)


async def test_guest_teacher_year_plan(client, db):
    org, pid = await published_programme(db, "think-op-school", "think-test", languages=("nl",), city="Zwolle")
    await sign_in(client, await make_staff(db, org, "coordinator"))
    guests = [await make_staff(db, org, "guest_teacher") for _ in range(3)]
    await client.post(
        f"/api/v1/programmes/{pid}/school-classes", content=CSV.encode(), headers={"Content-Type": "text/csv"}
    )
    cohorts = list(await db.scalars(select(Cohort).where(Cohort.programme_id == pid).order_by(Cohort.name)))
    for weekday, cohort in enumerate(cohorts):
        r = await client.post(
            f"/api/v1/cohorts/{cohort.id}/schedule",
            json={"weekday": weekday, "start_time": "11:00", "start_date": "2026-09-21"},
        )
        assert r.status_code == 200
    topics = sorted({s.topic["nl"] for s in await db.scalars(select(Session).where(Session.programme_id == pid))})
    pool = [
        {"staff_id": g.id, "topics": topics, "weekdays": [0, 1, 2, 3, 4], "max_lessons_per_week": 2} for g in guests
    ]
    planned = await client.post(f"/api/v1/programmes/{pid}/guest-teacher-plan", json={"teachers": pool})
    assert planned.status_code == 200, planned.text
    body = planned.json()
    assert body["lessons"] == 30
    assert body["assigned"] == 30
    assert body["hard_violations"] == 0
    assert body["max_load"] - body["min_load"] <= 1
    # Too few teachers for a topic: the answer says which topic in which week.
    lonely = [{"staff_id": guests[0].id, "topics": topics[:1], "weekdays": [0], "max_lessons_per_week": 1}]
    refused = (
        await client.post(
            f"/api/v1/programmes/{pid}/guest-teacher-plan", json={"teachers": lonely}, headers={"Accept-Language": "en"}
        )
    ).json()
    assert refused["assigned"] == 0
    assert refused["status"] == "infeasible"
    assert refused["problems"]
    # A mentor is not a guest teacher.
    mentor = (await db.scalars(select(SchoolClass.mentor_id))).first()
    wrong = await client.post(
        f"/api/v1/programmes/{pid}/guest-teacher-plan",
        json={"teachers": [{"staff_id": mentor, "topics": topics, "weekdays": [0]}]},
    )
    assert wrong.status_code == 422


async def test_conflicts_page(client, db):
    org, pid, cohort, coordinator, people, venue = await drop_in_with_volunteers(client, db, volunteers=2)
    page = await client.get(f"/nl/staff/programmes/{pid}/conflicts")
    assert page.status_code == 200
    assert "Maandagochtend" in page.text


async def test_hours_opening_and_closure_pages(client, db):
    org, pid, cohort, coordinator, people, venue = await drop_in_with_volunteers(client, db)
    page = await client.get(f"/nl/staff/venues/{venue}")
    assert page.status_code == 200
    assert 'name="opening-0-from"' in page.text
    saved = await client.post(
        f"/nl/staff/venues/{venue}/opening-hours", data={"opening-0-from": "09:00", "opening-0-to": "12:00"}
    )
    assert saved.headers["location"].endswith("done=saved")
    assert 'value="09:00"' in (await client.get(f"/nl/staff/venues/{venue}")).text
    bad = await client.post(f"/nl/staff/venues/{venue}/opening-hours", data={"opening-0-from": "9 uur"})
    assert bad.headers["location"].endswith("done=refused")
    closed = await client.post(
        f"/nl/staff/venues/{venue}/closures",
        data={"closed_from": "2027-04-05T00:00", "closed_until": "2027-04-06T00:00", "reason": "lekkage"},
    )
    assert closed.status_code == 303
    assert "affected=1" in closed.headers["location"]
    week = await client.get(closed.headers["location"])
    assert week.status_code == 200
    # A volunteer sets their hours on their agenda page.
    await client.post("/api/v1/auth/sign-out")
    await sign_in(client, people[0])
    hours = await client.post("/nl/staff/agenda/hours", data={"hours-0-from": "09:00", "hours-0-to": "12:00"})
    assert hours.headers["location"].endswith("done=hours")
    assert 'value="09:00"' in (await client.get("/nl/staff/agenda")).text


async def test_assign_on_the_schedule_page(client, db):
    org, pid, cohort, coordinator, people, venue = await drop_in_with_volunteers(client, db)
    extra = await make_staff(db, org, "volunteer")
    first = (await client.get(f"/api/v1/cohorts/{cohort.id}/sessions")).json()[0]["id"]
    assigned = await client.post(
        f"/nl/staff/cohorts/{cohort.id}/sessions/{first}",
        data={"action": "assign", "staff_role": f"{extra.id}:volunteer", "replace": str(people[0].id)},
    )
    assert assigned.status_code == 303
    staff = (await client.get(f"/api/v1/cohorts/{cohort.id}/sessions")).json()[0]["staff"]
    assert {s["staff_id"] for s in staff} == {extra.id, people[1].id, people[2].id}


async def test_school_hours_rule(client, db):
    from sqlalchemy import select as select_

    from groepsaanbod.programmes.models import Constraint
    from groepsaanbod.programmes.templates import check_template

    assert check_template({"constraints": [{"kind": "no_school_hours", "from": "15:30", "to": "08:30"}]}).problems
    org, pid, cohort, coordinator, people, venue = await drop_in_with_volunteers(client, db)
    template = await db.scalar(select_(ProgrammeTemplate).where(ProgrammeTemplate.programme_id == pid))
    db.add(
        Constraint(template_id=template.id, kind="no_school_hours", params={"from": "08:30", "to": "15:30"}, hard=False)
    )
    await db.commit()
    sessions = (await client.get(f"/api/v1/cohorts/{cohort.id}/sessions")).json()
    assert any(v["constraint"] == "no_school_hours" and not v["hard"] for v in sessions[0]["violations"])


async def test_closing_a_room_twice_tells_the_coordinators_once_and_does_not_fail(client, db):
    """Found by the actor walk: the second closure over the same meetings queued the same
    alert again, and the duplicate message key ended the request in a server error."""
    org, pid, cohort, coordinator, people, venue = await drop_in_with_volunteers(client, db)
    period = {"starts_at": "2027-04-05T00:00:00", "ends_at": "2027-04-06T00:00:00", "reason": "verbouwing"}
    for _ in range(2):
        closed = await client.post(f"/api/v1/venues/{venue}/closures", json=period)
        assert closed.status_code == 200, closed.text
        assert [s["local_start"][:10] for s in closed.json()] == ["2027-04-05"]
    alerts = list(await db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "session_at_risk")))
    assert [a.to_address for a in alerts] == [coordinator.email]
