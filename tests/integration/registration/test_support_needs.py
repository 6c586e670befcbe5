"""Support needs, asked once and used (issue 17 item 5): at sign-up (page and API, optional, with
why it is asked), bounded and checked (nothing saved when refused), seen and changed on her own
page (recorded in the history), in her data export, and erased with her."""

from __future__ import annotations

from sqlalchemy import func, select

from groepsaanbod.history.models import RegistrationEvent
from groepsaanbod.registration.models import Registration
from tests.integration.registration.helpers import person as anyone
from tests.integration.registration.helpers import published_programme, sign_up

TIGRINYA_NEEDS = {
    "interpreter": True,
    "interpreter_language": "ti",
    "children": 2,
    "partner": True,
    "travel": True,
    "access": ["wheelchair", "hearing"],
    "access_note": "Ik kan geen trappen lopen.",
}
STORED = {
    "interpreter": "ti",
    "children": 2,
    "partner": True,
    "travel": True,
    "access": ["hearing", "wheelchair"],
    "access_note": "Ik kan geen trappen lopen.",
}


def person(n: int, **extra) -> dict:
    """A parent signing up for Triple P, which asks the date of birth of the child."""
    return anyone(n, child_birth_date="2022-05-01", **extra)


async def _registrations(db) -> int:
    return await db.scalar(select(func.count()).select_from(Registration))


async def _support(db, registration_id: int):
    db.expunge_all()
    return (await db.get(Registration, registration_id)).support


async def test_the_sign_up_page_asks_why_and_stores_the_answers(client, db):
    await published_programme(db, "triple-p-group", "triple-help")
    page = await client.get("/nl/programmes/triple-help/register")
    assert page.status_code == 200
    assert 'id="support"' in page.text
    assert 'aria-describedby="support-why"' in page.text
    assert "Tigrinya" in page.text
    assert "Oekraïens" in page.text
    form = {
        **{k: v for k, v in person(1).items() if k != "consent"},
        "consent": "yes",
        "support_interpreter": "yes",
        "support_interpreter_language": "ti",
        "support_children": "2",
        "support_partner": "yes",
        "support_travel": "yes",
        "support_access": ["wheelchair", "hearing"],
        "support_access_note": "Ik kan geen trappen lopen.",
    }
    answer = await client.post("/nl/programmes/triple-help/register", data=form)
    assert answer.status_code in (302, 303), answer.text
    registration = await db.scalar(select(Registration))
    assert registration.support == STORED


async def test_the_api_takes_them_and_says_which_languages(client, db):
    await published_programme(db, "triple-p-group", "triple-api")
    form = (await client.get("/api/v1/catalogue/triple-api/form")).json()
    assert {"ti", "fa", "fa_AF", "uk", "zgh", "zh", "nl"} <= set(form["interpreter_languages"])
    told = await sign_up(client, db, "triple-api", person(1, support=TIGRINYA_NEEDS))
    assert await _support(db, told["registration_id"]) == STORED
    nothing = await sign_up(client, db, "triple-api", person(2))
    assert await _support(db, nothing["registration_id"]) is None
    empty = await sign_up(client, db, "triple-api", person(3, support={"children": 0}))
    assert await _support(db, empty["registration_id"]) is None  # asking for nothing stores nothing


async def test_out_of_bounds_and_hostile_answers_are_refused_and_nothing_is_saved(client, db):
    await published_programme(db, "triple-p-group", "triple-bounds")
    cases = [
        ({"interpreter": True, "interpreter_language": "xx"}, "support_interpreter_language"),
        ({"interpreter": True}, "support_interpreter_language"),
        ({"interpreter_language": "<script>alert(1)</script>"}, "support_interpreter_language"),
        ({"children": 99}, "support_children"),
        ({"children": -1}, "support_children"),
        ({"access": ["teleport"]}, "support_access"),
        ({"access_note": "x" * 301}, "support_access_note"),
        ({"access_note": "regel\nregel"}, "support_access_note"),
        ({"access_note": "evil \u202e text"}, "support_access_note"),
    ]
    for support, field in cases:
        refused = await client.post(
            "/api/v1/catalogue/triple-bounds/registrations",
            json=person(1, support=support),
            headers={"Accept-Language": "en"},
        )
        assert refused.status_code == 422, (support, refused.text)
        errors = refused.json()["errors"]
        assert [e["field"] for e in errors] == [field], errors
        assert "<script>" not in refused.text
    wrong_type = await client.post(
        "/api/v1/catalogue/triple-bounds/registrations", json=person(1, support={"children": "many" * 1000})
    )
    assert wrong_type.status_code in (400, 422)
    page = await client.post(
        "/en/programmes/triple-bounds/register",
        data={**person(2), "consent": "yes", "support_children": "99", "support_interpreter_language": "klingon"},
    )
    assert page.status_code == 400
    assert 'id="support_children-error"' in page.text
    assert "from 0 to 6" in page.text
    assert 'id="support_interpreter_language-error"' in page.text
    assert "klingon" not in page.text
    assert await _registrations(db) == 0


