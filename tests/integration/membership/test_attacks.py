"""Account-level operations attacked from another organisation (issue 13, finding 1).

For each operation an admin and coordinator of organisation B, holding every role there,
tries it on organisation A's people and ids, through the pages and the API. Each test
checks the refusal and that a dump of A's rows is the same afterwards. Runs on SQLite
and, with GROEPSAANBOD_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from groepsaanbod.accounts.guards import SESSION_COOKIE
from groepsaanbod.accounts.models import Role, Staff, StaffInvitation
from groepsaanbod.calendars.models import Feed
from groepsaanbod.cohorts.models import SchoolClass
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.scheduling.models import SessionStaff, StaffAvailability
from tests.conftest import NOW
from tests.factories import PASSWORD, make_organisation, make_staff
from tests.integration.membership.world import (
    become,
    build_world,
    dump_of,
    link_in_message,
    nobody,
    roles_of,
)


async def test_inviting_another_organisations_staff_member_only_sends_an_invitation(client, db):
    w = await build_world(client, db)
    before = await dump_of(db, w.a)
    await become(client, w.attacker)
    page = await client.post(
        "/nl/staff/team/invitations",
        data={"organisation_id": str(w.b), "email": w.x.email.upper(), "full_name": "Getypte Naam", "roles": "admin"},
    )
    assert page.status_code == 303
    assert page.headers["location"].endswith("done=invited")
    api = await client.post(
        f"/api/v1/organisations/{w.b}/invitations",
        json={"email": w.x.email, "full_name": "Getypte Naam", "roles": ["coordinator", "admin"]},
    )
    unknown = await client.post(
        f"/api/v1/organisations/{w.b}/invitations",
        json={"email": "niemand.bekend@example.org", "full_name": "Niemand", "roles": ["coordinator"]},
    )
    # The same answer whether or not the address has an account elsewhere.
    assert api.status_code == unknown.status_code == 201
    assert api.json()["status"] == unknown.json()["status"] == "open"
    assert set(api.json()) == set(unknown.json())
    assert await roles_of(db, w.x.id) == [(w.a, "mentor"), (w.a, "volunteer")]
    assert await dump_of(db, w.a) == before
    # B sees only what it typed, and nothing to disable.
    team = await client.get("/en/staff/team")
    assert "Getypte Naam" in team.text
    assert "invitation sent" in team.text
    assert w.x.full_name not in team.text
    assert f"/staff/team/{w.x.id}/remove" not in team.text
    listed = (await client.get(f"/api/v1/organisations/{w.b}/invitations")).json()
    assert {i["full_name"] for i in listed} == {"Getypte Naam", "Niemand"}
    members = (await client.get(f"/api/v1/organisations/{w.b}/staff")).json()
    assert w.x.id not in {m["staff_id"] for m in members}
    # X is told, in X's own words: sign in and say yes or no.
    message = await db.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.to_address == w.x.email, OutboxMessage.kind == "staff_join_invitation")
        .order_by(OutboxMessage.id.desc())
    )
    assert message is not None
    assert message.language == "nl"
    # The page invitation was replaced by the API one: one open invitation per address.
    open_ones = await db.scalar(
        select(StaffInvitation.id).where(
            StaffInvitation.email == w.x.email, StaffInvitation.status == "open", StaffInvitation.organisation_id == w.b
        )
    )
    assert open_ones == api.json()["id"]


async def test_b_cannot_read_answer_or_withdraw_as_invitations(client, db):
    w = await build_world(client, db)
    before = await dump_of(db, w.a)
    await become(client, w.attacker)
    assert (await client.get(f"/api/v1/organisations/{w.a}/invitations")).status_code == 403
    assert (await client.get(f"/api/v1/organisations/{w.a}/staff")).status_code == 403
    assert (await client.post(f"/api/v1/invitations/{w.invitation_a}/withdraw")).status_code == 404
    assert (await client.post(f"/nl/staff/team/invitations/{w.invitation_a}/withdraw")).status_code == 404
    assert (await client.post(f"/api/v1/me/invitations/{w.invitation_a}/accept")).status_code == 404
    assert (await client.post(f"/api/v1/me/invitations/{w.invitation_a}/decline")).status_code == 404
    assert (
        await client.post(f"/nl/staff/account/invitations/{w.invitation_a}", data={"action": "accept"})
    ).status_code == 404
    assert (await client.get("/api/v1/me/invitations")).json() == []
    refused = await client.post(
        f"/api/v1/organisations/{w.a}/invitations",
        json={"email": "vriend@example.org", "full_name": "Vriend", "roles": ["admin"]},
    )
    assert refused.status_code == 403
    page = await client.post(
        "/nl/staff/team/invitations",
        data={"organisation_id": str(w.a), "email": "vriend@example.org", "full_name": "Vriend", "roles": "admin"},
    )
    assert page.status_code == 403
    assert "Nieuw bij A" not in (await client.get("/nl/staff/team")).text
    assert await dump_of(db, w.a) == before


async def test_nobody_else_can_accept_an_invitation_and_it_works_once(client, db):
    w = await build_world(client, db)
    other = await make_organisation(db, "CJG C")
    yara = await make_staff(db, other, "trainer")  # has an account with a password
    other_id, yara_id = other.id, yara.id  # a refused request rolls back and expires loaded rows
    await become(client, w.admin_a)
    sent = await client.post(
        f"/api/v1/organisations/{w.a}/invitations",
        json={"email": yara.email, "full_name": "Yara", "roles": ["trainer"]},
    )
    invitation = sent.json()["id"]
    link = await link_in_message(db, yara.email, "staff_join_invitation")
    before = await dump_of(db, w.a)
    # Nobody signed in: sent to sign in first, nothing accepted.
    await nobody(client)
    assert (await client.get(link)).status_code == 303
    assert (await client.post(link, data={"action": "accept"})).status_code == 303
    assert (await client.post(f"/api/v1/me/invitations/{invitation}/accept")).status_code == 401
    # Someone else signed in (with every role in B): refused on page and API.
    await become(client, w.attacker)
    wrong = await client.get(link.replace("/nl/", "/en/", 1))
    assert wrong.status_code == 403
    assert "another email address" in wrong.text
    assert (await client.post(link, data={"action": "accept"})).status_code == 404
    assert (await client.post(link, data={"action": "password", "password": "mijn eigen lange zin"})).status_code == 403
    assert (await client.post(f"/api/v1/me/invitations/{invitation}/accept")).status_code == 404
    assert invitation not in {i["id"] for i in (await client.get("/api/v1/me/invitations")).json()}
    assert await dump_of(db, w.a) == before
    assert await roles_of(db, yara_id) == [(other_id, "trainer")]
    # Yara herself: sees it, accepts it once.
    await become(client, yara)
    mine = (await client.get("/api/v1/me/invitations")).json()
    assert [(i["id"], i["organisation_id"], i["roles"]) for i in mine] == [(invitation, w.a, ["trainer"])]
    assert (await client.get(link)).status_code == 200
    accepted = await client.post(f"/api/v1/me/invitations/{invitation}/accept")
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    assert await roles_of(db, yara_id) == sorted([(other_id, "trainer"), (w.a, "trainer")])
    # Replays change nothing.
    assert (await client.post(f"/api/v1/me/invitations/{invitation}/accept")).status_code == 409
    assert (await client.post(f"/api/v1/me/invitations/{invitation}/decline")).status_code == 409
    assert (await client.post(link, data={"action": "accept"})).status_code == 404
    assert (await client.get(link)).status_code == 404
    row = await db.get(StaffInvitation, invitation, populate_existing=True)
    assert row.status == "accepted"
    assert row.staff_id == yara_id
    # The admin can no longer withdraw it.
    await become(client, w.admin_a)
    assert (await client.post(f"/api/v1/invitations/{invitation}/withdraw")).status_code == 409


async def test_a_new_address_joins_by_choosing_a_password_once_and_expired_links_do_nothing(client, db):
    w = await build_world(client, db)
    link = await link_in_message(db, "nieuw.a@example.org", "staff_invitation")
    page = await client.get(link)
    assert page.status_code == 200
    assert 'name="password"' in page.text
    short = await client.post(link, data={"action": "password", "password": "kort"})
    assert short.status_code == 400
    assert await db.scalar(select(Staff.id).where(Staff.email == "nieuw.a@example.org")) is None
    done = await client.post(link, data={"action": "password", "password": "een zin die ik zelf koos"})
    assert done.status_code == 303
    person = await db.scalar(select(Staff).where(Staff.email == "nieuw.a@example.org"))
    assert person.full_name == "Nieuw bij A"
    assert await roles_of(db, person.id) == [(w.a, "volunteer")]
    again = await client.post(link, data={"action": "password", "password": "nog een andere zin"})
    assert again.status_code == 404
    # An expired invitation does nothing: not by its link, not by the API.
    await become(client, w.admin_a)
    late = await client.post(
        f"/api/v1/organisations/{w.a}/invitations",
        json={"email": "te.laat@example.org", "full_name": "Te Laat", "roles": ["trainer"]},
    )
    await db.execute(
        update(StaffInvitation).where(StaffInvitation.id == late.json()["id"]).values(expires_at=NOW - timedelta(1))
    )
    await db.commit()
    old = await link_in_message(db, "te.laat@example.org", "staff_invitation")
    await nobody(client)
    assert (await client.get(old)).status_code == 404
    assert (
        await client.post(old, data={"action": "password", "password": "een zin die ik zelf koos"})
    ).status_code == 404
    assert await db.scalar(select(Staff.id).where(Staff.email == "te.laat@example.org")) is None
    await become(client, w.admin_a)
    listed = {i["id"]: i["status"] for i in (await client.get(f"/api/v1/organisations/{w.a}/invitations")).json()}
    assert listed[late.json()["id"]] == "expired"
    assert listed[w.invitation_a] == "accepted"


async def test_removing_someone_who_also_works_elsewhere_leaves_the_account_and_the_other_organisation(client, db):
    w = await build_world(client, db)
    # X also works for B, with a meeting, hours and a group's calendar link there.
    db.add(Role(staff_id=w.x.id, organisation_id=w.b, role="volunteer"))
    db.add(StaffAvailability(staff_id=w.x.id, organisation_id=w.b, weekday=2, starts=NOW.time(), ends=NOW.time()))
    await db.commit()
    from tests.integration.membership.world import _cohort_with_meeting

    cohort_b, session_b = await _cohort_with_meeting(db, w.programme_b, w.x, NOW + timedelta(days=3))
    db.add(
        Feed(token_hash="c" * 64, subject_kind="cohort", subject_id=cohort_b, created_at=NOW, made_by_staff_id=w.x.id)
    )
    await db.commit()
    x_session = await become(client, w.x)
    before = await dump_of(db, w.a)
    await become(client, w.attacker)
    # A's id with B's admin: unknown here.
    assert (await client.post(f"/nl/staff/team/{w.x.id}/remove", data={"organisation_id": str(w.a)})).status_code == 404
    assert (await client.delete(f"/api/v1/organisations/{w.a}/staff/{w.x.id}")).status_code == 404
    assert (await client.post(f"/nl/staff/team/{w.admin_a.id}/remove", data={})).status_code == 404
    assert (await client.delete(f"/api/v1/organisations/{w.b}/staff/{w.admin_a.id}")).status_code == 404
    assert await dump_of(db, w.a) == before
    # Taking X off B's team: only B's part goes.
    removed = await client.delete(f"/api/v1/organisations/{w.b}/staff/{w.x.id}")
    assert removed.status_code == 200, removed.text
    assert removed.json() == {
        "organisation_ids": [w.b],
        "roles_removed": ["volunteer"],
        "meetings_left": 1,
        "feeds_stopped": 1,
        "works_elsewhere": True,
    }
    assert await dump_of(db, w.a) == before
    assert (await db.get(Staff, w.x.id, populate_existing=True)).active
    assert await roles_of(db, w.x.id) == [(w.a, "mentor"), (w.a, "volunteer")]
    assert await db.scalar(select(SessionStaff.staff_id).where(SessionStaff.session_id == session_b)) is None
    b_hours = select(StaffAvailability.id).where(
        StaffAvailability.staff_id == w.x.id, StaffAvailability.organisation_id == w.b
    )
    assert await db.scalar(b_hours) is None
    b_feed = await db.scalar(select(Feed).where(Feed.token_hash == "c" * 64).execution_options(populate_existing=True))
    assert b_feed.revoked_at is not None
    # X's sign-in still works: they still work for A.
    client.cookies.delete(SESSION_COOKIE)
    client.cookies.set(SESSION_COOKIE, x_session)
    me = await client.get("/api/v1/auth/me")
    assert me.status_code == 200
    assert {r["organisation_id"] for r in me.json()["roles"]} == {w.a}


async def test_removing_someone_from_their_only_organisation_ends_what_it_allowed(client, db):
    w = await build_world(client, db)
    x_session = await become(client, w.x)
    await become(client, w.admin_a)
    removed = await client.post(f"/nl/staff/team/{w.x.id}/remove", data={"organisation_id": str(w.a)})
    assert removed.status_code == 303
    assert (await db.get(Staff, w.x.id, populate_existing=True)).active  # the account is the person's
    assert await roles_of(db, w.x.id) == []
    assert await db.scalar(select(SessionStaff.staff_id).where(SessionStaff.session_id == w.session_a)) is None
    assert (await db.get(SchoolClass, w.class_a, populate_existing=True)).mentor_id is None
    feeds = await db.scalars(
        select(Feed).where(Feed.token_hash.in_(["a" * 64, "b" * 64])).execution_options(populate_existing=True)
    )
    assert all(f.revoked_at is not None for f in feeds)
    client.cookies.delete(SESSION_COOKIE)
    client.cookies.set(SESSION_COOKIE, x_session)
    assert (await client.get("/api/v1/auth/me")).status_code == 401


async def test_an_organisation_keeps_an_administrator(client, db):
    w = await build_world(client, db)
    await become(client, w.admin_a)
    alone = await client.post(f"/en/staff/team/{w.admin_a.id}/remove", data={"organisation_id": str(w.a)})
    assert alone.status_code == 409
    assert "no administrator left" in alone.text
    api = await client.delete(f"/api/v1/organisations/{w.a}/staff/{w.admin_a.id}")
    assert api.status_code == 422
    assert (w.a, "admin") in await roles_of(db, w.admin_a.id)
    org = w.a
    other_admin = await make_staff(db, None, email="tweede.beheer@example.org")
    db.add(Role(staff_id=other_admin.id, organisation_id=org, role="admin"))
    await db.commit()
    # With a second admin, leaving is allowed; then the second cannot leave.
    left = await client.post(f"/nl/staff/team/{w.admin_a.id}/remove", data={"organisation_id": str(org)})
    assert left.status_code == 303
    assert left.headers["location"].endswith("/staff/account?done=removed")
    assert await roles_of(db, w.admin_a.id) == []
    # The sole admin cannot disable their whole account either (the CLI can).
    await become(client, other_admin)
    refused = await client.post("/en/staff/account/disable", data={"password": PASSWORD, "confirm": "yes"})
    assert refused.status_code == 400
    assert "only administrator" in refused.text
    assert (await db.get(Staff, other_admin.id, populate_existing=True)).active


async def test_only_the_person_disables_their_whole_account(client, db):
    w = await build_world(client, db)
    db.add(Role(staff_id=w.x.id, organisation_id=w.b, role="volunteer"))
    await db.commit()
    before = await dump_of(db, w.a)
    await become(client, w.attacker)
    # B's admin has no way to it: the account page is always the signed-in person's own.
    own = await client.get("/nl/staff/account")
    assert own.status_code == 200
    assert w.x.email not in own.text
    assert await dump_of(db, w.a) == before
    await become(client, w.x)
    page = await client.get("/nl/staff/account")
    assert page.status_code == 200
    assert w.x.email in page.text
    wrong = await client.post("/en/staff/account/disable", data={"password": "not my password", "confirm": "yes"})
    assert wrong.status_code == 400
    assert "password is not right" in wrong.text
    unconfirmed = await client.post("/en/staff/account/disable", data={"password": PASSWORD})
    assert unconfirmed.status_code == 400
    assert "Tick the box" in unconfirmed.text
    assert (await db.get(Staff, w.x.id, populate_existing=True)).active
    done = await client.post("/nl/staff/account/disable", data={"password": PASSWORD, "confirm": "yes"})
    assert done.status_code == 200
    assert not (await db.get(Staff, w.x.id, populate_existing=True)).active
    assert (await client.get("/api/v1/auth/me")).status_code == 401
    own_feed = await db.scalar(
        select(Feed).where(Feed.token_hash == "a" * 64).execution_options(populate_existing=True)
    )
    assert own_feed.revoked_at is not None
    # Roles stay, so each organisation sees the account disabled.
    assert await roles_of(db, w.x.id) == [(w.a, "mentor"), (w.a, "volunteer"), (w.b, "volunteer")]
    await become(client, w.admin_a)
    assert "account disabled" in (await client.get("/en/staff/team")).text
