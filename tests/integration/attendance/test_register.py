"""Taking the register over the API and the pages: who may, when, what is kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.attendance import rules
from groepsaanbod.attendance.models import Attendance, AttendanceSignal
from groepsaanbod.audit.models import AuditEvent
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.history.models import RegistrationEvent
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.programmes.models import ProgrammeTemplate
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.scheduling.models import Session, SessionStaff
from tests.conftest import NOW
from tests.factories import make_staff, sign_in
from tests.integration.registration.helpers import published_programme


async def group_with_members(db, slug: str, members: int = 3, template_key: str = "triple-p-group", starts=None):
    org, programme_id = await published_programme(db, template_key, slug, city="Eindhoven")
    template_id = await db.scalar(select(ProgrammeTemplate.id).where(ProgrammeTemplate.programme_id == programme_id))
    cohort = Cohort(programme_id=programme_id, template_id=template_id, name="Groep B", language="nl", status="running")
    db.add(cohort)
    await db.flush()
    people = []
    for n in range(members):
        person = Participant(full_name=f"Lid {n:02d}", email=f"lid{n}-{slug}@example.org", language="nl")
        db.add(person)
        await db.flush()
        db.add(
            Registration(
                participant_id=person.id,
                programme_id=programme_id,
                cohort_id=cohort.id,
                status="confirmed",
                contact_email=person.email,
                confirmed_at=NOW - timedelta(days=60),
            )
        )
        people.append(person.id)
    sessions = []
    for week in range(4):
        at = (starts or NOW - timedelta(days=3)) - timedelta(weeks=3 - week)
        s = Session(
            programme_id=programme_id,
            cohort_id=cohort.id,
            local_start=at.replace(tzinfo=None),
            starts_at=at,
            duration_minutes=120,
            topic={},
            number=week + 1,
        )
        db.add(s)
        await db.flush()
        sessions.append(s.id)
    await db.commit()
    return org, programme_id, cohort, people, sessions


async def test_staff_take_the_register_within_a_week_and_coordinators_later(db, client):
    org, _, _, people, sessions = await group_with_members(db, "tp-window")
    await sign_in(client, await make_staff(db, org, "cjg_staff"))
    marks = {"marks": [{"participant_id": p, "present": i != 1, "reason": "ill"} for i, p in enumerate(people)]}
    ok = await client.post(f"/api/v1/sessions/{sessions[3]}/register", json=marks)
    assert ok.status_code == 200, ok.text
    assert [line["status"] for line in ok.json()["lines"]] == ["present", "absent", "present"]
    assert ok.json()["lines"][1]["reason"] == "ill"
    assert (await db.get(Session, sessions[3])).status == "held"

    too_late = await client.post(f"/api/v1/sessions/{sessions[0]}/register?lang=nl", json=marks)
    assert too_late.status_code == 422
    assert too_late.json()["errors"][0]["field"] == "session"
    assert too_late.json()["errors"][0]["detail"] == gettext("nl", rules.ONLY_COORDINATOR_LATER)

    client.cookies.clear()
    coordinator = await make_staff(db, org, "coordinator")
    await sign_in(client, coordinator)
    assert (await client.post(f"/api/v1/sessions/{sessions[0]}/register", json=marks)).status_code == 200
    changed = {"marks": [{"participant_id": people[1], "present": True}]}
    assert (await client.post(f"/api/v1/sessions/{sessions[3]}/register", json=changed)).status_code == 200
    event = await db.scalar(
        select(RegistrationEvent).where(RegistrationEvent.action == "register_changed").order_by(RegistrationEvent.id)
    )
    assert event.actor_staff_id == coordinator.id
    assert event.details["changed"] == [people[1]]
    assert event.details["before"] == {str(people[1]): ["absent", "ill"]}
    # The audit record an admin reads: who changed whose attendance, when; field names only.
    audit = list(await db.scalars(select(AuditEvent).where(AuditEvent.action == "attendance").order_by(AuditEvent.id)))
    assert [e.participant_id for e in audit] == [*people, *people, people[1]]
    assert audit[-1].actor_staff_id == coordinator.id
    assert audit[-1].organisation_id == org.id
    assert audit[-1].fields == ["status", "absence_reason", "note"]


async def test_unknown_reason_and_strangers_are_refused_per_field(db, client):
    org, _, _, people, sessions = await group_with_members(db, "tp-refusals")
    await sign_in(client, await make_staff(db, org, "trainer"))
    body = {"marks": [{"participant_id": people[0], "present": False, "reason": "holiday"}]}
    refused = await client.post(f"/api/v1/sessions/{sessions[3]}/register?lang=en", json=body)
    assert refused.status_code == 422
    assert [(e["in"], e["location"], e["detail"]) for e in refused.json()["errors"]] == [
        ("body", "#/marks/0/reason", "Choose one of the reasons on the list.")
    ]
    other_org, *_ = await group_with_members(db, "tp-other")
    client.cookies.clear()
    await sign_in(client, await make_staff(db, other_org, "cjg_staff"))
    assert (await client.get(f"/api/v1/sessions/{sessions[3]}/register")).status_code == 404


async def test_two_missed_meetings_raise_a_signal_until_handled(db, client):
    org, _, cohort, people, sessions = await group_with_members(db, "tp-signals")
    await sign_in(client, await make_staff(db, org, "coordinator"))
    for s in sessions[:3]:
        marks = [{"participant_id": p, "present": not (p == people[0] and s != sessions[0])} for p in people]
        assert (await client.post(f"/api/v1/sessions/{s}/register", json={"marks": marks})).status_code == 200
    found = (await client.get("/api/v1/signals?lang=en")).json()
    kinds = sorted(s["kind"] for s in found)
    assert kinds == ["below_threshold", "missed_in_a_row"]
    assert all(s["participant_id"] == people[0] for s in found)
    assert found[0]["suggested_action"]
    page = await client.get("/nl/staff/signals")
    assert page.status_code == 200
    assert "Lid 00" in page.text
    for signal in found:
        assert (
            await client.post(f"/api/v1/signals/{signal['id']}/handled", json={"note": "gebeld"})
        ).status_code == 200
    assert (await client.get("/api/v1/signals")).json() == []
    handled = await db.scalar(select(AttendanceSignal).where(AttendanceSignal.cohort_id == cohort.id))
    assert handled.handled_note == "gebeld"
    assert handled.handled_at is not None


async def test_register_page_one_tap_per_person(db, client):
    org, _, _, people, sessions = await group_with_members(db, "tp-page", members=4)
    await sign_in(client, await make_staff(db, org, "cjg_staff"))
    listing = await client.get("/nl/staff/registers")
    assert listing.status_code == 200
    assert f"/nl/staff/sessions/{sessions[3]}/register" in listing.text
    page = await client.get(f"/ar/staff/sessions/{sessions[3]}/register")
    assert page.status_code == 200
    assert 'dir="rtl"' in page.text
    assert "Lid 03" in page.text
    form = {"present": [str(people[0]), str(people[2])], f"reason-{people[1]}": "gave_birth"}
    saved = await client.post(f"/nl/staff/sessions/{sessions[3]}/register", data=form)
    assert saved.status_code == 303
    assert saved.headers["location"].endswith("?done=saved")
    rows = {
        a.participant_id: (a.status, a.absence_reason)
        for a in await db.scalars(select(Attendance).where(Attendance.session_id == sessions[3]))
    }
    assert rows == {
        people[0]: ("present", None),
        people[1]: ("absent", "gave_birth"),
        people[2]: ("present", None),
        people[3]: ("absent", "no_reason"),
    }


async def test_drop_in_head_count_theme_speaker_and_volunteers(db, client):
    org, _, _, _, sessions = await group_with_members(db, "kk-count", members=0, template_key="kids-en-koffie")
    volunteer = await make_staff(db, org, "volunteer")
    db.add(SessionStaff(session_id=sessions[3], staff_id=volunteer.id, role="volunteer"))  # on the rota
    await db.commit()
    await sign_in(client, volunteer)
    page = await client.get(f"/nl/staff/sessions/{sessions[3]}/register")
    assert page.status_code == 200
    assert 'name="adults"' in page.text
    assert volunteer.full_name in page.text
    body = {
        "adults": 14,
        "children": 17,
        "theme": "Zindelijkheid",
        "speaker": "Logopedist",
        "volunteer_ids": [volunteer.id],
    }
    saved = await client.post(f"/api/v1/sessions/{sessions[3]}/head-count", json=body)
    assert saved.status_code == 200, saved.text
    out = saved.json()
    assert (out["adults"], out["children"], out["theme"], out["volunteer_ids"]) == (
        14,
        17,
        "Zindelijkheid",
        [volunteer.id],
    )
    wrong = await client.post(f"/api/v1/sessions/{sessions[3]}/head-count", json={**body, "adults": -1})
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "adults"


async def test_register_opens_half_an_hour_before(db, client):
    org, _, _, people, sessions = await group_with_members(
        db, "tp-early", starts=datetime(2026, 12, 1, 9, tzinfo=UTC) + timedelta(weeks=3)
    )
    await sign_in(client, await make_staff(db, org, "coordinator"))
    early = await client.post(
        f"/api/v1/sessions/{sessions[0]}/register", json={"marks": [{"participant_id": people[0], "present": True}]}
    )
    assert early.status_code == 422
    assert early.json()["errors"][0]["field"] == "session"


async def test_partners_are_counted_where_the_meeting_invites_them(db, client):
    from groepsaanbod.attendance.services import reports
    from groepsaanbod.programmes.models import SessionSpec

    org, programme_id, cohort, people, sessions = await group_with_members(db, "cp-partners", 2, "centering-pregnancy")
    spec = await db.scalar(
        select(SessionSpec).where(SessionSpec.template_id == cohort.template_id, SessionSpec.partners_invited.is_(True))
    )
    invited, plain = await db.get(Session, sessions[3]), await db.get(Session, sessions[2])
    invited.spec_id = spec.id
    await db.commit()
    coordinator = await make_staff(db, org, "coordinator")
    await sign_in(client, coordinator)
    page = await client.get(f"/nl/staff/sessions/{sessions[3]}/register")
    assert f'name="partners-{people[0]}"' in page.text
    body = {"marks": [{"participant_id": p, "present": True, "partners": 1} for p in people]}
    out = (await client.post(f"/api/v1/sessions/{invited.id}/register", json=body)).json()
    assert out["counts_partners"]
    assert [line["partners"] for line in out["lines"]] == [1, 1]
    out = (await client.post(f"/api/v1/sessions/{plain.id}/register", json=body)).json()
    assert not out["counts_partners"]
    assert [line["partners"] for line in out["lines"]] == [0, 0]
    viewer = Viewer(coordinator.id, "", "", {org.id: frozenset({"coordinator"})})
    report = await reports.build_provider_report(
        db, viewer, reports.ReportRequest(NOW.date() - timedelta(days=60), NOW.date(), org.id), NOW
    )
    assert report.figure("partners") == 2
    assert report.figure("sessions_held") == 2


async def test_reading_the_signals_is_written_to_the_audit_record(db, client):
    """The signals page shows how to reach people (phone, email); reading it, or the API's list, is
    recorded like the registrations page: who, which people, which fields, never the values."""
    org, _, _, people, sessions = await group_with_members(db, "tp-signals-audit")
    coordinator = await make_staff(db, org, "coordinator")
    await sign_in(client, coordinator)
    for s in sessions[:3]:
        marks = [{"participant_id": p, "present": not (p == people[0] and s != sessions[0])} for p in people]
        assert (await client.post(f"/api/v1/sessions/{s}/register", json={"marks": marks})).status_code == 200
    reads = select(AuditEvent).where(AuditEvent.action == "read").order_by(AuditEvent.id)
    assert list(await db.scalars(reads)) == []

    assert (await client.get("/nl/staff/signals")).status_code == 200
    assert (await client.get("/api/v1/signals")).status_code == 200
    events = list(await db.scalars(reads))
    assert [(e.subject, e.participant_id) for e in events] == [("signals_page", people[0]), ("api_signals", people[0])]
    assert all(e.actor_staff_id == coordinator.id and e.organisation_id == org.id for e in events)
    assert {"full_name", "email", "phone"} <= set(events[0].fields)
    assert "full_name" in events[1].fields
    person = await db.get(Participant, people[0])
    for event in events:  # field names only, never what they hold
        assert person.full_name not in str(event.fields)
        assert person.email not in str(event.fields)
