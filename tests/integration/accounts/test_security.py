"""Hardened staff accounts: second factor, slowed sign-in, time-outs, sign-out
everywhere, disabled accounts, password reset and invitations."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from sqlalchemy import select

from groepsaanbod.accounts.guards import SESSION_COOKIE
from groepsaanbod.accounts.models import Staff
from groepsaanbod.accounts.totp import code_at
from groepsaanbod.app import create_app
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.settings import Settings
from tests.conftest import NOW, make_client
from tests.factories import PASSWORD, TOTP_SECRET, make_organisation, make_staff, second_factor_code, sign_in


async def page_sign_in(client, staff, password=PASSWORD):
    return await client.post("/nl/staff/sign-in", data={"email": staff.email, "password": password, "next": ""})


async def test_admin_without_second_factor_cannot_reach_admin_pages(client, db):
    org = await make_organisation(db)
    admin = await make_staff(db, org, "admin")
    admin.totp_secret = None
    await db.commit()
    signed = await page_sign_in(client, admin)
    assert signed.status_code == 303
    assert "/staff/second-factor" in signed.headers["location"]
    for path in ("/nl/staff/programmes", "/nl/staff/team", "/nl/staff/venues", "/nl/staff/audit"):
        page = await client.get(path)
        assert page.status_code == 303, path
        assert "/nl/staff/second-factor" in page.headers["location"], path
    assert (await client.get("/api/v1/programmes")).status_code == 401
    api = await client.post(
        "/api/v1/auth/sign-in", json={"email": admin.email, "password": PASSWORD}, headers={"Accept-Language": "en"}
    )
    assert api.status_code == 401
    assert "second factor" in api.json()["detail"]

    # Setting it up: scan (here: read) the key the server made, prove it with a code.
    await page_sign_in(client, admin)
    setup = await client.get("/nl/staff/second-factor")
    secret = re.search(r'<code dir="ltr">([A-Z2-7 ]+)</code>', setup.text).group(1).replace(" ", "")
    assert "<svg" in setup.text
    wrong = await client.post("/nl/staff/second-factor", data={"code": "000000", "next": ""})
    assert wrong.status_code == 400
    assert "code" in wrong.text.lower()
    done = await client.post("/nl/staff/second-factor", data={"code": code_at(secret, NOW)})
    assert done.status_code == 200
    assert "herstelcodes" in done.text.lower()  # the recovery codes, shown once
    assert (await client.get("/nl/staff/team")).status_code == 200
    assert (await db.get(Staff, admin.id)).totp_secret


async def test_second_factor_code_works_once(client, db):
    org = await make_organisation(db)
    admin = await make_staff(db, org, "admin")
    body = {"email": admin.email, "password": PASSWORD, "code": code_at(TOTP_SECRET, NOW)}
    assert (await client.post("/api/v1/auth/sign-in", json=body)).status_code == 200
    replay = await client.post("/api/v1/auth/sign-in", json=body, headers={"Accept-Language": "en"})
    assert replay.status_code == 401
    assert "used already" in replay.json()["detail"]


async def test_sign_in_is_slowed_after_failures_in_the_persons_language(client, db):
    staff = await make_staff(db, None)
    for _ in range(5):
        wrong = await client.post("/api/v1/auth/sign-in", json={"email": staff.email, "password": "wrong password"})
        assert wrong.status_code == 401
    blocked = await client.post(
        "/api/v1/auth/sign-in", json={"email": staff.email, "password": PASSWORD}, headers={"Accept-Language": "en"}
    )
    assert blocked.status_code == 429
    assert "Wait" in blocked.json()["detail"]
    assert int(blocked.headers["retry-after"]) > 0
    page = await client.post("/ar/staff/sign-in", data={"email": staff.email, "password": PASSWORD})
    assert page.status_code == 429
    assert 'dir="rtl"' in page.text


async def test_limits_come_from_settings(db, clock):
    async def shared():
        yield db

    staff = await make_staff(db, None)
    app = create_app(
        Settings(database_url="sqlite:///unused.db", rate_limit_sign_in=50), db_session_provider=shared, clock=clock
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        for _ in range(10):
            await c.post("/api/v1/auth/sign-in", json={"email": staff.email, "password": "wrong password"})
        ok = await c.post("/api/v1/auth/sign-in", json={"email": staff.email, "password": PASSWORD})
        assert ok.status_code == 200


async def test_idle_and_absolute_time_outs(db):
    moments = [NOW]

    async def shared():
        yield db

    staff = await make_staff(db, await make_organisation(db), "trainer")
    app = create_app(
        Settings(database_url="sqlite:///unused.db", session_idle_minutes=30, session_hours=2),
        db_session_provider=shared,
        clock=lambda: moments[-1],
    )
    async with make_client(app) as c:
        await sign_in(c, staff)
        for minutes in (20, 40, 60, 80, 100):  # active every 20 minutes: idle time-out not reached
            moments.append(NOW + timedelta(minutes=minutes))
            assert (await c.get("/api/v1/auth/me")).status_code == 200, minutes
        moments.append(NOW + timedelta(minutes=121))  # absolute time-out
        assert (await c.get("/api/v1/auth/me")).status_code == 401
        moments.append(NOW + timedelta(minutes=130))
        await sign_in(c, staff, at=moments[-1])
        moments.append(NOW + timedelta(minutes=161))  # 31 minutes idle
        assert (await c.get("/api/v1/auth/me")).status_code == 401


async def test_new_session_at_sign_in_sign_out_everywhere_and_disabled_accounts(app, client, db):
    org = await make_organisation(db)
    staff = await make_staff(db, org, "coordinator")
    await sign_in(client, staff)
    first = client.cookies[SESSION_COOKIE]
    await sign_in(client, staff)
    assert client.cookies[SESSION_COOKIE] != first
    other = make_client(app)
    other.cookies.set(SESSION_COOKIE, first)
    assert (await other.get("/api/v1/auth/me")).status_code == 401  # renewed: the old one ended
    await sign_in(other, staff)
    assert (await client.post("/api/v1/auth/sign-out-everywhere")).status_code == 204
    assert (await other.get("/api/v1/auth/me")).status_code == 401
    await sign_in(client, staff)
    admin = await make_staff(db, org, "admin")
    await sign_in(other, admin)
    # Taken off the team of their only organisation: nothing left to sign in for.
    assert (await other.post(f"/nl/staff/team/{staff.id}/remove", data={})).status_code == 303
    assert (await client.get("/api/v1/auth/me")).status_code == 401
    await other.aclose()


async def test_password_reset_by_one_time_link(client, db):
    staff = await make_staff(db, await make_organisation(db), "trainer")
    email = staff.email
    await sign_in(client, staff)
    assert (await client.get("/api/v1/auth/me")).status_code == 200
    asked = await client.post("/nl/staff/password", data={"email": email.upper()})
    assert asked.status_code == 200
    unknown = await client.post("/nl/staff/password", data={"email": "nobody@example.org"})
    assert unknown.text.count("utrecht-alert") == asked.text.count("utrecht-alert")  # the same answer
    message = await db.scalar(select(OutboxMessage).where(OutboxMessage.kind == "password_reset"))
    link = re.search(r"/nl/staff/password/(\S+)", message.body_text).group(0)
    assert (await client.get(link)).status_code == 200
    common = await client.post(link, data={"password": "welkom123"})
    assert common.status_code == 400
    assert "raden" in common.text
    done = await client.post(link, data={"password": "mijn nieuwe lange zin"})
    assert done.status_code == 303
    assert (await client.get("/api/v1/auth/me")).status_code == 401  # every session ended
    again = await client.post(link, data={"password": "nog een andere zin"})
    assert again.status_code == 404
    await db.refresh(staff)  # the refused password's rollback expired it
    staff.totp_last_step = None  # the code of this moment was used by the first sign-in
    code = second_factor_code(staff)
    ok = await client.post(
        "/api/v1/auth/sign-in", json={"email": email, "password": "mijn nieuwe lange zin", "code": code}
    )
    assert ok.status_code == 200


async def test_admin_invites_a_colleague_who_chooses_a_password(client, db):
    org = await make_organisation(db)
    elsewhere = (await make_organisation(db, "Ander CJG")).id
    admin = await make_staff(db, org, "admin")
    await sign_in(client, admin)
    org_id = org.id
    refused = await client.post("/en/staff/team/invitations", data={"organisation_id": str(org_id), "email": "x"})
    assert refused.status_code == 400
    assert "Choose at least one role" in refused.text
    other_org = await client.post(
        "/nl/staff/team/invitations",
        data={"organisation_id": str(elsewhere), "email": "a@example.org", "full_name": "A", "roles": "trainer"},
    )
    assert other_org.status_code == 403
    invited = await client.post(
        "/nl/staff/team/invitations",
        data={
            "organisation_id": str(org_id),
            "email": "nieuw@example.org",
            "full_name": "Nieuwe Collega",
            "roles": ["guest_teacher", "volunteer"],
            "language": "tr",
        },
    )
    assert invited.status_code == 303
    message = await db.scalar(select(OutboxMessage).where(OutboxMessage.kind == "staff_invitation"))
    assert message.language == "tr"
    assert message.to_address == "nieuw@example.org"
    link = re.search(r"/tr/staff/invitations/(\S+)", message.body_text).group(0)
    no_password = await client.post("/api/v1/auth/sign-in", json={"email": "nieuw@example.org", "password": "!"})
    assert no_password.status_code == 401
    page = await client.get(link)
    assert page.status_code == 200
    assert 'name="password"' in page.text
    chosen = await client.post(link, data={"action": "password", "password": "een zin van mij zelf"})
    assert chosen.status_code == 303
    me = await client.post(
        "/api/v1/auth/sign-in", json={"email": "nieuw@example.org", "password": "een zin van mij zelf"}
    )
    assert {r["role"] for r in me.json()["roles"]} == {"guest_teacher", "volunteer"}


async def test_an_organisation_can_require_the_second_factor_of_all_staff(app, client, db):
    org = await make_organisation(db)
    volunteer = await make_staff(db, org, "volunteer")
    admin = await make_staff(db, org, "admin")
    await sign_in(client, volunteer)
    assert (await client.get("/nl/staff/agenda")).status_code == 200
    async with make_client(app) as c:
        await sign_in(c, admin)
        rule = await c.post("/nl/staff/team/second-factor", data={"organisation_id": str(org.id), "required": "1"})
        assert rule.status_code == 303
    page = await client.get("/nl/staff/agenda")
    assert page.status_code == 303
    assert "second-factor" in page.headers["location"]


async def test_a_sign_in_that_owes_its_second_factor_lapses(db):
    moments = [NOW]

    async def shared():
        yield db

    org = await make_organisation(db)
    admin = await make_staff(db, org, "admin")
    app = create_app(
        Settings(database_url="sqlite:///unused.db"), db_session_provider=shared, clock=lambda: moments[-1]
    )
    async with make_client(app) as c:
        await page_sign_in(c, admin)
        assert (await c.get("/nl/staff/second-factor")).status_code == 200
        moments.append(NOW + timedelta(minutes=11))
        lapsed = await c.get("/nl/staff/second-factor")
        assert lapsed.status_code == 303
        assert "/staff/sign-in" in lapsed.headers["location"]
