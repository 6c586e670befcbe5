"""Every API error is an RFC 9457 problem (application/problem+json) in the person's language,
and every /api/ answer, errors and unknown paths included, carries the API-Version header."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from groepsaanbod.api_design.problems import INVALID_INPUT, NOT_FOUND, NOT_SIGNED_IN, PROBLEM_BASE, TOO_MANY
from groepsaanbod.api_design.versions import API_VERSION
from groepsaanbod.app import create_app
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.registration.models import Registration
from groepsaanbod.settings import Settings
from tests.factories import PASSWORD, make_organisation, make_staff, sign_in
from tests.integration.attendance.world import build_world
from tests.integration.registration.helpers import person, published_programme

PROBLEM = "application/problem+json"
SIGN_IN = "/api/v1/auth/sign-in"


def assert_problem(response: httpx.Response, status: int, path: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.headers["api-version"] == API_VERSION
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith(PROBLEM_BASE)
    assert body["title"]
    assert body["detail"]
    assert body["instance"] == path
    return body


async def test_an_unknown_api_path_is_a_problem_in_arabic_with_the_version(client):
    response = await client.get("/api/v1/nothing-here", headers={"Accept-Language": "ar"})
    body = assert_problem(response, 404, "/api/v1/nothing-here")
    assert body["type"] == NOT_FOUND.type
    assert body["title"] == gettext("ar", NOT_FOUND.title)
    assert body["title"] != NOT_FOUND.title, "the title is translated"
    # Outside /api/ no version is claimed; pages stay pages.
    page = await client.get("/nl/no-such-page")
    assert "api-version" not in page.headers
    assert page.headers["content-type"].startswith("text/html")


async def test_success_answers_carry_the_version(client):
    for path in ("/api/v1/catalogue", "/api/v1", "/api/v1/openapi.json"):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert response.headers["api-version"] == API_VERSION, path


async def test_not_signed_in_is_a_401_problem_in_dutch(client):
    response = await client.get("/api/v1/programmes?lang=nl")
    body = assert_problem(response, 401, "/api/v1/programmes")
    assert body["type"] == NOT_SIGNED_IN.type
    assert body["title"] == gettext("nl", NOT_SIGNED_IN.title)


async def test_another_organisation_is_a_403_problem(client, db):
    world = await build_world(db, "problem-403")
    await sign_in(client, await make_staff(db, await make_organisation(db, "Elders"), "coordinator"))
    response = await client.get(f"/api/v1/organisations/{world.org_id}/report")
    assert_problem(response, 403, f"/api/v1/organisations/{world.org_id}/report")


async def test_invalid_body_names_each_field_as_a_json_pointer_in_the_persons_language(client, db):
    await published_programme(db, "kids-en-koffie", "problem-kids")
    path = "/api/v1/catalogue/problem-kids/registrations"
    body = person(1, child_birth_date="2020-01-01", full_name="")
    before = await db.scalar(select(func.count()).select_from(Registration))
    response = await client.post(path, json=body, headers={"Accept-Language": "ar"})
    problem = assert_problem(response, 422, path)
    assert problem["type"] == INVALID_INPUT.type
    assert problem["title"] == gettext("ar", INVALID_INPUT.title)
    assert problem["errors"], problem
    for error in problem["errors"]:
        assert error["in"] == "body"
        assert error["location"].startswith("#/")
        assert error["code"]
        assert error["detail"]
        # Deprecated members of 1.0, kept until 1.2.0.
        assert error["message"] == error["detail"]
        assert error["location"] == "#/" + error["field"].replace(".", "/")
    assert problem["status_code"] == 422
    assert await db.scalar(select(func.count()).select_from(Registration)) == before, "nothing is saved"


async def test_query_keys_are_lower_camel_case_and_the_old_names_still_work(client, db):
    world = await build_world(db, "problem-query")
    await sign_in(client, await make_staff(db, await db.get(Organisation, world.org_id), "coordinator"))
    path = f"/api/v1/organisations/{world.org_id}/report"
    period = "start=2026-01-01&end=2026-12-31"
    new = await client.get(f"{path}?{period}&programmeId={world.programme_id}&cohortId={world.cohort_id}")
    old = await client.get(f"{path}?{period}&programme_id={world.programme_id}&cohort_id={world.cohort_id}")
    assert new.status_code == old.status_code == 200
    assert new.json() == old.json()
    # A value out of range, or not a number, is refused naming the key as sent, in the query.
    for query, status in ((f"cohortId={2**31}", 422), ("cohortId=seven", 400), (f"cohort_id={2**31}", 422)):
        response = await client.get(f"{path}?{query}", headers={"Accept-Language": "tr"})
        problem = assert_problem(response, status, path)
        key = query.split("=")[0]
        assert [(e["in"], e["location"]) for e in problem["errors"]] == [("query", key)], problem
        assert problem["title"] == gettext("tr", INVALID_INPUT.title)


async def test_unreadable_json_is_a_400_problem(client):
    response = await client.post(
        "/api/v1/auth/sign-in", content=b"{not json", headers={"content-type": "application/json"}
    )
    body = assert_problem(response, 400, "/api/v1/auth/sign-in")
    assert body["type"] == INVALID_INPUT.type
    assert body["errors"] == []


async def test_too_many_sign_ins_is_a_429_problem_with_retry_after(db, clock):
    async def shared():
        yield db

    staff = await make_staff(db, None)
    app = create_app(
        Settings(database_url="sqlite:///unused.db", rate_limit_sign_in=2), db_session_provider=shared, clock=clock
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        for _ in range(3):
            last = await c.post(
                "/api/v1/auth/sign-in", json={"email": staff.email, "password": "wrong"}, params={"lang": "pl"}
            )
        blocked = await c.post(
            "/api/v1/auth/sign-in", json={"email": staff.email, "password": PASSWORD}, params={"lang": "pl"}
        )
    assert last.status_code in (401, 429)
    body = assert_problem(blocked, 429, "/api/v1/auth/sign-in")
    assert body["type"] == TOO_MANY.type
    assert body["title"] == gettext("pl", TOO_MANY.title)
    assert int(blocked.headers["retry-after"]) > 0


async def test_a_body_too_large_is_a_413_problem(client):
    response = await client.post(
        "/api/v1/auth/sign-in", content=b"x" * 600_000, headers={"content-type": "application/json"}
    )
    assert_problem(response, 413, "/api/v1/auth/sign-in")


async def test_a_method_the_route_does_not_take_is_a_problem(client):
    response = await client.delete("/api/v1/catalogue")
    assert_problem(response, 405, "/api/v1/catalogue")
