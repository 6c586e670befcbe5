"""Staff sign in with email and password; server-side sessions in an HttpOnly cookie."""

from __future__ import annotations

from sqlalchemy import func, select

from groepsaanbod.accounts.guards import SESSION_COOKIE
from groepsaanbod.accounts.models import StaffSession
from tests.factories import PASSWORD, make_organisation, make_staff, page_sign_in, sign_in


async def test_sign_in_sets_http_only_cookie_and_me_shows_roles(client, db):
    org = await make_organisation(db)
    staff = await make_staff(db, org, "coordinator", "trainer")
    response = await sign_in(client, staff)
    cookie = response.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie.replace("Lax", "lax")
    me = (await client.get("/api/v1/auth/me")).json()
    assert me["email"] == staff.email
    assert {r["role"] for r in me["roles"]} == {"coordinator", "trainer"}
    # Only the hash of the token is stored.
    token = client.cookies[SESSION_COOKIE]
    stored = list(await db.scalars(select(StaffSession.token_hash)))
    assert token not in stored
    assert len(stored) == 1


async def test_password_is_stored_as_argon2_hash(db):
    staff = await make_staff(db, None)
    assert staff.password_hash.startswith("$argon2id$")
    assert PASSWORD not in staff.password_hash


async def test_wrong_password_is_refused_in_the_persons_language(client, db):
    staff = await make_staff(db, None)
    response = await client.post(
        "/api/v1/auth/sign-in", json={"email": staff.email, "password": "wrong"}, headers={"Accept-Language": "tr"}
    )
    assert response.status_code == 401
    assert "e-posta" in response.json()["detail"].lower()
    assert SESSION_COOKIE not in response.cookies
    unknown = await client.post("/api/v1/auth/sign-in", json={"email": "nobody@example.org", "password": "x"})
    assert unknown.status_code == 401


async def test_email_is_matched_without_case(client, db):
    staff = await make_staff(db, None, email="Mixed.Case@Example.org")
    response = await client.post(
        "/api/v1/auth/sign-in", json={"email": " MIXED.case@example.ORG ", "password": PASSWORD}
    )
    assert response.status_code == 200, staff.email


async def test_sign_out_ends_the_server_side_session(client, db):
    staff = await make_staff(db, None)
    await sign_in(client, staff)
    token = client.cookies[SESSION_COOKIE]
    assert (await client.post("/api/v1/auth/sign-out")).status_code == 204
    assert await db.scalar(select(func.count()).select_from(StaffSession)) == 0
    client.cookies.set(SESSION_COOKIE, token)
    assert (await client.get("/api/v1/auth/me")).status_code == 401


async def test_disabled_account_cannot_sign_in_and_loses_its_sessions(client, db):
    staff = await make_staff(db, None)
    await sign_in(client, staff)
    staff.active = False
    await db.commit()
    assert (await client.get("/api/v1/auth/me")).status_code == 401
    refused = await client.post("/api/v1/auth/sign-in", json={"email": staff.email, "password": PASSWORD})
    assert refused.status_code == 401


async def test_sign_in_page_flow_redirects_to_next(client, db):
    org = await make_organisation(db)
    staff = await make_staff(db, org, "coordinator")
    page = await client.get("/nl/staff/programmes")
    assert page.status_code == 303
    assert page.headers["location"].startswith("/nl/staff/sign-in?next=")
    form = await client.get(page.headers["location"])
    assert form.status_code == 200
    assert 'name="password"' in form.text
    bad = await client.post(
        "/nl/staff/sign-in", data={"email": staff.email, "password": "nope", "next": "/nl/staff/programmes"}
    )
    assert bad.status_code == 400
    assert "wachtwoord" in bad.text.lower()
    good = await page_sign_in(client, staff, next="/nl/staff/programmes")  # password, then the code
    assert good.status_code == 303
    assert good.headers["location"] == "/nl/staff/programmes"
    assert (await client.get("/nl/staff/programmes")).status_code == 200


async def test_next_never_leads_to_another_site(client, db):
    staff = await make_staff(db, None)
    response = await client.post(
        "/en/staff/sign-in", data={"email": staff.email, "password": PASSWORD, "next": "//evil.example/"}
    )
    assert response.headers["location"] == "/en/staff/"


async def test_role_is_checked(client, db):
    org = await make_organisation(db)
    volunteer = await make_staff(db, org, "volunteer")
    await sign_in(client, volunteer)
    assert (await client.get("/api/v1/programmes")).status_code == 403
    page = await client.get("/pl/staff/programmes")
    assert page.status_code == 403
    assert 'lang="pl"' in page.text
