"""Every route states who may use it, and nobody signed out gets staff data.

Walks the app's own route list, so a new route cannot be forgotten.
"""

from __future__ import annotations

import re

import pytest

from tests.factories import make_organisation, make_staff, sign_in

FRAMEWORK_ROUTES = ("/schema",)  # Litestar's own OpenAPI document: public by nature


def handlers(app):
    for route in app.routes:
        if route.path.startswith(FRAMEWORK_ROUTES):
            continue
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(getattr(handler, "http_methods", ["GET"])):
                if method == "OPTIONS":
                    continue  # Litestar answers these itself, with an Allow header and no data
                yield route.path, method, handler


def concrete(path: str) -> str:
    path = path.replace("{lang:str}", "nl")
    path = re.sub(r"\{[a-z_]+:int\}", "1", path)
    path = re.sub(r"\{[a-z_]+:path\}", "site.css", path)
    return re.sub(r"\{[a-z_]+:str\}", "x", path)


def test_every_route_states_its_roles_or_that_it_is_public(app):
    missing = [
        f"{method} {path}" for path, method, h in handlers(app) if "roles" not in h.opt and "public" not in h.opt
    ]
    assert not missing, f"routes without opt roles/public: {missing}"


async def test_staff_routes_refuse_nobody(app, client):
    checked = 0
    for path, method, handler in handlers(app):
        if "roles" not in handler.opt:
            continue
        response = await client.request(method, concrete(path), json={} if path.startswith("/api/") else None)
        if path.startswith("/api/"):
            assert response.status_code == 401, (method, path, response.status_code)
        else:
            assert response.status_code == 303, (method, path)
            assert "/staff/sign-in" in response.headers["location"], (method, path)
        checked += 1
    assert checked >= 20


@pytest.mark.parametrize("role", ["volunteer", "mentor", "midwife", "cjg_staff", "trainer", "guest_teacher"])
async def test_editor_routes_refuse_other_roles(app, client, db, role):
    org = await make_organisation(db)
    await sign_in(client, await make_staff(db, org, role))
    for path, method, handler in handlers(app):
        roles = handler.opt.get("roles")
        if roles is None or role in roles:
            continue
        response = await client.request(method, concrete(path), json={} if path.startswith("/api/") else None)
        assert response.status_code == 403, (role, method, path, response.status_code)
