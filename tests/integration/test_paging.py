"""Cursor paging of the API's lists: every row exactly once, also when rows are added between
pages; a wrong pageSize or a forged cursor is a 400 in the person's language, never a 500."""

from __future__ import annotations

import base64
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from groepsaanbod.audit.models import AuditEvent
from groepsaanbod.audit.services import DataUse, record_audit
from groepsaanbod.organisations.models import Venue
from tests.conftest import NOW
from tests.factories import make_organisation, make_staff, make_venue, sign_in

LINK = re.compile(r'^<(/api/v1/[^>]+)>; rel="next"$')


async def walk(client, url: str, between=None) -> tuple[list[dict], int]:
    """Every page from `url` on, following the Link header; `between` runs after the first page."""
    rows, pages = [], 0
    while url:
        answer = await client.get(url)
        assert answer.status_code == 200, answer.text
        assert isinstance(answer.json(), list)
        rows += answer.json()
        pages += 1
        link = answer.headers.get("link")
        url = LINK.fullmatch(link).group(1) if link else ""
        if url:
            query = parse_qs(urlsplit(url).query)
            assert query["pageSize"] == ["50"]
            assert len(query["cursor"]) == 1
        if pages == 1 and between is not None:
            await between()
    return rows, pages


async def test_120_venues_by_50_each_once_and_one_added_between_pages_comes_last(client, db):
    org = await make_organisation(db)
    for n in range(120):
        await make_venue(db, org, f"Zaal {n}")
    coordinator = await make_staff(db, org, "coordinator")
    await db.commit()
    await sign_in(client, coordinator)

    async def add_one():
        await make_venue(db, org, "Nieuwe zaal")
        await db.commit()

    rows, pages = await walk(client, "/api/v1/venues?pageSize=50", add_one)
    ids = [r["id"] for r in rows]
    assert pages == 3
    assert len(ids) == 121
    assert len(set(ids)) == 121
    assert ids == sorted(ids)
    assert set(ids) == set(await db.scalars(select(Venue.id).where(Venue.organisation_id == org.id)))
    assert rows[-1]["name"] == "Nieuwe zaal"
    # The default is 50; at most 200 fit on one page.
    assert len((await client.get("/api/v1/venues")).json()) == 50
    assert len((await client.get("/api/v1/venues?pageSize=200")).json()) == 121
    assert "link" not in (await client.get("/api/v1/venues?pageSize=200")).headers


async def test_the_audit_record_newest_first_none_skipped_none_twice(client, db):
    org = await make_organisation(db)
    admin = await make_staff(db, org, "admin")
    for _n in range(120):
        record_audit(db, NOW, DataUse("read", "registrations", ("email",)), [None], organisation_id=org.id)
    await db.commit()
    await sign_in(client, admin)

    async def add_one():
        record_audit(db, NOW, DataUse("change", "retention", ("email",)), [None], organisation_id=org.id)
        await db.commit()

    rows, pages = await walk(client, f"/api/v1/organisations/{org.id}/audit-events?pageSize=50", add_one)
    ids = [r["id"] for r in rows]
    all_ids = set(await db.scalars(select(AuditEvent.id).where(AuditEvent.organisation_id == org.id)))
    newest = max(all_ids)
    # Added after the first page, newer than all: it belongs before that page, so it is not shown
    # now; every other event is, once, newest first.
    assert pages == 3
    assert len(ids) == len(set(ids)) == len(all_ids) - 1
    assert set(ids) == all_ids - {newest}
    assert ids == sorted(ids, reverse=True)


def forged(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "query",
    [
        "pageSize=0",
        "pageSize=201",
        "pageSize=-1",
        "pageSize=abc",
        "pageSize=",
        "pageSize=99999999999999999999",
        "pageSize=%EF%BC%95",  # a full-width digit five
        "cursor=" + "A" * 900,
        "cursor=" + forged("p1.abc"),
        "cursor=" + forged("p1.99999999999"),
        "cursor=" + forged("p1.0"),
        "cursor=" + forged("p2.5"),
        "cursor=not-base64!",
        "cursor=",
    ],
)
async def test_a_wrong_page_is_a_400_in_her_language(client, db, query):
    org = await make_organisation(db)
    admin = await make_staff(db, org, "admin", "coordinator")
    await sign_in(client, admin)
    for path in ("/api/v1/venues", f"/api/v1/organisations/{org.id}/audit-events", "/api/v1/signals"):
        answer = await client.get(f"{path}?{query}&lang=nl")
        assert answer.status_code == 400, (path, query, answer.status_code, answer.text)
        field = answer.json()["errors"][0]
        assert field["field"] in ("pageSize", "cursor")
        assert field["message"].startswith(("Geef pageSize", "Deze cursor"))


async def test_rows_are_read_and_audited_per_page(client, db):
    """Registrations page by id; only the people of the page given count as read."""
    from tests.integration.test_who_sees_what import world

    coordinator, ids, _ = await world(db, "coordinator")
    await sign_in(client, coordinator)

    def reads():
        return select(func.count()).select_from(AuditEvent).where(AuditEvent.subject == "api_registrations")

    before = await db.scalar(reads())
    url = f"/api/v1/programmes/{ids['programme_id']}/registrations?pageSize=1"
    first = await client.get(url)
    assert len(first.json()) == 1
    assert "link" in first.headers
    assert await db.scalar(reads()) == before + 1
    rows, _ = await walk(client, url.replace("pageSize=1", "pageSize=50"))
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    assert first.json()[0]["id"] == rows[0]["id"]


async def test_control_characters_or_a_huge_cursor_meet_the_house_rule_for_query_values(client, db):
    org = await make_organisation(db)
    await sign_in(client, await make_staff(db, org, "coordinator"))
    for hostile in ("%00%01", "A" * 10_000):
        answer = await client.get(f"/api/v1/venues?cursor={hostile}")
        assert answer.status_code == 422
        assert answer.json()["errors"][0]["field"] == "cursor"