async def test_she_sees_and_changes_them_on_her_own_page_recorded_in_the_history(client, db):
    await published_programme(db, "triple-p-group", "triple-own")
    told = await sign_up(client, db, "triple-own", person(1))
    token, rid = told["token"], told["registration_id"]
    mine = await client.get(f"/nl/my/{token}")
    assert f"/nl/my/{token}/support" in mine.text
    page = await client.get(f"/nl/my/{token}/support")
    assert page.status_code == 200
    assert 'id="support-why"' in page.text
    saved = await client.post(
        f"/nl/my/{token}/support",
        data={"support_interpreter_language": "ar", "support_children": "1", "support_access": ["sight"]},
    )
    assert saved.status_code in (302, 303)
    assert saved.headers["location"].endswith("?done=support")
    assert (await _support(db, rid)) == {
        "interpreter": "ar",
        "children": 1,
        "partner": False,
        "travel": False,
        "access": ["sight"],
        "access_note": "",
    }
    again = await client.get(f"/nl/my/{token}/support")
    assert 'value="ar" selected' in again.text
    assert 'value="sight" checked' in again.text

    refused = await client.post(f"/nl/my/{token}/support", data={"support_children": "7"})
    assert refused.status_code == 400
    assert "support_children-error" in refused.text
    assert (await _support(db, rid))["children"] == 1  # nothing half-saved

    by_api = await client.post(f"/api/v1/my/{token}/support", json={"partner": True})
    assert by_api.status_code == 200, by_api.text
    assert by_api.json()["partner"] is True
    assert by_api.json()["interpreter"] is False
    assert (await client.get(f"/api/v1/my/{token}/support")).json()["partner"] is True
    bad = await client.post(f"/api/v1/my/{token}/support", json={"children": 99})
    assert bad.status_code == 422
    assert (await _support(db, rid))["partner"] is True
    cleared = await client.post(f"/api/v1/my/{token}/support", json={})
    assert cleared.json() == {
        "interpreter": False,
        "interpreter_language": "",
        "children": 0,
        "partner": False,
        "travel": False,
        "access": [],
        "access_note": "",
    }
    assert await _support(db, rid) is None

    events = list(
        await db.scalars(
            select(RegistrationEvent).where(
                RegistrationEvent.registration_id == rid, RegistrationEvent.action == "support_changed"
            )
        )
    )
    assert len(events) == 3
    assert all(e.actor_staff_id is None for e in events)
    assert events[0].details == {"asks": ["interpreter", "children", "access"]}

    assert (await client.get("/nl/my/not-a-real-token-at-all-xxxxxxxx/support")).status_code == 404
    assert (await client.post("/api/v1/my/not-a-real-token-at-all-xxxxxxxx/support", json={})).status_code == 404


async def test_after_stopping_there_is_nothing_to_change(client, db):
    await published_programme(db, "triple-p-group", "triple-stop")
    told = await sign_up(client, db, "triple-stop", person(1, support={"travel": True}))
    token = told["token"]
    assert (await client.post(f"/api/v1/my/{token}/withdraw")).status_code == 200
    refused = await client.post(f"/api/v1/my/{token}/support", json={"partner": True})
    assert refused.status_code == 422
    assert (await client.get(f"/nl/my/{token}/support")).status_code in (302, 303)
    assert (await _support(db, told["registration_id"])) == {
        "interpreter": None,
        "children": 0,
        "partner": False,
        "travel": True,
        "access": [],
        "access_note": "",
    }


async def test_her_data_export_shows_them_and_erasure_clears_them(client, db):
    await published_programme(db, "triple-p-group", "triple-erase")
    told = await sign_up(client, db, "triple-erase", person(1, support=TIGRINYA_NEEDS))
    token = told["token"]
    exported = (await client.get(f"/api/v1/my/{token}/data")).json()
    assert exported["registrations"][0]["support"] == STORED
    assert (await client.post(f"/nl/my/{token}/erase")).status_code == 200
    assert await _support(db, told["registration_id"]) is None
