"""The public catalogue and the coordinator's pages, as a browser without JavaScript uses them."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_organisation, make_staff, make_venue, sign_in


async def publish_demo_programme(client, db, languages=("nl", "ar", "so")):
    org = await make_organisation(db, "CJG Sliedrecht", "Sliedrecht")
    venue = await make_venue(db, org, "Kinderboerderij", "Sliedrecht")
    await sign_in(client, await make_staff(db, org, "coordinator"))
    created = await client.post(
        "/api/v1/programmes",
        json={
            "organisation_id": org.id,
            "template_key": "kids-en-koffie",
            "slug": "kids-en-koffie-sliedrecht",
            "languages": list(languages),
        },
    )
    pid = created.json()["id"]
    await client.patch(f"/api/v1/programmes/{pid}", json={"venue_ids": [venue.id]})
    await client.post(f"/api/v1/programmes/{pid}/publish")
    await client.post("/api/v1/auth/sign-out")
    return org, pid


@pytest.mark.parametrize(("lang", "direction"), [("nl", "ltr"), ("ar", "rtl"), ("so", "ltr"), ("tr", "ltr")])
async def test_start_page_in_each_language(client, db, lang, direction):
    await publish_demo_programme(client, db)
    page = await client.get(f"/{lang}/")
    assert page.status_code == 200
    assert f'<html lang="{lang}" dir="{direction}"' in page.text
    assert "Kids &amp; Koffie" in page.text
    # The language chooser names every language in itself.
    for native in ("Nederlands", "Türkçe", "العربية", "polski", "español", "Soomaali", "English"):
        assert native in page.text
    assert page.cookies.get("lang") == lang


async def test_unknown_language_prefix_is_404(client):
    assert (await client.get("/xx/")).status_code == 404


async def test_root_chooses_language_from_cookie_then_header(client):
    response = await client.get("/", headers={"Accept-Language": "so, en;q=0.5"})
    assert response.status_code == 303
    assert response.headers["location"] == "/so/"
    client.cookies.set("lang", "pl")
    assert (await client.get("/", headers={"Accept-Language": "so"})).headers["location"] == "/pl/"
    client.cookies.clear()
    assert (await client.get("/")).headers["location"] == "/nl/"


async def test_programme_page_says_what_for_whom_meetings_where_languages(client, db):
    await publish_demo_programme(client, db)
    page = await client.get("/nl/programmes/kids-en-koffie-sliedrecht")
    assert page.status_code == 200
    text = page.text
    assert "Kinderboerderij" in text
    assert "Sliedrecht" in text
    assert "90" in text  # minutes
    assert "Arabisch" in text
    assert "Somalisch" in text  # languages named in Dutch
    assert (await client.get("/nl/programmes/does-not-exist")).status_code == 404


async def test_place_filter_shows_programmes_near_the_participant(client, db):
    await publish_demo_programme(client, db)
    near = await client.get("/nl/", params={"place": "Sliedrecht"})
    assert "kids-en-koffie-sliedrecht" in near.text
    elsewhere_org = await make_organisation(db, "Elders", "Zwolle")
    await make_venue(db, elsewhere_org, "School", "Zwolle")
    far = await client.get("/nl/", params={"place": "Zwolle"})
    assert "kids-en-koffie-sliedrecht" not in far.text


async def test_coordinator_creates_and_edits_a_programme_through_the_pages(client, db):
    org = await make_organisation(db, "Stichting Opvoeden", "Eindhoven")
    venue = await make_venue(db, org, "Buurthuis Woensel", "Eindhoven")
    org_id, venue_id = org.id, venue.id  # a refused form rolls back, which expires these objects
    await sign_in(client, await make_staff(db, org, "coordinator"))

    form = await client.get("/pl/staff/programmes/new")
    assert form.status_code == 200
    assert 'name="template_key"' in form.text
    refused = await client.post(
        "/pl/staff/programmes/new",
        data={"organisation_id": str(org.id), "template_key": "triple-p-group", "slug": "X!", "languages": "pl"},
    )
    assert refused.status_code == 400
    assert 'href="#slug"' in refused.text
    assert 'value="X!"' in refused.text

    created = await client.post(
        "/pl/staff/programmes/new",
        data={
            "organisation_id": str(org_id),
            "template_key": "triple-p-group",
            "slug": "triple-p-pl",
            "languages": ["pl", "nl"],
        },
    )
    assert created.status_code == 303
    edit_url = created.headers["location"].split("?")[0]
    pid = int(re.search(r"/(\d+)$", edit_url).group(1))

    basics = await client.post(
        f"{edit_url}/basics", data={"slug": "triple-p-pl", "languages": ["pl"], "venue_ids": [str(venue_id)]}
    )
    assert basics.status_code == 303
    texts = {
        f"{f}-{c}": "" for f in ("name", "description", "audience") for c in ("nl", "en", "tr", "ar", "pl", "es", "so")
    }
    texts.update(
        {
            "name-nl": "Triple P Pools",
            "name-pl": "Triple P po polsku",
            "description-nl": "Cursus.",
            "audience-nl": "Ouders.",
            "description-pl": "Kurs dla rodziców.",
        }
    )
    assert (await client.post(f"{edit_url}/texts", data=texts)).status_code == 303
    no_dutch = dict(texts, **{"name-nl": ""})
    refused_texts = await client.post(f"{edit_url}/texts", data=no_dutch)
    assert refused_texts.status_code == 400
    assert 'href="#name-nl"' in refused_texts.text

    page = await client.get(edit_url)
    assert 'value="Triple P po polsku"' in page.text
    plan = {"min_group_size": "5", "max_group_size": "10", "completion_threshold": "6"}
    for i, week in enumerate([1, 2, 3, 4, 5, 6, 7, 8]):
        plan |= {
            f"sessions-{i}-kind": "group" if week in (1, 2, 3, 4, 8) else "phone",
            f"sessions-{i}-duration_minutes": "120" if week in (1, 2, 3, 4, 8) else "30",
            f"sessions-{i}-week": str(week),
        }
    broken = dict(plan, **{"sessions-1-week": "1", "sessions-0-duration_minutes": "0"})
    refused_plan = await client.post(f"{edit_url}/template", data=broken)
    assert refused_plan.status_code == 400
    assert 'href="#sessions-1-week"' in refused_plan.text
    assert 'href="#sessions-0-duration_minutes"' in refused_plan.text
    assert (await client.post(f"{edit_url}/template", data=plan)).status_code == 303
    assert (await client.post(f"{edit_url}/publish")).status_code == 303

    catalogue = await client.get("/pl/")
    assert "Triple P po polsku" in catalogue.text
    template = (await client.get(f"/api/v1/programmes/{pid}/template")).json()["template"]
    assert template["max_group_size"] == 10
