"""Everything a page can do, the API can do: the team's second-factor rule, the audit record, failed
messages, report files, the list of registers and guest teachers, each compared with its page, and
refused to other organisations, lower roles and nobody."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.audit.models import AuditEvent
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.scheduling.services.think_availability import guest_teacher_pool
from tests.factories import make_organisation, make_staff, sign_in
from tests.integration.scheduling.test_schools import a_school
from tests.integration.test_who_sees_what import EMAIL, world

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_the_admins_pages_by_api(client, db):
    admin, ids, _ = await world(db, "admin")
    org_id = ids["organisation_id"]
    await sign_in(client, admin)

    # The list of registers: the same meetings the page links to, with whether each was taken.
    registers = (await client.get("/api/v1/registers")).json()
    page = (await client.get("/nl/staff/registers")).text
    assert {r["session_id"] for r in registers} == {int(i) for i in re.findall(r"/staff/sessions/(\d+)/register", page)}
    taken = sum(r["register_taken"] for r in registers)
    assert page.count(f"<strong>{gettext('nl', 'Register taken')}</strong>") == taken
    assert all(r["starts_at"].endswith(("+00:00", "Z")) for r in registers)

    # Failed messages: what the page shows, and the reading of addresses is audited alike.
    def reads():
        return select(func.count()).select_from(AuditEvent).where(AuditEvent.subject == "failed_messages")

    before = await db.scalar(reads())
    failed = (await client.get("/api/v1/failed-messages")).json()
    assert [m["to_address"] for m in failed] == [EMAIL]
    assert failed[0]["last_error"] == "550 mailbox unavailable"
    assert EMAIL in (await client.get("/nl/staff/messages")).text
    assert await db.scalar(reads()) == before + 2

    # The audit record: the page's events of the organisation, newest first.
    events = (await client.get(f"/api/v1/organisations/{org_id}/audit-events")).json()
    assert [e["id"] for e in events] == sorted((e["id"] for e in events), reverse=True)
    shown = set(re.findall(r'<td class="utrecht-table__cell">#(\d+)</td>', (await client.get("/nl/staff/audit")).text))
    assert {str(e["participant_id"]) for e in events if e["participant_id"]} == shown
    assert {"failed_messages", "registrations"} <= {e["subject"] for e in events}

    # The second-factor rule the team page sets.
    assert (await client.get(f"/api/v1/organisations/{org_id}/second-factor-policy")).json() == {"required": False}
    put = await client.put(f"/api/v1/organisations/{org_id}/second-factor-policy", json={"required": True})
    assert put.status_code == 200
    assert put.json() == {"required": True}
    assert (await db.get(Organisation, org_id, populate_existing=True)).require_second_factor is True
    wrong = await client.put(f"/api/v1/organisations/{org_id}/second-factor-policy", json={"required": "yes"})
    assert wrong.status_code == 400
    assert (await db.get(Organisation, org_id, populate_existing=True)).require_second_factor is True

    # Report files: byte for byte what the report page downloads.
    query = "start=2026-01-01&end=2026-12-31"
    csv = await client.get(f"/api/v1/organisations/{org_id}/report/export?{query}&format=csv&lang=nl")
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert 'filename="report-2026-01-01-2026-12-31.csv"' in csv.headers["content-disposition"]
    assert csv.content == (await client.get(f"/nl/staff/reports?organisation_id={org_id}&{query}&format=csv")).content
    xlsx = await client.get(f"/api/v1/organisations/{org_id}/report/export?{query}&format=xlsx")
    assert xlsx.status_code == 200
    assert xlsx.headers["content-type"] == XLSX
    assert xlsx.content[:2] == b"PK"
    town = await client.get(f"/api/v1/reports/municipality/export?{query}&lang=nl")
    assert town.content == (await client.get(f"/nl/staff/reports/municipality?{query}&format=csv")).content
    pdf = await client.get(f"/api/v1/organisations/{org_id}/report/export?format=pdf&lang=nl")
    assert pdf.status_code == 422
    assert pdf.json()["errors"][0]["field"] == "format"
    assert pdf.json()["errors"][0]["message"] == "Kies het formaat csv of xlsx."


async def test_other_organisations_lower_roles_and_nobody_are_refused(client, db):
    admin, ids, _ = await world(db, "admin")
    org_id = ids["organisation_id"]
    paths = (f"/api/v1/organisations/{org_id}/audit-events", f"/api/v1/organisations/{org_id}/second-factor-policy")
    for path in (*paths, "/api/v1/failed-messages", "/api/v1/registers"):
        assert (await client.get(path)).status_code == 401
    other_admin = await make_staff(db, await make_organisation(db, "Elders"), "admin", "coordinator")
    await sign_in(client, other_admin)
    for path in paths:
        assert (await client.get(path)).status_code in (403, 404), path
    refused = await client.put(paths[1], json={"required": True})
    assert refused.status_code in (403, 404)
    assert (await db.get(Organisation, org_id, populate_existing=True)).require_second_factor is False
    assert (await client.get("/api/v1/failed-messages")).json() == []
    assert (await client.get("/api/v1/registers")).json() == []
    coordinator = await make_staff(db, await db.get(Organisation, org_id), "coordinator")
    await sign_in(client, coordinator)
    for path in paths:
        assert (await client.get(path)).status_code == 403, path


async def test_guest_teachers_as_the_page_shows_them(client, db):
    org_id, pid, coordinator = await a_school(db, "Zwolle", "think-api-zwolle")
    org = await db.get(Organisation, org_id)
    ann = await make_staff(db, org, "guest_teacher")
    bob = await make_staff(db, org, "guest_teacher")
    ann_id, bob_id = ann.id, bob.id
    await sign_in(client, coordinator)
    viewer = Viewer(coordinator.id, coordinator.full_name, coordinator.email, {org_id: frozenset({"coordinator"})})
    pool = await guest_teacher_pool(db, viewer, pid, "nl")
    topic = pool.topics[0][0]
    saved = await client.put(
        f"/api/v1/programmes/{pid}/guest-teachers/{ann_id}",
        json={"topics": [topic], "weekdays": [0, 3], "weeks_off": ["2027-02-17"], "max_lessons_per_week": 3},
    )
    assert saved.status_code == 200, saved.text
    teachers = (await client.get(f"/api/v1/programmes/{pid}/guest-teachers")).json()
    assert [t["staff_id"] for t in teachers] == sorted([ann_id, bob_id])
    by_id = {t["staff_id"]: t for t in teachers}
    assert by_id[ann_id]["availability"] == {
        "topics": [topic],
        "weekdays": [0, 3],
        "weeks_off": ["2027-02-15"],
        "max_lessons_per_week": 3,
    }
    assert by_id[bob_id]["availability"] is None
    page = (await client.get(f"/nl/staff/programmes/{pid}/guest-teachers")).text
    assert all(t["name"] in page for t in teachers)
    _, _, elsewhere = await a_school(db, "Eindhoven", "think-api-eindhoven")
    await sign_in(client, elsewhere)
    assert (await client.get(f"/api/v1/programmes/{pid}/guest-teachers")).status_code == 404
