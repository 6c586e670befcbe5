"""Issue 13, finding 1, as it was found: an organisation attaches another organisation's
staff member to itself, disables them everywhere, or overwrites their working hours."""

from __future__ import annotations

from sqlalchemy import select

from groepsaanbod.access.roles import ROLES
from groepsaanbod.accounts.guards import SESSION_COOKIE
from groepsaanbod.accounts.models import Role, Staff
from groepsaanbod.cohorts.models import SchoolClass
from groepsaanbod.scheduling.models import StaffAvailability
from tests.factories import make_organisation, make_staff, sign_in
from tests.integration.registration.helpers import published_programme


async def become(client, staff):
    client.cookies.delete(SESSION_COOKIE)  # keep the earlier person's session alive
    await sign_in(client, staff)


async def roles_of(db, staff_id):
    return sorted(
        (org, role)
        for org, role in (await db.execute(select(Role.organisation_id, Role.role).where(Role.staff_id == staff_id)))
    )


async def test_inviting_another_organisations_staff_member_attaches_nobody(client, db):
    a, b = await make_organisation(db, "CJG A"), await make_organisation(db, "CJG B")
    x = await make_staff(db, a, "trainer")
    attacker = await make_staff(db, b, *ROLES)
    x_id, email, b_id = x.id, x.email, b.id
    await become(client, attacker)
    answer = await client.post(
        "/nl/staff/team/invitations",
        data={"organisation_id": str(b_id), "email": email, "full_name": "Wie dan ook", "roles": "coordinator"},
    )
    assert answer.status_code == 303
    assert await roles_of(db, x_id) == [(a.id, "trainer")]
    team = await client.get("/nl/staff/team")
    assert x.full_name not in team.text
    assert f"/staff/team/{x_id}/remove" not in team.text


async def test_disabling_someone_who_also_works_elsewhere_leaves_the_account(client, db):
    a, b = await make_organisation(db, "CJG A"), await make_organisation(db, "CJG B")
    x = await make_staff(db, a, "trainer")
    db.add(Role(staff_id=x.id, organisation_id=b.id, role="volunteer"))  # they work for both
    await db.commit()
    admin_b = await make_staff(db, b, *ROLES)
    x_id = x.id
    await become(client, x)
    x_session = client.cookies[SESSION_COOKIE]
    await become(client, admin_b)
    assert (await client.post(f"/nl/staff/team/{x_id}/remove", data={})).status_code == 303
    staff = await db.get(Staff, x_id, populate_existing=True)
    assert staff.active
    assert await roles_of(db, x_id) == [(a.id, "trainer")]
    client.cookies.delete(SESSION_COOKIE)
    client.cookies.set(SESSION_COOKIE, x_session)
    assert (await client.get("/api/v1/auth/me")).status_code == 200


async def test_school_class_csv_never_attaches_another_organisations_staff_member(client, db):
    a = await make_organisation(db, "CJG A")
    x = await make_staff(db, a, "trainer")
    b, pid = await published_programme(db, "think-op-school", "think-b", languages=("nl",), city="Zwolle")
    coordinator = await make_staff(db, b, "coordinator")
    x_id, email = x.id, x.email
    await become(client, coordinator)
    csv = f"klas;schooljaar;naam mentor;e-mail mentor;aantal leerlingen\n1A;2026-2027;Wie dan ook;{email};28\n"
    answer = await client.post(
        f"/api/v1/programmes/{pid}/school-classes", content=csv.encode(), headers={"Content-Type": "text/csv"}
    )
    assert answer.status_code == 200, answer.text
    assert await roles_of(db, x_id) == [(a.id, "trainer")]
    school_class = await db.scalar(select(SchoolClass).where(SchoolClass.organisation_id == b.id))
    assert school_class.mentor_id is None


async def test_another_organisation_cannot_overwrite_working_hours(client, db):
    a, b = await make_organisation(db, "CJG A"), await make_organisation(db, "CJG B")
    x = await make_staff(db, a, "trainer")
    db.add(Role(staff_id=x.id, organisation_id=b.id, role="volunteer"))
    await db.commit()
    coordinator_b = await make_staff(db, b, "coordinator")
    x_id, a_id = x.id, a.id
    await become(client, x)
    mine = {"organisation_id": a_id, "hours": [{"weekday": 0, "starts": "09:00", "ends": "17:00"}]}
    assert (await client.post("/api/v1/me/availability", json=mine)).status_code == 200
    before = [(h.weekday, h.starts, h.ends) for h in await db.scalars(select(StaffAvailability))]
    await become(client, coordinator_b)
    theirs = {"staff_id": x_id, "hours": [{"weekday": 6, "starts": "06:00", "ends": "07:00"}]}
    await client.post("/api/v1/me/availability", json=theirs)
    query = select(StaffAvailability).where(StaffAvailability.staff_id == x_id)
    if hasattr(StaffAvailability, "organisation_id"):
        query = query.where(StaffAvailability.organisation_id == a_id)
    after = [(h.weekday, h.starts, h.ends) for h in await db.scalars(query.execution_options(populate_existing=True))]
    assert after == before
