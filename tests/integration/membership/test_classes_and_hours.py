"""A school's class file and working hours, attacked from another organisation (issue 13,
finding 1): a file never gives another organisation's person a role, and hours are kept
per person and organisation."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import func, select

from groepsaanbod.accounts.models import Role, StaffInvitation
from groepsaanbod.cohorts.models import Cohort, SchoolClass
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.scheduling.models import SessionStaff, StaffAvailability
from groepsaanbod.scheduling.services.context import session_context
from groepsaanbod.scheduling.services.facts import session_facts
from tests.conftest import NOW
from tests.factories import make_staff
from tests.integration.membership.world import become, build_world, dump_of, link_in_message, roles_of

HEADER = "klas;schooljaar;naam mentor;e-mail mentor;aantal leerlingen\n"


async def upload(client, programme_id: int, lines: list[str]):
    return await client.post(
        f"/api/v1/programmes/{programme_id}/school-classes",
        content=(HEADER + "".join(lines)).encode(),
        headers={"Content-Type": "text/csv"},
    )


async def test_a_class_file_invites_another_organisations_mentor_and_never_gives_a_role(client, db):
    w = await build_world(client, db)
    colleague = await make_staff(db, None, email="collega.b@example.org")
    db.add(Role(staff_id=colleague.id, organisation_id=w.b, role="trainer"))  # already B's
    await db.commit()
    x_id, x_email, colleague_id = w.x.id, w.x.email, colleague.id
    before = await dump_of(db, w.a)
    await become(client, w.attacker)
    lines = [
        f"1A;2026-2027;Getypte Mentor;{x_email.upper()};28\n",  # A's staff member
        "1B;2026-2027;Nieuwe Mentor;nieuwe.mentor@example.org;27\n",  # no account yet
        "1C;2026-2027;Collega;collega.b@example.org;26\n",  # B's own
        f"1D;2026-2027;Getypte Mentor;{x_email};25\n",  # the same person again
    ]
    imported = await upload(client, w.programme_b, lines)
    assert imported.status_code == 200, imported.text
    assert imported.json() == {
        "classes": 4,
        "new_classes": 4,
        "new_mentors": 1,
        "new_cohorts": 4,
        "invited_mentors": 1,
    }
    assert await dump_of(db, w.a) == before
    assert await roles_of(db, x_id) == [(w.a, "mentor"), (w.a, "volunteer")]
    classes = {c.class_name: c for c in await db.scalars(select(SchoolClass).where(SchoolClass.organisation_id == w.b))}
    invitation = await db.scalar(select(StaffInvitation).where(StaffInvitation.email == x_email))
    assert invitation.organisation_id == w.b
    assert invitation.roles == ["mentor"]
    assert invitation.status == "open"
    assert invitation.full_name == "Getypte Mentor"
    assert classes["1A"].mentor_id is None
    assert classes["1A"].mentor_invitation_id == invitation.id
    assert classes["1D"].mentor_invitation_id == invitation.id
    assert classes["1C"].mentor_id == colleague_id
    assert (w.b, "mentor") in await roles_of(db, colleague_id)
    new_mentor = classes["1B"].mentor_id
    assert await roles_of(db, new_mentor) == [(w.b, "mentor")]
    # B sees the invitation by the name in its file, never X's stored name.
    cohorts = (await client.get(f"/api/v1/programmes/{w.programme_b}/cohorts")).json()
    shown = {c["name"]: (c["mentor"], c["mentor_status"]) for c in cohorts}
    assert shown["1A 2026-2027"] == ("Getypte Mentor", "invited")
    assert shown["1C 2026-2027"][1] == "mentor"
    page = await client.get(f"/en/staff/programmes/{w.programme_b}/registrations")
    assert "Getypte Mentor, invited" in page.text
    assert w.x.full_name not in page.text
    # Uploading again sends no second invitation.
    again = await upload(client, w.programme_b, lines)
    assert again.json()["invited_mentors"] == 1
    told = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.to_address == x_email)
    assert await db.scalar(told) == 1
    assert (
        await db.scalar(select(func.count()).select_from(StaffInvitation).where(StaffInvitation.email == x_email)) == 1
    )
    # X says yes: mentor of both classes of the file, with B's mentor role.
    await become(client, w.x)
    link = await link_in_message(db, x_email, "staff_join_invitation")
    assert (await client.post(link, data={"action": "accept"})).status_code == 303
    for name in ("1A", "1D"):
        assert (await db.get(SchoolClass, classes[name].id, populate_existing=True)).mentor_id == x_id
    assert (w.b, "mentor") in await roles_of(db, x_id)
    after = await dump_of(db, w.a)
    assert {k: v for k, v in after.items() if k != "sign_ins"} == {k: v for k, v in before.items() if k != "sign_ins"}


async def test_a_file_of_another_organisations_programme_is_refused(client, db):
    w = await build_world(client, db)
    a_programme = await db.scalar(select(Cohort.programme_id).where(Cohort.id == w.cohort_a))
    before = await dump_of(db, w.a)
    await become(client, w.attacker)
    refused = await upload(client, a_programme, [f"1Z;2026-2027;X;{w.x.email};20\n"])
    assert refused.status_code == 404
    assert await dump_of(db, w.a) == before


async def test_hours_are_per_person_and_organisation(client, db):
    w = await build_world(client, db)
    db.add(Role(staff_id=w.x.id, organisation_id=w.b, role="volunteer"))  # X works for both
    await db.commit()
    x_id, admin_a_id = w.x.id, w.admin_a.id
    # X sets B's hours on their own agenda page; A's stay as they were.
    await become(client, w.x)
    saved = await client.post(
        "/nl/staff/agenda/hours",
        data={"organisation_id": str(w.b), f"hours-{w.b}-1-from": "13:00", f"hours-{w.b}-1-to": "17:00"},
    )
    assert saved.headers["location"].endswith("done=hours")
    agenda = await client.get("/nl/staff/agenda")
    assert f'name="hours-{w.b}-1-from" value="13:00"' in agenda.text
    assert f'name="hours-{w.a}-0-from" value="09:00"' in agenda.text
    before = await dump_of(db, w.a)
    await become(client, w.attacker)
    hours = [{"weekday": 6, "starts": "06:00", "ends": "07:00"}]
    # Another organisation's id, or a person of A only: unknown here.
    for body in (
        {"staff_id": x_id, "organisation_id": w.a, "hours": hours},
        {"staff_id": admin_a_id, "hours": hours},
        {"staff_id": admin_a_id, "organisation_id": w.a, "hours": hours},
        {"organisation_id": w.a, "hours": hours},
    ):
        answer = await client.post("/api/v1/me/availability", json=body)
        assert answer.status_code == 404, (body, answer.text)
    assert await dump_of(db, w.a) == before
    # B's coordinator changes X's hours for B only.
    mine = await client.post("/api/v1/me/availability", json={"staff_id": x_id, "hours": hours})
    assert mine.status_code == 200
    assert mine.json() == {"organisation_ids": [w.b]}
    assert await dump_of(db, w.a) == before
    b_hours = await db.scalars(
        select(StaffAvailability)
        .where(StaffAvailability.staff_id == x_id, StaffAvailability.organisation_id == w.b)
        .execution_options(populate_existing=True)
    )
    assert [(h.weekday, h.starts, h.ends) for h in b_hours] == [(6, time(6), time(7))]


async def test_the_rules_read_the_hours_of_the_meetings_organisation(client, db):
    w = await build_world(client, db)
    db.add(Role(staff_id=w.x.id, organisation_id=w.b, role="volunteer"))
    # For B, X works only on Sundays; for A on Mondays 9 to 17 (the world's hours).
    db.add(StaffAvailability(staff_id=w.x.id, organisation_id=w.b, weekday=6, starts=time(6), ends=time(7)))
    await db.commit()
    meeting, cohort, _programme, template = await session_context(db, w.session_a)
    monday = meeting.starts_at + timedelta(days=(7 - meeting.local_start.weekday()) % 7)
    local = meeting.local_start + (monday - meeting.starts_at)
    local = local.replace(hour=10, minute=0)
    at = (monday.replace(hour=9, minute=0), local)  # 10:00 in Amsterdam (winter time)
    facts = await session_facts(db, meeting, cohort, template, at=at)
    assert [(s.staff_id, s.absent) for s in facts.staff] == [(w.x.id, False)]
    # On a Tuesday X has no hours for A: absent there, whatever B's hours say.
    facts = await session_facts(
        db, meeting, cohort, template, at=(at[0] + timedelta(days=1), at[1] + timedelta(days=1))
    )
    assert [(s.staff_id, s.absent) for s in facts.staff] == [(w.x.id, True)]
    assert await db.scalar(select(SessionStaff.staff_id).where(SessionStaff.session_id == w.session_a)) == w.x.id
    assert meeting.starts_at > NOW
