"""Security headers on every answer; CSRF refused on pages and the API."""

from __future__ import annotations

import re

import httpx

from groepsaanbod.accounts.guards import SESSION_COOKIE
from groepsaanbod.app import create_app
from groepsaanbod.protection.encryption import new_key
from groepsaanbod.settings import Settings
from tests.factories import PASSWORD, make_staff


def plain_client(app) -> httpx.AsyncClient:
    """A browser-like client: no CSRF header of its own."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_every_kind_of_answer_carries_the_security_headers(client):
    for path in ("/nl/", "/api/v1/catalogue", "/static/site.css", "/nl/no-such-page", "/feeds/unknown.ics"):
        response = await client.get(path)
        csp = response.headers["content-security-policy"]
        assert "unsafe-inline" not in csp, path
        assert "frame-ancestors 'none'" in csp, path
        assert "script-src 'self'" in csp, path
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "strict-transport-security" not in response.headers  # development: a loopback address


async def test_outside_development_hsts_and_secure_cookies(db, clock):
    async def shared():
        yield db

    staff = await make_staff(db, None)
    app = create_app(
        Settings(
            database_url="sqlite:///unused.db",
            base_url="https://groepsaanbod.example",
            encryption_keys=(new_key(),),
        ),
        db_session_provider=shared,
        clock=clock,
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver") as c:
        page = await c.get("/nl/staff/sign-in")
        assert "max-age=" in page.headers["strict-transport-security"]
        assert all("secure" in cookie.lower() for cookie in page.headers.get_list("set-cookie"))
        signed = await c.post("/api/v1/auth/sign-in", json={"email": staff.email, "password": PASSWORD})
        session = [h for h in signed.headers.get_list("set-cookie") if h.startswith(f"__Host-{SESSION_COOKIE}=")]
        assert session
        assert "Secure" in session[0]
        assert "HttpOnly" in session[0]


async def test_a_page_form_without_its_token_is_refused_in_the_persons_language(app, db):
    staff = await make_staff(db, None)
    async with plain_client(app) as c:
        forged = await c.post("/tr/staff/sign-in", data={"email": staff.email, "password": PASSWORD})
        assert forged.status_code == 403
        assert "form" in forged.text.lower()
        assert SESSION_COOKIE not in forged.cookies
        page = await c.get("/tr/staff/sign-in")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        assert c.cookies["ga_csrf"]
        assert c.cookies["ga_csrf"] != token  # made from the cookie, not equal to it
        honest = await c.post(
            "/tr/staff/sign-in",
            data={"email": staff.email, "password": PASSWORD, "csrf_token": token},
            # What Chromium sends for our own form under Referrer-Policy: no-referrer.
            headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
        )
        assert honest.status_code == 303
        wrong = await c.post("/tr/staff/sign-out", data={"csrf_token": "guessed"})
        assert wrong.status_code == 403


async def test_api_refuses_what_another_site_could_send_and_takes_json(app, db):
    staff = await make_staff(db, None)
    async with plain_client(app) as c:
        as_form = await c.post("/api/v1/auth/sign-in", data={"email": staff.email, "password": PASSWORD})
        assert as_form.status_code == 403
        assert "application/json" in as_form.json()["detail"]
        cross = await c.post(
            "/api/v1/auth/sign-in",
            json={"email": staff.email, "password": PASSWORD},
            headers={"Origin": "https://evil.example", "Accept-Language": "en"},
        )
        assert cross.status_code == 403
        fetch_meta = await c.post(
            "/api/v1/auth/sign-in",
            json={"email": staff.email, "password": PASSWORD},
            headers={"Sec-Fetch-Site": "cross-site"},
        )
        assert fetch_meta.status_code == 403
        same = await c.post(
            "/api/v1/auth/sign-in",
            json={"email": staff.email, "password": PASSWORD},
            headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
        )
        assert same.status_code == 200
