"""A municipality report never shows a count of one to four people: not on the page,
not in the API, not in the CSV and not in the XLSX."""

from __future__ import annotations

import csv
import io
import re

import openpyxl

from groepsaanbod.attendance import figures as f
from groepsaanbod.attendance.services import exports
from tests.factories import make_staff, sign_in
from tests.integration.attendance.world import build_world

QUERY = "place=Eindhoven&start=2026-01-01&end=2026-12-31"
PEOPLE_ROWS = {
    "People reached (came at least once)",
    "Completed the programme",
    "Members of groups with a fixed series",
}


def small(value) -> bool:
    return isinstance(value, int | float) and 0 < value < 5


async def test_municipality_report_suppresses_small_cells_everywhere(db, client):
    world = await build_world(db, "triple-p-small-cells")
    from groepsaanbod.organisations.models import Organisation

    await sign_in(client, await make_staff(db, await db.get(Organisation, world.drop_in_org_id), "cjg_staff"))

    api = (await client.get(f"/api/v1/reports/municipality?{QUERY}&lang=en")).json()
    assert api["suppressed"] is True
    for table in api["tables"]:
        if table["key"] in ("cancel_reasons", "programmes"):
            continue  # meetings, not people (the per-programme people columns are checked below)
        for row in table["rows"]:
            assert not any(small(v) for v in row["values"]), (table["key"], row)
    programmes = next(t for t in api["tables"] if t["key"] == "programmes")
    for row in programmes["rows"]:
        members, completed = row["values"][2], row["values"][4]
        assert not small(members), row
        assert not small(completed), row
    people = {x["key"]: x["value"] for x in api["summary"]}
    assert people["completed"] == f.SUPPRESSED
    assert people["people_reached"] == 6

    page = await client.get(f"/en/staff/reports/municipality?{QUERY}")
    assert page.status_code == 200
    reach = page.text.split('id="reach_language"', 1)[1].split("</section>", 1)[0]
    cells = re.findall(r'utrecht-table__cell--numeric"><span dir="ltr">([^<]*)<', reach)
    assert cells, cells
    assert all(c == "&lt;5" for c in cells), cells
    assert "<desc" in reach
    # Under the table, what "<5" means; a share hidden beside a small count says "hidden", explained.
    assert exports.NOTE_SUPPRESSED.replace("<", "&lt;") in reach
    summary = page.text.split('id="summary-heading"', 1)[1].split("</section>", 1)[0]
    assert '<span dir="ltr">hidden</span>' in summary
    assert "“hidden” is a number of 5 or more" in summary
    assert "1" not in re.sub(r"[^0-9]", "", reach.split("<desc", 1)[1].split("</desc>")[0])

    text = (await client.get(f"/en/staff/reports/municipality?{QUERY}&format=csv")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=","))
    section = None
    for row in rows:
        if len(row) == 1:
            section = row[0]
        if len(row) >= 2 and section in (
            "Reach by language",
            "Reach by postcode area",
            "Reach by age group",
            "Dose: how many meetings each member came to",
            "Waiting time from sign-up to first meeting",
        ):
            assert not any(v.isdigit() and 0 < int(v) < 5 for v in row[1:]), (section, row)
        if row and row[0] in PEOPLE_ROWS:
            assert not (row[1].isdigit() and 0 < int(row[1]) < 5), row

    xlsx = await client.get(f"/en/staff/reports/municipality?{QUERY}&format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    for sheet in book.worksheets[1:]:
        if "Cancelled" in sheet.title:
            continue
        headers = [c.value for c in sheet[3]]
        for row in sheet.iter_rows(min_row=4, values_only=True):
            for header, value in zip(headers[1:], row[1:], strict=False):
                if header in ("People", "Members", "Completed"):
                    assert not small(value), (sheet.title, row)
    summary = {r[0]: r[1] for r in book.worksheets[0].iter_rows(min_row=3, values_only=True) if r[0]}
    assert summary["Completed the programme"] == f.SUPPRESSED
    assert summary["People reached (came at least once)"] == 6


async def test_provider_sees_own_small_numbers_but_not_the_municipality_report(db, client):
    world = await build_world(db, "triple-p-own")
    from groepsaanbod.organisations.models import Organisation

    coordinator = await make_staff(db, await db.get(Organisation, world.org_id), "coordinator")
    await sign_in(client, coordinator)
    own = (await client.get(f"/api/v1/organisations/{world.org_id}/report?start=2026-01-01&end=2026-12-31")).json()
    assert own["suppressed"] is False
    assert {x["key"]: x["value"] for x in own["summary"]}["completed"] == 3
    assert (await client.get(f"/api/v1/reports/municipality?{QUERY}")).status_code == 403
    other = await client.get(f"/api/v1/organisations/{world.drop_in_org_id}/report")
    assert other.status_code == 403
    page = await client.get("/nl/staff/reports?start=2026-01-01&end=2026-12-31")
    assert page.status_code == 200
    assert "<svg" in page.text
    assert 'role="img"' in page.text


async def test_report_api_is_in_the_openapi_document(client):
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    for path in (
        "/sessions/{session_id}/register",
        "/sessions/{session_id}/head-count",
        "/signals",
        "/signals/{signal_id}/handled",
        "/organisations/{organisation_id}/report",
        "/reports/municipality",
    ):
        assert path in paths, path
