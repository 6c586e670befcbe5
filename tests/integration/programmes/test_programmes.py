"""Coordinators set up programmes from templates; participants find them in their language."""

from __future__ import annotations

from tests.factories import make_organisation, make_staff, make_venue, sign_in


async def create_triple_p_in_polish(client, org_id: int) -> dict:
    response = await client.post(
        "/api/v1/programmes",
        json={
            "organisation_id": org_id,
            "template_key": "triple-p-group",
            "slug": "triple-p-polski",
            "languages": ["pl"],
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_coordinator_creates_triple_p_in_polish_and_it_shows_in_the_polish_catalogue(client, db):
    org = await make_organisation(db, "Stichting Opvoeden", "Eindhoven")
    venue = await make_venue(db, org, "Buurthuis Woensel")
    coordinator = await make_staff(db, org, "coordinator")
    await sign_in(client, coordinator)
    programme = await create_triple_p_in_polish(client, org.id)
    assert programme["status"] == "draft"
    assert programme["languages"] == ["pl"]

    # A draft is not public.
    assert (await client.get("/api/v1/catalogue/triple-p-polski")).status_code == 404
    changed = await client.patch(
        f"/api/v1/programmes/{programme['id']}",
        json={"venue_ids": [venue.id], "name": {"nl": "Triple P in het Pools", "pl": "Triple P po polsku"}},
    )
    assert changed.status_code == 200, changed.text
    published = await client.post(f"/api/v1/programmes/{programme['id']}/publish")
    assert published.json()["status"] == "published"
    assert published.json()["published_version"] == 1

    catalogue = (await client.get("/api/v1/catalogue", params={"lang": "pl"})).json()
    entry = next(e for e in catalogue if e["slug"] == "triple-p-polski")
    assert entry["name"] == "Triple P po polsku"
    assert entry["places"] == ["Eindhoven"]
    assert catalogue[0]["slug"] == "triple-p-polski"  # offered in Polish: first

    page = await client.get("/pl/")
    assert page.status_code == 200
    assert "Triple P po polsku" in page.text
    assert 'lang="pl"' in page.text
    detail = await client.get("/pl/programmes/triple-p-polski")
    assert detail.status_code == 200
    assert "Buurthuis Woensel" in detail.text


async def test_another_organisations_coordinator_cannot_see_or_change_it(client, db):
    org = await make_organisation(db)
    other = await make_organisation(db, "Ander CJG")
    mine = await make_staff(db, org, "coordinator")
    theirs = await make_staff(db, other, "coordinator", "admin")
    await sign_in(client, mine)
    programme = await create_triple_p_in_polish(client, org.id)
    await client.post("/api/v1/auth/sign-out")

    await sign_in(client, theirs)
    pid = programme["id"]
    assert (await client.get("/api/v1/programmes")).json() == []
    assert (await client.get(f"/api/v1/programmes/{pid}")).status_code == 404
    assert (await client.patch(f"/api/v1/programmes/{pid}", json={"languages": ["nl"]})).status_code == 404
    assert (await client.patch(f"/api/v1/programmes/{pid}/template", json={"max_group_size": 5})).status_code == 404
    assert (await client.post(f"/api/v1/programmes/{pid}/publish")).status_code == 404
    assert (await client.get(f"/nl/staff/programmes/{pid}")).status_code == 404
    assert (await client.post(f"/nl/staff/programmes/{pid}/publish")).status_code == 404
    # Nor create one in the first organisation's name.
    refused = await client.post(
        "/api/v1/programmes", json={"organisation_id": org.id, "template_key": "triple-p-group", "slug": "sneaky"}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "organisation_id"
    # And unpublished means not in the public catalogue either.
    assert all(e["slug"] != "triple-p-polski" for e in (await client.get("/api/v1/catalogue")).json())


async def test_nobody_signed_in_gets_401_not_data(client, db):
    assert (await client.get("/api/v1/programmes")).status_code == 401
    assert (await client.post("/api/v1/programmes", json={})).status_code == 401


async def test_editing_a_published_template_makes_a_new_version(client, db):
    org = await make_organisation(db)
    await sign_in(client, await make_staff(db, org, "admin"))
    pid = (await create_triple_p_in_polish(client, org.id))["id"]
    draft_edit = await client.patch(f"/api/v1/programmes/{pid}/template", json={"max_group_size": 10})
    assert draft_edit.json()["version"] == 1
    assert draft_edit.json()["template"]["max_group_size"] == 10
    await client.post(f"/api/v1/programmes/{pid}/publish")

    template = (await client.get(f"/api/v1/programmes/{pid}/template")).json()["template"]
    sessions = template["sessions"]
    sessions[0]["duration_minutes"] = 150
    revised = await client.patch(f"/api/v1/programmes/{pid}/template", json={"sessions": sessions})
    assert revised.status_code == 200
    assert revised.json()["version"] == 2
    assert revised.json()["published"] is False
    v1 = (await client.get(f"/api/v1/programmes/{pid}/template", params={"version": 1})).json()
    assert v1["template"]["sessions"][0]["duration_minutes"] == 120
    assert v1["published"] is True
    # The catalogue keeps showing the published version until version 2 is published.
    meetings = (await client.get("/api/v1/catalogue/triple-p-polski")).json()["meetings"]
    assert {"kind": "group", "count": 5, "duration_minutes": 120} in meetings
    await client.post(f"/api/v1/programmes/{pid}/publish")
    meetings = (await client.get("/api/v1/catalogue/triple-p-polski")).json()["meetings"]
    assert {"kind": "group", "count": 1, "duration_minutes": 150} in meetings


async def test_a_broken_revision_is_refused_with_fields_and_nothing_changes(client, db):
    org = await make_organisation(db)
    await sign_in(client, await make_staff(db, org, "coordinator"))
    pid = (await create_triple_p_in_polish(client, org.id))["id"]
    template = (await client.get(f"/api/v1/programmes/{pid}/template")).json()["template"]
    sessions = template["sessions"]
    sessions[1]["week"] = 1
    sessions[0]["duration_minutes"] = 0
    response = await client.patch(
        f"/api/v1/programmes/{pid}/template",
        json={"sessions": sessions, "min_group_size": 20},
        headers={"Accept-Language": "es"},
    )
    assert response.status_code == 422
    fields = {e["field"]: e["detail"] for e in response.json()["errors"]}
    assert {"sessions[0].duration_minutes", "sessions[1].week", "min_group_size"} <= set(fields)
    assert "480" in fields["sessions[0].duration_minutes"]
    after = (await client.get(f"/api/v1/programmes/{pid}/template")).json()["template"]
    assert after["sessions"][0]["duration_minutes"] == 120
    assert after["min_group_size"] == 5


async def test_create_refusals_name_the_field(client, db):
    org = await make_organisation(db)
    await sign_in(client, await make_staff(db, org, "coordinator"))
    bad_template = await client.post(
        "/api/v1/programmes", json={"organisation_id": org.id, "template_key": "yoga", "slug": "yoga-groep"}
    )
    assert bad_template.json()["errors"][0]["field"] == "template_key"
    bad_slug = await client.post(
        "/api/v1/programmes", json={"organisation_id": org.id, "template_key": "baby-in-huis", "slug": "Baby In Huis!"}
    )
    assert bad_slug.json()["errors"][0]["field"] == "slug"
    bad_language = await client.post(
        "/api/v1/programmes",
        json={"organisation_id": org.id, "template_key": "baby-in-huis", "slug": "baby", "languages": ["fr"]},
    )
    assert bad_language.json()["errors"][0]["field"] == "languages"
    await create_triple_p_in_polish(client, org.id)
    taken = await client.post(
        "/api/v1/programmes",
        json={"organisation_id": org.id, "template_key": "baby-in-huis", "slug": "triple-p-polski"},
    )
    assert taken.status_code == 422
    assert taken.json()["errors"][0]["field"] == "slug"
    wrong_type = await client.post("/api/v1/programmes", json={"organisation_id": "one"})
    assert wrong_type.status_code == 400


async def test_texts_need_dutch_and_venues_must_be_ours(client, db):
    org = await make_organisation(db)
    other = await make_organisation(db)
    foreign_venue = await make_venue(db, other)
    await sign_in(client, await make_staff(db, org, "coordinator"))
    pid = (await create_triple_p_in_polish(client, org.id))["id"]
    no_dutch = await client.patch(f"/api/v1/programmes/{pid}", json={"name": {"pl": "Tylko po polsku"}})
    assert no_dutch.status_code == 422
    assert no_dutch.json()["errors"][0]["field"] == "name.nl"
    theirs = await client.patch(f"/api/v1/programmes/{pid}", json={"venue_ids": [foreign_venue.id]})
    assert theirs.status_code == 422
    assert theirs.json()["errors"][0]["field"] == "venue_ids"


async def test_builtin_templates_are_listed(client):
    keys = {t["key"] for t in (await client.get("/api/v1/templates")).json()}
    assert "centering-pregnancy" in keys
    assert "rots-en-water" in keys


async def test_running_cohort_keeps_the_version_it_started_with(client, db):
    from sqlalchemy import select

    from groepsaanbod.cohorts.models import Cohort
    from groepsaanbod.programmes.models import ProgrammeTemplate, SessionSpec

    org = await make_organisation(db)
    await sign_in(client, await make_staff(db, org, "coordinator"))
    pid = (await create_triple_p_in_polish(client, org.id))["id"]
    v1 = await db.scalar(select(ProgrammeTemplate).where(ProgrammeTemplate.programme_id == pid))
    # Even before publication, a template with a cohort on it is not changed in place.
    cohort = Cohort(programme_id=pid, template_id=v1.id, name="Grupa 1", language="pl")
    db.add(cohort)
    await db.commit()
    revised = await client.patch(f"/api/v1/programmes/{pid}/template", json={"max_group_size": 8})
    assert revised.json()["version"] == 2
    await db.refresh(cohort)
    assert cohort.template_id == v1.id
    specs = list(await db.scalars(select(SessionSpec).where(SessionSpec.template_id == v1.id)))
    assert len(specs) == 8
    await db.refresh(v1)
    assert v1.max_group_size == 12
