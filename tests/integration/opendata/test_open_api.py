"""The open API and the programme page's JSON-LD, as a municipality's site and a search engine use them."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.programmes.models import Programme
from tests.factories import make_staff, sign_in
from tests.integration.registration.helpers import person, published_programme, sign_up

SLUG = "open-triple-p"
HOSTILE = "</script><script>alert(1)</script>"
LD_BLOCK = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def assert_event_series(doc: dict) -> None:
    """What schema.org and search engines ask of an EventSeries and its Events: types, a name, dates
    with a time zone, a place with an address, the status, and free of charge."""
    assert doc["@type"] == "EventSeries"
    for key in ("name", "url", "inLanguage", "audience", "organizer", "location", "subEvent"):
        assert doc.get(key), key
    assert doc["isAccessibleForFree"] is True
    assert doc["organizer"]["@type"] == "Organization"
    assert doc["audience"]["@type"] == "PeopleAudience"
    for event in doc["subEvent"]:
        assert event["@type"] == "Event"
        assert event["name"]
        for moment in (event["startDate"], event["endDate"]):
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", moment), moment
        assert event["eventStatus"].startswith("https://schema.org/Event")
        assert event["location"]["@type"] == "Place"
        assert event["location"]["address"]["@type"] == "PostalAddress"
        assert event["location"]["address"]["addressLocality"]


async def open_world(client, db) -> dict:
    """A published Triple P in Eindhoven with one forming group (one member) and its eight weekly
    meetings from 2 March 2027, the second one cancelled."""
    org, pid = await published_programme(db, "triple-p-group", SLUG, revision={"min_group_size": 1})
    await sign_up(client, db, SLUG, person(1, child_birth_date="2021-01-01"))
    cohort = await db.scalar(select(Cohort).where(Cohort.programme_id == pid))
    staff = await make_staff(db, org, "coordinator")
    await sign_in(client, staff)
    planned = await client.post(
        f"/api/v1/cohorts/{cohort.id}/schedule", json={"weekday": 1, "start_time": "19:30", "start_date": "2027-03-02"}
    )
    assert planned.status_code in (200, 201), planned.text
    sessions = planned.json()["sessions"]
    cancelled = await client.post(f"/api/v1/sessions/{sessions[1]['id']}/cancel", json={"reason": "Trainer ziek"})
    assert cancelled.status_code in (200, 201), cancelled.text
    await client.post("/api/v1/auth/sign-out")
    client.cookies.clear()
    return {"org": org, "programme_id": pid, "cohort": cohort, "sessions": sessions}


async def test_the_offer_with_groups_meetings_and_time_zone(client, db):
    world = await open_world(client, db)
    answer = await client.get("/api/v1/open/programmes", params={"from": "2027-01-01", "to": "2027-12-31"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["access-control-allow-origin"] == "*"
    assert answer.headers["cache-control"] == "public, max-age=300"
    assert "set-cookie" not in answer.headers
    body = answer.json()
    assert body["maxProgrammes"] == 200
    assert body["moreProgrammes"] is False
    (programme,) = body["programmes"]
    assert programme["slug"] == SLUG
    assert programme["freeOfCharge"] is True
    assert programme["signUpUrl"].endswith(f"/nl/programmes/{SLUG}/register")
    assert programme["linkedDataUrl"].endswith(f"/api/v1/open/linked-data/{SLUG}?lang=nl")
    (group,) = programme["groups"]
    assert group["id"] == world["cohort"].id
    assert group["language"] == "nl"
    assert group["status"] in ("forming", "confirmed", "running")
    first, second = group["meetings"][:2]
    assert first["start"] == "2027-03-02T19:30:00+01:00"
    assert first["timeZone"] == "Europe/Amsterdam"
    assert first["venue"] == {
        "name": "Buurthuis",
        "street": first["venue"]["street"],
        "postcode": first["venue"]["postcode"],
        "city": "Eindhoven",
    }
    assert second["status"] == "cancelled"
    assert "Trainer ziek" not in answer.text  # a reason is not public
    assert "Ouder 1" not in answer.text
    assert "ouder1@example.org" not in answer.text


async def test_filters_by_place_language_and_period(client, db):
    await open_world(client, db)
    slugs = lambda r: [p["slug"] for p in r.json()["programmes"]]  # noqa: E731
    assert slugs(await client.get("/api/v1/open/programmes", params={"place": "eindhoven"})) == [SLUG]
    assert slugs(await client.get("/api/v1/open/programmes", params={"place": "Zwolle"})) == []
    assert slugs(await client.get("/api/v1/open/programmes", params={"language": "tr"})) == [SLUG]
    # Offered in Turkish, but the group speaks Dutch: the programme without groups.
    turkish = (await client.get("/api/v1/open/programmes", params={"language": "tr"})).json()
    assert turkish["programmes"][0]["groups"] == []
    early = (await client.get("/api/v1/open/programmes", params={"from": "2027-03-01", "to": "2027-03-10"})).json()
    meetings = [m for g in early["programmes"][0]["groups"] for m in g["meetings"]]
    assert [m["start"][:10] for m in meetings] == ["2027-03-02", "2027-03-09"]


async def test_out_of_range_values_are_400_in_the_asked_language(client, db):
    await open_world(client, db)
    for params, field in (
        ({"language": "xx"}, "language"),
        ({"lang": "xx"}, "lang"),
        ({"place": "x" * 121}, "place"),
        ({"from": "1900-01-01"}, "from"),
        ({"to": "9999-12-31"}, "to"),
        ({"from": "2027-05-01", "to": "2027-04-01"}, "to"),
    ):
        answer = await client.get("/api/v1/open/programmes", params=params, headers={"Accept-Language": "en"})
        assert answer.status_code == 400, (params, answer.text)
        assert [e["field"] for e in answer.json()["errors"]] == [field]
        assert "no-store" in answer.headers["cache-control"]  # a refusal is not kept
        assert answer.headers["access-control-allow-origin"] == "*"  # but another site may read it
    dutch = await client.get("/api/v1/open/programmes", params={"language": "xx"}, headers={"Accept-Language": "nl"})
    assert "Kies een van deze talen" in dutch.json()["errors"][0]["message"]
    assert (await client.get("/api/v1/open/programmes", params={"from": "gisteren"})).status_code == 400


async def test_etag_gives_304_and_a_change_a_new_tag(client, db):
    world = await open_world(client, db)
    first = await client.get(f"/api/v1/open/programmes/{SLUG}")
    tag = first.headers["etag"]
    again = await client.get(f"/api/v1/open/programmes/{SLUG}", headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["cache-control"] == "public, max-age=300"
    programme = await db.get(Programme, world["programme_id"])
    programme.name = {**programme.name, "nl": "Triple P, nieuw"}
    await db.commit()
    changed = await client.get(f"/api/v1/open/programmes/{SLUG}", headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != tag


async def test_drafts_withdrawn_and_unknown_are_not_there(client, db):
    world = await open_world(client, db)
    staff = await make_staff(db, world["org"], "coordinator")
    await sign_in(client, staff)
    assert (await client.post(f"/api/v1/programmes/{world['programme_id']}/withdraw")).status_code == 200
    await client.post("/api/v1/auth/sign-out")
    client.cookies.clear()
    assert (await client.get("/api/v1/open/programmes")).json()["programmes"] == []
    assert (await client.get(f"/api/v1/open/programmes/{SLUG}")).status_code == 404
    assert (await client.get(f"/api/v1/open/linked-data/{SLUG}")).status_code == 404
    assert (await client.get("/api/v1/open/linked-data")).json()["@graph"] == []


async def test_linked_data_endpoints(client, db):
    await open_world(client, db)
    one = await client.get(f"/api/v1/open/linked-data/{SLUG}", params={"lang": "en", "from": "2027-01-01"})
    assert one.status_code == 200
    assert one.headers["content-type"].startswith("application/ld+json")
    assert one.headers["access-control-allow-origin"] == "*"
    doc = one.json()
    assert doc["@context"] == "https://schema.org"
    assert_event_series(doc)
    assert doc["@type"] == "EventSeries"
    assert doc["url"].endswith(f"/en/programmes/{SLUG}")
    statuses = [e["eventStatus"].rsplit("/", 1)[1] for e in doc["subEvent"]]
    assert statuses[:2] == ["EventScheduled", "EventCancelled"]
    graph = (await client.get("/api/v1/open/linked-data", params={"place": "Eindhoven"})).json()
    assert graph["@context"] == "https://schema.org"
    for series in graph["@graph"]:
        assert_event_series(series)
    assert [p["@id"] for p in graph["@graph"]] == [doc["@id"].replace("/en/", "/nl/")]


async def test_programme_page_carries_the_same_json_ld_and_keeps_its_csp(client, db):
    world = await open_world(client, db)
    page = await client.get(f"/nl/programmes/{SLUG}")
    assert page.status_code == 200
    (block,) = LD_BLOCK.findall(page.text)
    api = (await client.get(f"/api/v1/open/linked-data/{SLUG}")).json()
    assert json.loads(block) == api
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    programme = await db.get(Programme, world["programme_id"])
    programme.name = {**programme.name, "nl": HOSTILE}
    await db.commit()
    hostile = await client.get(f"/nl/programmes/{SLUG}")
    assert hostile.text.count("<script") == 1  # only the JSON-LD block: the name opened none
    (block,) = LD_BLOCK.findall(hostile.text)
    assert json.loads(block)["name"] == HOSTILE


async def test_open_answers_ignore_cookies_and_sign_in(client, db):
    world = await open_world(client, db)
    anonymous = await client.get("/api/v1/open/programmes")
    await sign_in(client, await make_staff(db, world["org"], "coordinator", "admin"))
    signed_in = await client.get("/api/v1/open/programmes")
    assert signed_in.content == anonymous.content
    assert "set-cookie" not in signed_in.headers
    # Pages and the staff API still allow no other site.
    assert "access-control-allow-origin" not in (await client.get("/api/v1/programmes")).headers
    assert "access-control-allow-origin" not in (await client.get(f"/nl/programmes/{SLUG}")).headers


async def test_hostile_slugs_and_values_are_404_or_400_never_500(client, db):
    await open_world(client, db)
    for slug in ("%00", "x" * 10_000, "%E2%80%AEevil", "..%2F..%2Fetc", "'%20OR%201=1--"):
        for path in ("/api/v1/open/programmes/", "/api/v1/open/linked-data/", "/nl/programmes/"):
            answer = await client.get(path + slug)
            assert answer.status_code in (400, 404), (path, slug[:20], answer.status_code)
    for params in ({"place": "\x00"}, {"place": "\u202eDordrecht"}, {"from": "0001-01-01"}, {"to": "99999-01-01"}):
        answer = await client.get("/api/v1/open/programmes", params=params)
        # Control characters are refused for every route alike (422, protection/input.py).
        assert answer.status_code in (400, 422), (params, answer.text)
        assert answer.json()["errors"][0]["field"] in ("place", "from", "to"), answer.text


async def test_only_groups_open_for_sign_up_or_running(client, db):
    world = await open_world(client, db)
    cohort = world["cohort"]
    for status, shown in (("proposed", False), ("cancelled", False), ("completed", False), ("running", True)):
        cohort.status = status
        await db.commit()
        answer = (await client.get(f"/api/v1/open/programmes/{SLUG}", params={"from": "2027-01-01"})).json()
        assert bool(answer["groups"]) is shown, status
