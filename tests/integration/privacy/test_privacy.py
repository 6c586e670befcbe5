"""AVG: a participant downloads and erases their data; nothing of them stays in any
table while attendance totals stay the same; automatic erasure after the retention
time; private links expire and can be sent again; reading personal data is audited."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from groepsaanbod.attendance.models import Attendance
from groepsaanbod.audit.models import AuditEvent
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.db import Base
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.privacy.services.rights import erase_expired_participants
from groepsaanbod.programmes.models import ProgrammeTemplate
from groepsaanbod.registration.models import Participant, Registration, RegistrationLink
from groepsaanbod.scheduling.models import Session
from tests.conftest import NOW
from tests.factories import make_organisation, make_staff, sign_in
from tests.integration.registration.helpers import person, published_programme, sign_up

NAME, EMAIL, PHONE, DUE = "Wilhelmina Zeldzaamnaam", "w.zeldzaam@example.org", "0687654321", date(2027, 5, 19)
TRACES = ("Zeldzaamnaam", "Wilhelmina", "w.zeldzaam", "687654321", "2027-05-19", "19-05-2027", "20270519")


async def signed_up(client, db, n: int, **extra) -> dict:
    return await sign_up(client, db, "centering-avg", person(n, **extra))


async def group_with_meetings(db, pid: int, starts: list[datetime]) -> tuple[Cohort, list[Session]]:
    template = await db.scalar(select(ProgrammeTemplate).where(ProgrammeTemplate.programme_id == pid))
    cohort = Cohort(programme_id=pid, template_id=template.id, name="Groep mei", language="nl", status="confirmed")
    db.add(cohort)
    await db.flush()
    sessions = [
        Session(
            programme_id=pid,
            cohort_id=cohort.id,
            local_start=start.replace(tzinfo=None),
            starts_at=start,
            duration_minutes=120,
        )
        for start in starts
    ]
    db.add_all(sessions)
    await db.flush()
    return cohort, sessions


async def attendance_totals(db) -> list[tuple]:
    rows = await db.execute(
        select(Attendance.session_id, Attendance.status, func.count()).group_by(
            Attendance.session_id, Attendance.status
        )
    )
    return sorted(rows.all())


async def everything_in_the_database(db) -> str:
    db.expunge_all()
    parts = []
    for table in Base.metadata.sorted_tables:
        for row in (await db.execute(select(table))).all():
            parts.append(" ".join(json.dumps(v, default=str) if isinstance(v, dict | list) else str(v) for v in row))
    return "\n".join(parts).lower()


async def test_erasing_leaves_no_trace_and_keeps_attendance_totals(client, db):
    org, pid = await published_programme(db, "centering-pregnancy", "centering-avg", city="Eindhoven")
    mine = await signed_up(client, db, 1, full_name=NAME, email=EMAIL, phone=PHONE, due_date=DUE.isoformat())
    other = await signed_up(client, db, 2, due_date="2027-06-02")
    regs = {r.participant_id: r for r in await db.scalars(select(Registration).where(Registration.programme_id == pid))}
    cohort, sessions = await group_with_meetings(db, pid, [NOW + timedelta(days=d) for d in (7, 21)])
    for participant_id, registration in regs.items():
        registration.cohort_id, registration.status = cohort.id, "confirmed"
        for s in sessions:
            db.add(
                Attendance(
                    session_id=s.id,
                    participant_id=participant_id,
                    status="present",
                    note="Kwam met de zus van Zeldzaamnaam" if regs[participant_id].contact_email == EMAIL else None,
                    recorded_at=NOW,
                )
            )
    await db.commit()
    # Someone signs up again with her address: she gets a further link, which erasure ends too.
    further = await signed_up(client, db, 9, full_name="Iemand", email=EMAIL, due_date=DUE.isoformat())
    assert further["kind"] == "registration_already"
    assert further["registration_id"] == mine["registration_id"]
    before = await attendance_totals(db)
    everything = await everything_in_the_database(db)
    assert "zeldzaamnaam" in everything
    assert "2027-05-19" in everything  # the search finds them while they exist

    token = mine["token"]
    download = await client.get(f"/nl/my/{token}/data.json")
    assert download.status_code == 200
    assert "attachment" in download.headers["content-disposition"]
    data = download.json()
    assert data["person"]["name"] == NAME
    assert data["person"]["due_date"] == DUE.isoformat()
    assert data["registrations"][0]["consent"]["text_version"]
    assert data["registrations"][0]["consent"]["language"] == "nl"
    assert len(data["registrations"][0]["attendance"]) == 2

    assert (await client.get(f"/nl/my/{token}/erase")).status_code == 200
    erased = await client.post(f"/nl/my/{token}/erase")
    assert erased.status_code == 200
    everything = await everything_in_the_database(db)
    for trace in TRACES:
        assert trace.lower() not in everything, trace
    assert await attendance_totals(db) == before
    assert (await client.get(f"/nl/my/{token}")).status_code == 404
    assert (await client.get(f"/nl/my/{further['token']}")).status_code == 404
    assert await db.scalar(select(func.count()).select_from(RegistrationLink)) == 0
    assert (await client.get(f"/api/v1/my/{other['token']}")).status_code == 200  # the other person is untouched
    # The same through the API: data as JSON, then erased.
    assert (await client.get(f"/api/v1/my/{other['token']}/data")).json()["person"]["due_date"] == "2027-06-02"
    assert (await client.delete(f"/api/v1/my/{other['token']}")).status_code == 204
    assert (await client.get(f"/api/v1/my/{other['token']}/data")).status_code == 404
    assert await db.scalar(select(func.count()).select_from(Participant).where(Participant.erased_at.is_not(None))) == 2


async def test_automatic_erasure_after_the_retention_time(db):
    org, pid = await published_programme(db, "centering-pregnancy", "centering-avg", city="Eindhoven")
    old_group, _ = await group_with_meetings(db, pid, [NOW - timedelta(days=500), NOW - timedelta(days=380)])
    recent_group, _ = await group_with_meetings(db, pid, [NOW - timedelta(days=200)])
    people = []
    for n, cohort in enumerate([old_group, recent_group, None]):
        # The one still waiting is due in June 2027: her wait is not over (see test_withdrawal_rights).
        due = date(2025, 1, 1) if cohort else date(2027, 6, 1)
        p = Participant(full_name=f"Persoon {n}", email=f"p{n}@example.org", due_date=due)
        db.add(
            Registration(
                participant=p,
                programme_id=pid,
                status="confirmed" if cohort else "pending",
                cohort_id=cohort.id if cohort else None,
                contact_email=p.email,
                consented_at=NOW - timedelta(days=30),
            )
        )
        people.append(p)
    await db.commit()
    assert await erase_expired_participants(db, NOW, 12) == 1
    await db.refresh(people[0])
    assert people[0].erased_at == NOW
    assert people[0].email is None
    assert people[0].due_date is None
    for kept in people[1:]:
        await db.refresh(kept)
        assert kept.erased_at is None
        assert kept.email
    assert await erase_expired_participants(db, NOW + timedelta(days=200), 12) == 1  # the recent group's turn
    assert await erase_expired_participants(db, NOW, 12) == 0


async def test_private_link_expires_and_a_new_one_goes_to_the_registered_contact(client, db):
    await published_programme(db, "centering-pregnancy", "centering-avg", city="Eindhoven")
    mine = await signed_up(client, db, 3, email="m.link@example.org", due_date="2027-06-02")
    further = await signed_up(client, db, 3, email="m.link@example.org", due_date="2027-06-02")
    assert further["kind"] == "registration_already"
    registration = await db.scalar(select(Registration).where(Registration.contact_email == "m.link@example.org"))
    assert registration.access_expires_at == NOW + timedelta(days=365)
    registration.access_expires_at = NOW - timedelta(minutes=1)
    await db.commit()
    assert (await client.get(f"/nl/my/{mine['token']}")).status_code == 404
    unknown = await client.post("/so/new-link", data={"contact": "iemand@example.org"})
    asked = await client.post("/so/new-link", data={"contact": " M.Link@example.org "})
    assert asked.status_code == unknown.status_code == 200
    assert asked.text == unknown.text
    messages = list(await db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "private_link")))
    assert len(messages) == 1
    assert messages[0].to_address == "m.link@example.org"
    new_token = messages[0].body_text.split("/my/")[1].split()[0]
    assert (await client.get(f"/nl/my/{new_token}")).status_code == 200
    assert (await client.get(f"/nl/my/{mine['token']}")).status_code == 404
    assert (await client.get(f"/nl/my/{further['token']}")).status_code == 404  # every earlier link stops


async def test_link_requests_and_registrations_are_limited(client, db):
    for _ in range(5):
        assert (await client.post("/nl/new-link", data={"contact": "x@example.org"})).status_code == 200
    blocked = await client.post("/en/new-link", data={"contact": "x@example.org"})
    assert blocked.status_code == 429
    assert "Wait" in blocked.text


async def test_reading_personal_data_is_audited_and_admins_read_the_record(client, db):
    org, pid = await published_programme(db, "centering-pregnancy", "centering-avg", city="Eindhoven")
    await signed_up(client, db, 4, due_date="2027-06-02")
    coordinator = await make_staff(db, org, "coordinator")
    coordinator_name = coordinator.full_name
    await sign_in(client, coordinator)
    assert (await client.get(f"/nl/staff/programmes/{pid}/registrations")).status_code == 200
    assert (await client.get(f"/api/v1/programmes/{pid}/registrations")).status_code == 200
    events = list(await db.scalars(select(AuditEvent).where(AuditEvent.action == "read")))
    assert len(events) == 2
    assert {e.subject for e in events} == {"registrations_page", "api_registrations"}
    assert all("due_date" in e.fields and e.organisation_id == org.id for e in events)
    assert (await client.get("/nl/staff/audit")).status_code == 403  # coordinators do not read it
    admin = await make_staff(db, org, "admin")
    await sign_in(client, admin)
    page = await client.get("/nl/staff/audit")
    assert page.status_code == 200
    assert coordinator_name in page.text
    outsider = await make_staff(db, await make_organisation(db, "Elders"), "admin")
    await sign_in(client, outsider)
    assert coordinator_name not in (await client.get("/nl/staff/audit")).text


def test_no_route_edits_the_audit_record(app):
    for route in app.routes:
        if "audit" in route.path:
            for handler in route.route_handlers:
                assert set(handler.http_methods) <= {"GET", "HEAD", "OPTIONS"}, route.path
