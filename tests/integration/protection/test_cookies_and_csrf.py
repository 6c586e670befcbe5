"""Cookies carry the `__Host-` prefix outside development; a page form's CSRF token is bound to
the session (or anonymous pre-session) it was made for; /metrics wants a token outside
development."""

from __future__ import annotations

import re

import httpx
import pytest

from groepsaanbod.app import create_app
from groepsaanbod.settings import Settings
from tests.conftest import make_client
from tests.factories import PASSWORD, make_organisation, make_staff, sign_in

PRODUCTION = "https://groepsaanbod.example"
TOKEN_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def app_with(db, clock, **settings):
    async def shared():
        yield db

    defaults = {"database_url": "sqlite:///unused.db"}
    if settings.get("base_url", "").startswith("https://"):
        # Outside development the app refuses to start without encryption keys.
        defaults["encryption_keys"] = ("Ry-Y2cQvDsKnX0W4lQhSeobjdn7VAj8HM1ozHH_ysAs=",)
    return create_app(Settings(**{**defaults, **settings}), db_session_provider=shared, clock=clock)


def cookie_headers(response: httpx.Response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.get_list("set-cookie")}


async def test_outside_development_every_cookie_carries_the_host_prefix(db, clock):
    staff = await make_staff(db, await make_organisation(db), "volunteer")
    app = app_with(db, clock, base_url=PRODUCTION)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PRODUCTION) as c:
        page = await c.get("/nl/staff/sign-in")
        set_cookies = cookie_headers(page)
        assert set(set_cookies) == {"__Host-lang", "__Host-ga_csrf"}
        signed = await c.post("/api/v1/auth/sign-in", json={"email": staff.email, "password": PASSWORD})
        set_cookies |= cookie_headers(signed)
        assert "__Host-ga_session" in set_cookies
        assert "ga_session" not in set_cookies
        for name, header in set_cookies.items():
            attributes = header.lower()
            assert "; secure" in attributes, name
            assert "; path=/" in attributes, name
            assert "domain=" not in attributes, name
        me = await c.get("/api/v1/auth/me")
        assert me.status_code == 200
        # A cookie without the prefix (one a neighbouring subdomain could plant) is not read.
        token = c.cookies["__Host-ga_session"]
        c.cookies.clear()
        c.cookies.set("ga_session", token)
        assert (await c.get("/api/v1/auth/me")).status_code == 401
        c.cookies.clear()
        c.cookies.set("__Host-ga_session", token)
        home = await c.get("/nl/staff/")
        form_token = TOKEN_FIELD.search(home.text).group(1)
        out = await c.post("/nl/staff/sign-out", data={"csrf_token": form_token})
        assert out.status_code == 303
        assert cookie_headers(out)["__Host-ga_session"].lower().count("max-age=0") == 1


async def test_in_development_the_cookies_keep_their_plain_names(db, clock):
    app = app_with(db, clock)
    async with make_client(app) as c:
        c.cookies.clear()
        page = await c.get("/nl/staff/sign-in")
    assert set(cookie_headers(page)) == {"lang", "ga_csrf"}
    assert all("secure" not in header.lower() for header in cookie_headers(page).values())


async def form_token(client: httpx.AsyncClient, path: str) -> str:
    return TOKEN_FIELD.search((await client.get(path)).text).group(1)


async def test_a_csrf_token_from_another_persons_session_is_refused(app, db):
    org = await make_organisation(db)
    anna, bram = await make_staff(db, org, "volunteer"), await make_staff(db, org, "volunteer")
    async with make_client(app) as victim, make_client(app) as attacker:
        await sign_in(victim, anna)
        await sign_in(attacker, bram)
        stolen = await form_token(victim, "/nl/staff/")
        # The attacker sends the victim's token, also with the victim's pre-session cookie planted.
        attacker.cookies.set("ga_csrf", victim.cookies["ga_csrf"])
        for token in (stolen, victim.cookies["ga_csrf"]):
            refused = await attacker.post(
                "/nl/staff/sign-out-everywhere", data={"csrf_token": token}, headers={"X-CSRF-Token": token}
            )
            assert refused.status_code == 403
        assert (await attacker.get("/api/v1/auth/me")).status_code == 200  # nothing happened
        own = await form_token(attacker, "/nl/staff/")
        assert own != stolen
        done = await attacker.post(
            "/nl/staff/sign-out-everywhere", data={"csrf_token": own}, headers={"X-CSRF-Token": own}
        )
        assert done.status_code == 303
        assert (await attacker.get("/api/v1/auth/me")).status_code == 401
        assert (await victim.get("/api/v1/auth/me")).status_code == 200


async def test_a_token_made_before_signing_in_does_not_work_after(app, db):
    staff = await make_staff(db, await make_organisation(db), "volunteer")
    async with make_client(app) as c:
        anonymous = await form_token(c, "/nl/staff/sign-in")
        await sign_in(c, staff)
        stale = await c.post("/nl/staff/sign-out", data={"csrf_token": anonymous}, headers={"X-CSRF-Token": anonymous})
        assert stale.status_code == 403
        signed_in = await form_token(c, "/nl/staff/")
        assert signed_in != anonymous


@pytest.mark.parametrize("path", ["/nl/staff/sign-in", "/nl/new-link", "/nl/staff/password"])
async def test_anonymous_forms_work_with_their_own_pre_session_token(app, db, path):
    """As a browser: no token of its own, only what the page gives."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as browser:
        token = await form_token(browser, path)
        assert browser.cookies["ga_csrf"]
        assert token != browser.cookies["ga_csrf"]
        honest = await browser.post(path, data={"csrf_token": token, "email": "nobody@example.org", "password": "x"})
        assert honest.status_code in (200, 303, 400), honest.text[:300]
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as other:
            await other.get(path)  # a pre-session of its own
            replayed = await other.post(path, data={"csrf_token": token, "email": "nobody@example.org"})
            assert replayed.status_code == 403


async def test_metrics_outside_development_need_a_token(db, clock):
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app_with(db, clock, base_url=PRODUCTION)), base_url=PRODUCTION
    ) as c:
        hidden = await c.get("/metrics")
        assert hidden.status_code == 404
        assert "groepsaanbod_" not in hidden.text
    with_token = app_with(db, clock, base_url=PRODUCTION, metrics_token="scrape-me")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=with_token), base_url=PRODUCTION) as c:
        assert (await c.get("/metrics")).status_code == 401
        assert (await c.get("/metrics", headers={"Authorization": "Bearer wrong"})).status_code == 401
        allowed = await c.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
        assert allowed.status_code == 200
        assert "groepsaanbod_outbox_depth" in allowed.text
    async with make_client(app_with(db, clock)) as c:
        assert (await c.get("/metrics")).status_code == 200  # development: open, as before
