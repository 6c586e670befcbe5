"""API clients: an admin makes, lists and revokes them (page and API); a token acts for its one
organisation within its scopes; it is refused where it does not belong; every call is audited."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import func, select

from groepsaanbod.accounts.models import Role, Staff
from groepsaanbod.api_clients.models import ApiClient
from groepsaanbod.audit.models import AuditEvent
from tests.conftest import NOW
from tests.factories import make_organisation, make_staff, page_sign_in, sign_in
from tests.integration.api_clients.helpers import bearer, make_token
from tests.integration.protection.live import csrf_of

LATER = (NOW.date() + timedelta(days=90)).isoformat()


def new_client(**changes) -> dict:
    return {"name": "Verloskundig systeem", "scopes": ["registrations:write"], "expires_on": LATER, **changes}


async def test_an_admin_makes_lists_and_revokes_a_client_by_the_api(client, db):
    org = await make_organisation(db)
    admin = await make_staff(db, org, "admin")
    await sign_in(client, admin)
    made = await client.post(f"/api/v1/organisations/{org.id}/api-clients", json=new_client())
    assert made.status_code == 201, made.text
    body = made.json()
    token = body["token"]
    assert token.startswith("ga_")
    assert len(token) == 3 + 16 + 1 + 64
    assert body["client"]["scopes"] == ["registrations:write"]
    # Stored as a hash only: the row never holds the token or its secret.
    row = await db.scalar(select(ApiClient).where(ApiClient.id == body["client"]["id"]))
    secret = token.rsplit("_", 1)[1]
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (row.secret_hash, row.public_id, row.name)
    # Its service account cannot sign in and is on no team.
    account = await db.get(Staff, row.staff_id)
    assert not account.active
    assert await db.scalar(select(func.count()).select_from(Role).where(Role.staff_id == account.id)) == 0
    team = await client.get(f"/api/v1/organisations/{org.id}/staff")
    assert account.id not in {m["staff_id"] for m in team.json()}, team.text
    listed = await client.get(f"/api/v1/organisations/{org.id}/api-clients")
    assert [c["name"] for c in listed.json()] == ["Verloskundig systeem"]
    assert "token" not in listed.text
    assert secret not in listed.text
    assert listed.json()[0]["last_used_at"] is None
    revoked = await client.post(f"/api/v1/api-clients/{row.id}/revoke")
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    client.cookies.clear()
    refused = await client.get("/api/v1/programmes", headers=bearer(token))
    assert refused.status_code == 401, refused.text
    events = set(await db.scalars(select(AuditEvent.subject).where(AuditEvent.organisation_id == org.id)))
    assert {"api_client_created", "api_client_revoked"} <= events


async def test_an_admin_makes_one_on_the_page_and_sees_its_token_once(client, db):
    org = await make_organisation(db)
    admin = await make_staff(db, org, "admin")
    await page_sign_in(client, admin)
    home = await client.get("/nl/staff")
    assert "/nl/staff/api-clients" in home.text
    page = await client.get("/nl/staff/api-clients")
    assert page.status_code == 200
    data = {
        "csrf_token": csrf_of(page),
        "organisation_id": str(org.id),
        "name": "Gemeente monitor",
        "scopes": ["reports:read", "programmes:read"],
        "expires_on": LATER,
    }
    made = await client.post("/nl/staff/api-clients", data=data)
    assert made.status_code == 201, made.text
    row = await db.scalar(select(ApiClient).where(ApiClient.organisation_id == org.id))
    assert row.scopes == ["programmes:read", "reports:read"]
    assert f"ga_{row.public_id}_" in made.text
    again = await client.get("/nl/staff/api-clients")
    assert "Gemeente monitor" in again.text
    assert f"ga_{row.public_id}_" not in again.text
    bad = await client.post(
        "/nl/staff/api-clients", data={**data, "name": "", "scopes": [], "expires_on": "2020-01-01"}
    )
    assert bad.status_code == 400
    assert await db.scalar(select(func.count()).select_from(ApiClient)) == 1
    revoked = await client.post(f"/nl/staff/api-clients/{row.id}/revoke", data={"csrf_token": csrf_of(again)})
    assert revoked.status_code == 303
    await db.refresh(row)
    assert row.revoked_at == NOW


async def test_who_may_not_make_clients(client, db):
    org, other = await make_organisation(db), await make_organisation(db, "Ander")
    coordinator = await make_staff(db, org, "coordinator")
    url = f"/api/v1/organisations/{org.id}/api-clients"
    assert (await client.post(url, json=new_client())).status_code == 401  # no one
    await sign_in(client, coordinator)
    assert (await client.post(url, json=new_client())).status_code == 403
    client.cookies.clear()
    other_admin = await make_staff(db, other, "admin")
    await sign_in(client, other_admin)
    assert (await client.post(url, json=new_client())).status_code == 403
    assert (await client.get(url)).status_code == 403
    client.cookies.clear()
    # A token, even one with every scope, never makes or ends tokens.
    token = await make_token(db, org.id, "team:write", "team:read", "programmes:write")
    answer = await client.post(url, json=new_client(), headers=bearer(token))
    assert answer.status_code == 403, answer.text
    listed = await client.get(url, headers=bearer(token))
    assert listed.status_code == 403
    assert await db.scalar(select(func.count()).select_from(ApiClient)) == 1


async def test_hostile_and_wrong_input_is_refused_by_field_and_nothing_is_saved(client, db):
    org = await make_organisation(db)
    admin = await make_staff(db, org, "admin")
    await sign_in(client, admin)
    url = f"/api/v1/organisations/{org.id}/api-clients"
    cases = [
        (new_client(name="x" * 10_000), "name"),
        (new_client(name="  "), "name"),
        (new_client(name="a\nb"), "name"),
        (new_client(scopes=[]), "scopes"),
        (new_client(scopes=["registrations:write", "everything:write"]), "scopes"),
        (new_client(scopes=[f"s{n}" for n in range(10_000)]), "scopes"),
        (new_client(expires_on=NOW.date().isoformat()), "expires_on"),
        (new_client(expires_on="2020-01-01"), "expires_on"),
        (new_client(expires_on=(NOW.date() + timedelta(days=800)).isoformat()), "expires_on"),
    ]
    for body, field in cases:
        answer = await client.post(url, json=body, headers={"Accept-Language": "nl"})
        assert answer.status_code in (413, 422), answer.text[:300]
        if answer.status_code == 422:
            assert field in {e["field"] for e in answer.json()["errors"]}, answer.text[:300]
    assert await db.scalar(select(func.count()).select_from(ApiClient)) == 0
    assert await db.scalar(select(func.count()).select_from(Staff).where(Staff.email.like("%api-clients.invalid"))) == 0


async def test_expired_revoked_unknown_and_malformed_tokens_get_401(client, db):
    org = await make_organisation(db)
    token = await make_token(db, org.id, "programmes:read", days=1)
    assert (await client.get("/api/v1/programmes", headers=bearer(token))).status_code == 200
    row = await db.scalar(select(ApiClient))
    row.expires_on = NOW.date() - timedelta(days=1)
    await db.commit()
    expired = await client.get("/api/v1/programmes", headers=bearer(token))
    assert expired.status_code == 401, expired.text
    public_id = token.split("_")[1]
    for wrong in (f"ga_{public_id}_{'0' * 64}", "ga_" + "1" * 16 + "_" + "2" * 64, "nonsense", "", "ga_" + "x" * 5000):
        answer = await client.get("/api/v1/programmes", headers=bearer(wrong))
        assert answer.status_code == 401, (wrong[:20], answer.text)


async def test_scopes_and_the_routes_that_never_take_a_token(client, db):
    org = await make_organisation(db)
    token = await make_token(db, org.id, "programmes:read")
    assert (await client.get("/api/v1/programmes", headers=bearer(token))).status_code == 200
    # write does not come with read, nor another family
    refused = await client.post(
        "/api/v1/programmes",
        json={"template_key": "triple-p-group"},
        headers={**bearer(token), "Accept-Language": "en"},
    )
    assert refused.status_code == 403, refused.text
    assert "programmes:write" in refused.text
    assert (await client.get("/api/v1/signals", headers=bearer(token))).status_code == 403
    for path in ("/api/v1/me/agenda", "/api/v1/auth/me", "/api/v1/me/invitations"):
        answer = await client.get(path, headers=bearer(token))
        assert answer.status_code == 403, (path, answer.text)
    # A token on a page is not a sign-in.
    page = await client.get("/nl/staff/programmes", headers=bearer(token))
    assert page.status_code == 303
    assert "/staff/sign-in" in page.headers["location"]


async def test_a_token_sees_and_changes_only_its_own_organisation(client, db):
    org, other = await make_organisation(db), await make_organisation(db, "Ander")
    theirs = await make_staff(db, other, "coordinator")
    await sign_in(client, theirs)
    made = await client.post(
        "/api/v1/programmes", json={"organisation_id": other.id, "template_key": "triple-p-group", "slug": "b-only"}
    )
    assert made.status_code in (200, 201), made.text
    their_id = made.json()["id"]
    client.cookies.clear()
    token = await make_token(db, org.id, "programmes:read", "programmes:write", "team:read")
    # Making one for the other organisation with its id is refused, and nothing is made.
    planted = await client.post(
        "/api/v1/programmes",
        json={"organisation_id": other.id, "template_key": "triple-p-group", "slug": "planted"},
        headers=bearer(token),
    )
    assert planted.status_code in (403, 404, 422), planted.text
    seen = await client.get("/api/v1/programmes", headers=bearer(token))
    assert their_id not in {p["id"] for p in seen.json()}
    assert (await client.get(f"/api/v1/programmes/{their_id}", headers=bearer(token))).status_code in (403, 404)
    change = await client.patch(f"/api/v1/programmes/{their_id}", json={"slug": "taken"}, headers=bearer(token))
    assert change.status_code in (403, 404), change.text
    team = await client.get(f"/api/v1/organisations/{other.id}/staff", headers=bearer(token))
    assert team.status_code in (403, 404), team.text


async def test_every_call_is_audited_with_the_clients_name_and_last_used_is_kept(client, db):
    org = await make_organisation(db)
    token = await make_token(db, org.id, "programmes:read", name="Gemeente Testdorp")
    for _ in range(3):
        assert (await client.get("/api/v1/programmes", headers=bearer(token))).status_code == 200
    assert (await client.get("/api/v1/signals", headers=bearer(token))).status_code == 403  # refused: recorded too
    row = await db.scalar(select(ApiClient))
    await db.refresh(row)
    assert row.last_used_at == NOW
    calls = list(
        await db.execute(
            select(AuditEvent.subject, Staff.full_name)
            .join(Staff, Staff.id == AuditEvent.actor_staff_id)
            .where(AuditEvent.action == "api_call")
        )
    )
    assert len(calls) == 4
    assert {name for _, name in calls} == {"Gemeente Testdorp (API)"}
    assert all(subject and " " not in subject for subject, _ in calls)
    admin = await make_staff(db, org, "admin")
    await page_sign_in(client, admin)
    page = await client.get("/nl/staff/audit")
    assert "Gemeente Testdorp (API)" in page.text
