"""Coordinators keep their organisation's locations; nobody else sees or changes them."""

from tests.factories import make_organisation, make_staff, sign_in

VENUE = {
    "name": "Buurthuis De Brug",
    "street": "Brugstraat 4",
    "postcode": "5611ab",
    "city": "Eindhoven",
    "capacity": 18,
    "accessibility": {"nl": "Drempelvrij", "ar": "مدخل بدون درج"},
}


async def test_add_change_and_list_venues(client, db):
    org = await make_organisation(db)
    await sign_in(client, await make_staff(db, org, "coordinator"))
    added = await client.post("/api/v1/venues", json={"organisation_id": org.id, **VENUE})
    assert added.status_code == 201, added.text
    venue = added.json()
    assert venue["postcode"] == "5611 AB"
    changed = await client.patch(f"/api/v1/venues/{venue['id']}", json={"capacity": 24})
    assert changed.json()["capacity"] == 24
    assert changed.json()["name"] == VENUE["name"]
    assert [v["id"] for v in (await client.get("/api/v1/venues")).json()] == [venue["id"]]
    assert [o["id"] for o in (await client.get("/api/v1/organisations")).json()] == [org.id]


async def test_refusals_are_per_field_and_in_the_persons_language(client, db):
    org = await make_organisation(db)
    await sign_in(client, await make_staff(db, org, "coordinator"))
    refused = await client.post(
        "/api/v1/venues",
        json={**VENUE, "organisation_id": org.id, "postcode": "55", "capacity": 0},
        headers={"Accept-Language": "nl"},
    )
    assert refused.status_code == 422
    errors = {e["field"]: e["detail"] for e in refused.json()["errors"]}
    assert set(errors) == {"postcode", "capacity"}
    assert "1234 AB" in errors["postcode"]
    assert (await client.get("/api/v1/venues")).json() == []


async def test_other_organisations_cannot_see_or_change(client, db):
    org, other = await make_organisation(db), await make_organisation(db)
    await sign_in(client, await make_staff(db, org, "coordinator"))
    venue = (await client.post("/api/v1/venues", json={"organisation_id": org.id, **VENUE})).json()
    await client.post("/api/v1/auth/sign-out")
    await sign_in(client, await make_staff(db, other, "admin"))
    assert (await client.get("/api/v1/venues")).json() == []
    assert (await client.patch(f"/api/v1/venues/{venue['id']}", json={"capacity": 1})).status_code == 404
    assert (await client.get(f"/nl/staff/venues/{venue['id']}")).status_code == 404
    sneaky = await client.post("/api/v1/venues", json={"organisation_id": org.id, **VENUE})
    assert sneaky.status_code == 422
    assert sneaky.json()["errors"][0]["field"] == "organisation_id"


async def test_venue_pages(client, db):
    org = await make_organisation(db)
    org_id = org.id
    await sign_in(client, await make_staff(db, org, "coordinator"))
    form = {
        "organisation_id": str(org_id),
        "name": "Wijkcentrum",
        "street": "Plein 1",
        "postcode": "oops",
        "city": "Zwolle",
        "capacity": "30",
        "accessibility-nl": "Met lift",
    }
    refused = await client.post("/es/staff/venues", data=form)
    assert refused.status_code == 400
    assert 'href="#postcode"' in refused.text
    assert 'value="Wijkcentrum"' in refused.text
    added = await client.post("/es/staff/venues", data={**form, "postcode": "8011 AA"})
    assert added.status_code == 303
    page = await client.get("/es/staff/venues")
    assert "Wijkcentrum" in page.text
    assert "8011 AA" in page.text
