"""Least privilege at the register: volunteers and guest teachers see only the meetings they
are assigned to, and in them only first names: no contact details, no absence reasons or
notes, no dates. CJG staff see the drop-out signals of the organisations they work for.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from groepsaanbod.accounts.models import Role
from groepsaanbod.attendance.models import Attendance, AttendanceSignal
from groepsaanbod.cohorts.models import Cohort, CohortFacilitator
from groepsaanbod.history.models import RegistrationEvent
from groepsaanbod.programmes.models import ProgrammeTemplate
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.scheduling.models import Session, SessionStaff
from tests.conftest import NOW
from tests.factories import make_organisation, make_staff, sign_in
from tests.integration.registration.helpers import published_programme

#: (full name, e-mail, phone) of the group's members; two share a first name.
MEMBERS = (
    ("Fennegien Zwartkruis", "fennegien.zwartkruis@example.org", "0612345678"),
    ("Aaltje de Vries", "aaltje.devries@example.org", "0687654321"),
    ("Aaltje Bakker", "aaltje.bakker@example.org", None),
)
SECRET_NOTE = "Bevallen in het ziekenhuis"


async def group_meetings(db, slug: str, template_key: str = "triple-p-group"):
    """A running group of MEMBERS with two meetings of three days ago (the register is open);
    the first has a register taken by a coordinator, with a reason and a note."""
    org, programme_id = await published_programme(db, template_key, slug, city="Sliedrecht")
    template_id = await db.scalar(select(ProgrammeTemplate.id).where(ProgrammeTemplate.programme_id == programme_id))
    cohort = Cohort(programme_id=programme_id, template_id=template_id, name="Dinsdag", language="nl", status="running")
    db.add(cohort)
    await db.flush()
    people = []
    for name, email, phone in MEMBERS:
        person = Participant(full_name=name, email=email, phone=phone, language="nl")
        db.add(person)
        await db.flush()
        db.add(
            Registration(
                participant_id=person.id,
                programme_id=programme_id,
                cohort_id=cohort.id,
                status="confirmed",
                contact_email=email,
                contact_phone=phone,
                confirmed_at=NOW - timedelta(days=60),
            )
        )
        people.append(person.id)
    sessions = []
    for hours in (0, 3):
        at = NOW - timedelta(days=3, hours=hours)
        s = Session(
            programme_id=programme_id,
            cohort_id=cohort.id,
            local_start=at.replace(tzinfo=None),
            starts_at=at,
            duration_minutes=120,
            topic={},
            number=len(sessions) + 1,
        )
        db.add(s)
        await db.flush()
        sessions.append(s.id)
    db.add(
        Attendance(
            session_id=sessions[0],
            participant_id=people[0],
            status="absent",
            absence_reason="gave_birth",
            note=SECRET_NOTE,
            recorded_at=NOW,
        )
    )
    await db.commit()
    return org, programme_id, cohort, people, sessions


async def assign(db, session_id: int, staff, role: str) -> None:
    db.add(SessionStaff(session_id=session_id, staff_id=staff.id, role=role))
    await db.commit()


def shows_no_personal_details(text: str) -> bool:
    hidden = ("Zwartkruis", "Vries", "Bakker", "@example.org", "0612345678", SECRET_NOTE, "gave_birth", "gave birth")
    return not any(h.lower() in text.lower() for h in hidden)


async def test_a_volunteer_opens_only_the_registers_of_meetings_they_are_assigned_to(db, client):
    org, _, _, _, sessions = await group_meetings(db, "lp-assigned")
    volunteer = await make_staff(db, org, "volunteer")
    await assign(db, sessions[0], volunteer, "volunteer")
    await sign_in(client, volunteer)

    for url in (f"/api/v1/sessions/{sessions[1]}/register", f"/nl/staff/sessions/{sessions[1]}/register"):
        refused = await client.get(url)
        assert refused.status_code == 404, (url, refused.status_code)
        assert "Fennegien" not in refused.text
    body = {"marks": [{"participant_id": 1, "present": True}]}
    assert (await client.post(f"/api/v1/sessions/{sessions[1]}/register", json=body)).status_code == 404
    count = {"adults": 1, "children": 0}
    assert (await client.post(f"/api/v1/sessions/{sessions[1]}/head-count", json=count)).status_code == 404
    assert await db.scalar(select(Attendance.id).where(Attendance.session_id == sessions[1])) is None

    listing = await client.get("/nl/staff/registers")
    assert listing.status_code == 200
    assert f"/staff/sessions/{sessions[0]}/register" in listing.text
    assert f"/staff/sessions/{sessions[1]}/register" not in listing.text
    assert (await client.get(f"/api/v1/sessions/{sessions[0]}/register")).status_code == 200


async def test_a_volunteer_sees_first_names_only_and_no_reasons_notes_or_contact(db, client):
    org, _, _, people, sessions = await group_meetings(db, "lp-names")
    volunteer = await make_staff(db, org, "volunteer")
    await assign(db, sessions[0], volunteer, "volunteer")
    await sign_in(client, volunteer)

    api = await client.get(f"/api/v1/sessions/{sessions[0]}/register")
    assert api.status_code == 200, api.text
    out = api.json()
    assert out["view"] == "assigned"
    names = {line["participant_id"]: line["name"] for line in out["lines"]}
    assert names == {people[0]: "Fennegien", people[1]: "Aaltje V.", people[2]: "Aaltje B."}
    first = next(line for line in out["lines"] if line["participant_id"] == people[0])
    assert first["status"] == "absent"
    assert first["reason"] is None
    assert first["note"] == ""
    assert shows_no_personal_details(api.text)

    page = await client.get(f"/nl/staff/sessions/{sessions[0]}/register")
    assert page.status_code == 200
    assert "Fennegien" in page.text
    assert "Aaltje V." in page.text
    assert shows_no_personal_details(page.text)
    assert 'name="reason-' not in page.text
    assert 'name="note-' not in page.text


async def test_a_volunteer_ticks_presence_and_the_reasons_others_gave_are_kept(db, client):
    org, programme_id, _, people, sessions = await group_meetings(db, "lp-ticks")
    volunteer = await make_staff(db, org, "volunteer")
    await assign(db, sessions[0], volunteer, "volunteer")
    await sign_in(client, volunteer)

    with_reason = {"marks": [{"participant_id": people[1], "present": False, "reason": "ill"}]}
    refused = await client.post(f"/api/v1/sessions/{sessions[0]}/register?lang=en", json=with_reason)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["marks[0].reason"]
    with_note = {"marks": [{"participant_id": people[1], "present": False, "note": "Zwanger"}]}
    refused = await client.post(f"/api/v1/sessions/{sessions[0]}/register?lang=en", json=with_note)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["marks[0].note"]
    assert await db.scalar(select(Attendance).where(Attendance.participant_id == people[1])) is None

    marks = [
        {"participant_id": people[0], "present": False},
        {"participant_id": people[1], "present": True},
        {"participant_id": people[2], "present": False, "reason": "no_reason"},
    ]
    saved = await client.post(f"/api/v1/sessions/{sessions[0]}/register", json={"marks": marks})
    assert saved.status_code == 200, saved.text
    assert shows_no_personal_details(saved.text)
    rows = {
        a.participant_id: (a.status, a.absence_reason, a.note)
        for a in await db.scalars(
            select(Attendance).where(Attendance.session_id == sessions[0]).execution_options(populate_existing=True)
        )
    }
    assert rows == {
        people[0]: ("absent", "gave_birth", SECRET_NOTE),
        people[1]: ("present", None, None),
        people[2]: ("absent", "no_reason", None),
    }
    event = await db.scalar(
        select(RegistrationEvent).where(
            RegistrationEvent.programme_id == programme_id, RegistrationEvent.action == "register_taken"
        )
    )
    assert event.actor_staff_id == volunteer.id

    # The page's form: ticks only; nobody's reason is lost.
    form = {"present": [str(people[0])]}
    assert (await client.post(f"/nl/staff/sessions/{sessions[0]}/register", data=form)).status_code == 303
    rows = {
        a.participant_id: (a.status, a.absence_reason, a.note)
        for a in await db.scalars(
            select(Attendance).where(Attendance.session_id == sessions[0]).execution_options(populate_existing=True)
        )
    }
    assert rows == {
        people[0]: ("present", None, SECRET_NOTE),
        people[1]: ("absent", "no_reason", None),
        people[2]: ("absent", "no_reason", None),
    }


async def test_a_guest_teacher_sees_the_meetings_of_the_group_they_facilitate(db, client):
    org, _, cohort, people, sessions = await group_meetings(db, "lp-guest")
    guest = await make_staff(db, org, "guest_teacher")
    db.add(CohortFacilitator(cohort_id=cohort.id, staff_id=guest.id, role="guest_teacher"))
    await db.commit()
    other_org, _, _, _, other_sessions = await group_meetings(db, "lp-guest-other")
    await sign_in(client, guest)
    for s in sessions:
        out = await client.get(f"/api/v1/sessions/{s}/register")
        assert out.status_code == 200
        assert out.json()["view"] == "assigned"
        assert shows_no_personal_details(out.text)
    assert (await client.get(f"/api/v1/sessions/{other_sessions[0]}/register")).status_code == 404


async def test_a_volunteer_who_also_coordinates_sees_the_whole_register(db, client):
    org, _, _, people, sessions = await group_meetings(db, "lp-both")
    other_org = await make_organisation(db, "Stichting Elders", "Zwolle")
    person = await make_staff(db, org, "volunteer", "coordinator")
    await sign_in(client, person)
    out = await client.get(f"/api/v1/sessions/{sessions[1]}/register")
    assert out.status_code == 200
    assert out.json()["view"] == "all"
    assert "Fennegien Zwartkruis" in out.text

    # A coordinator elsewhere is still only a volunteer here.
    helper = await make_staff(db, org, "volunteer")
    db.add(Role(staff_id=helper.id, organisation_id=other_org.id, role="coordinator"))
    await db.commit()
    client.cookies.clear()
    await sign_in(client, helper)
    assert (await client.get(f"/api/v1/sessions/{sessions[1]}/register")).status_code == 404
    await assign(db, sessions[1], helper, "volunteer")
    out = await client.get(f"/api/v1/sessions/{sessions[1]}/register")
    assert out.status_code == 200
    assert out.json()["view"] == "assigned"
    assert shows_no_personal_details(out.text)


async def test_a_drop_in_volunteer_checks_visitors_in_by_first_name(db, client):
    org, programme_id = await published_programme(db, "kids-en-koffie", "lp-kk", city="Sliedrecht")
    template_id = await db.scalar(select(ProgrammeTemplate.id).where(ProgrammeTemplate.programme_id == programme_id))
    series = Cohort(programme_id=programme_id, template_id=template_id, name="Inloop", language="nl", status="running")
    db.add(series)
    await db.flush()
    visitor = Participant(full_name="Fennegien Zwartkruis", email="fennegien.zwartkruis@example.org", language="nl")
    db.add(visitor)
    await db.flush()
    db.add(
        Registration(
            participant_id=visitor.id,
            programme_id=programme_id,
            status="confirmed",
            contact_email=visitor.email,
            consented_at=NOW - timedelta(days=30),
            confirmed_at=NOW - timedelta(days=30),
        )
    )
    at = NOW - timedelta(days=1)
    drop_in = Session(
        programme_id=programme_id,
        cohort_id=series.id,
        local_start=at.replace(tzinfo=None),
        starts_at=at,
        duration_minutes=90,
        topic={"nl": "Slapen"},
    )
    db.add(drop_in)
    await db.commit()
    volunteer = await make_staff(db, org, "volunteer")
    await assign(db, drop_in.id, volunteer, "volunteer")
    await sign_in(client, volunteer)
    body = {"adults": 4, "children": 5, "volunteer_ids": [volunteer.id], "checked_in": [visitor.id]}
    saved = await client.post(f"/api/v1/sessions/{drop_in.id}/head-count", json=body)
    assert saved.status_code == 200, saved.text
    assert [line["name"] for line in saved.json()["lines"]] == ["Fennegien"]
    assert shows_no_personal_details(saved.text)
    page = await client.get(f"/nl/staff/sessions/{drop_in.id}/register")
    assert "Fennegien" in page.text
    assert shows_no_personal_details(page.text)


async def test_cjg_staff_see_and_handle_the_signals_of_their_own_organisations(db, client):
    org, programme_id, cohort, people, _ = await group_meetings(db, "lp-signals")
    elsewhere, other_programme, other_cohort, other_people, _ = await group_meetings(db, "lp-signals-other")
    mine = AttendanceSignal(
        programme_id=programme_id, cohort_id=cohort.id, participant_id=people[1], kind="missed_in_a_row", raised_at=NOW
    )
    theirs = AttendanceSignal(
        programme_id=other_programme,
        cohort_id=other_cohort.id,
        participant_id=other_people[2],
        kind="missed_in_a_row",
        raised_at=NOW,
    )
    db.add_all([mine, theirs])
    await db.commit()
    cjg = await make_staff(db, org, "cjg_staff")
    # Only a volunteer at the other organisation: its signals stay out of sight.
    db.add(Role(staff_id=cjg.id, organisation_id=elsewhere.id, role="volunteer"))
    await db.commit()
    await sign_in(client, cjg)

    listed = await client.get("/api/v1/signals")
    assert listed.status_code == 200, listed.text
    assert [(s["id"], s["name"]) for s in listed.json()] == [(mine.id, "Aaltje de Vries")]
    page = await client.get("/nl/staff/signals")
    assert page.status_code == 200
    assert "Aaltje de Vries" in page.text
    assert "aaltje.devries@example.org" in page.text
    assert "Aaltje Bakker" not in page.text
    assert 'href="/nl/staff/signals"' in (await client.get("/nl/staff/")).text

    assert (await client.post(f"/api/v1/signals/{theirs.id}/handled", json={"note": "gebeld"})).status_code == 404
    handled = await client.post(f"/api/v1/signals/{mine.id}/handled", json={"note": "Gebeld, komt weer"})
    assert handled.status_code == 200
    rows = {
        s.id: (s.handled_by_id, s.handled_note)
        for s in await db.scalars(select(AttendanceSignal).execution_options(populate_existing=True))
        if s.id in (mine.id, theirs.id)
    }
    assert rows == {mine.id: (cjg.id, "Gebeld, komt weer"), theirs.id: (None, "")}


async def test_volunteers_and_guest_teachers_see_no_signals(db, client):
    org, *_ = await group_meetings(db, "lp-no-signals")
    for role in ("volunteer", "guest_teacher", "mentor", "trainer", "midwife"):
        client.cookies.clear()
        await sign_in(client, await make_staff(db, org, role))
        assert (await client.get("/api/v1/signals")).status_code == 403, role
        assert (await client.get("/nl/staff/signals")).status_code == 403, role
