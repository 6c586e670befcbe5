"""Report CSVs by page and API: Dutch readers get `;` and `70,3`, others `,` and `70.3`, either
can ask for the other kind, and a kind we do not know is refused in the reader's language."""

from __future__ import annotations

import csv
import io

from groepsaanbod.attendance.services import exports
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.organisations.models import Organisation
from tests.factories import make_staff, sign_in
from tests.integration.attendance.world import build_world

QUERY = "start=2026-01-01&end=2026-12-31"


def _cell(content: bytes, delimiter: str, label: str) -> str:
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))
    return next(r[1] for r in rows if r and r[0] == label)


async def test_csv_kind_follows_the_reader_and_can_be_chosen(db, client):
    world = await build_world(db, "triple-p-csv-dialect")
    await sign_in(client, await make_staff(db, await db.get(Organisation, world.org_id), "coordinator"))
    attendance = {lang: gettext(lang, "Attendance (share of members present)") for lang in ("nl", "en")}
    page = f"/{{lang}}/staff/reports?organisation_id={world.org_id}&{QUERY}&format=csv"
    api = f"/api/v1/organisations/{world.org_id}/report/export?{QUERY}&format=csv"

    dutch = await client.get(page.format(lang="nl"))
    assert _cell(dutch.content, ";", attendance["nl"]) == "70,3"
    english = await client.get(page.format(lang="en"))
    assert _cell(english.content, ",", attendance["en"]) == "70.3"
    assert _cell((await client.get(api + "&lang=nl")).content, ";", attendance["nl"]) == "70,3"
    assert _cell((await client.get(api + "&lang=en")).content, ",", attendance["en"]) == "70.3"

    # The other kind, asked for by the page's link and by the API.
    assert (
        _cell((await client.get(page.format(lang="nl") + "&dialect=international")).content, ",", attendance["nl"])
        == "70.3"
    )
    assert _cell((await client.get(api + "&lang=en&dialect=nl")).content, ";", attendance["en"]) == "70,3"

    # The page offers both, the reader's own first.
    shown = (await client.get(f"/nl/staff/reports?organisation_id={world.org_id}&{QUERY}")).text
    assert shown.index("dialect=nl") < shown.index("dialect=international")
    shown = (await client.get(f"/en/staff/reports?organisation_id={world.org_id}&{QUERY}")).text
    assert shown.index("dialect=international") < shown.index("dialect=nl")


async def test_an_unknown_csv_kind_is_refused_in_the_readers_language(db, client):
    world = await build_world(db, "triple-p-csv-wrong")
    await sign_in(client, await make_staff(db, await db.get(Organisation, world.org_id), "coordinator"))
    for wrong in ("excel", "%3B", "x" * 5000):
        answer = await client.get(
            f"/api/v1/organisations/{world.org_id}/report/export?{QUERY}&format=csv&dialect={wrong}&lang=pl"
        )
        assert answer.status_code == 422, answer.text[:200]
        assert answer.headers["content-type"].startswith("application/problem+json")
        problem = answer.json()["errors"][0]
        assert problem["field"] == "dialect"
        if len(wrong) < 1000:  # a longer one is refused for its length, before it is read
            assert problem["message"] == gettext("pl", exports.DIALECT_WRONG) != exports.DIALECT_WRONG
    page = await client.get(f"/tr/staff/reports?organisation_id={world.org_id}&{QUERY}&format=csv&dialect=excel")
    assert page.status_code == 400
    assert page.headers["content-type"].startswith("text/html")
    assert gettext("tr", exports.DIALECT_WRONG) in page.text


async def test_the_openapi_document_names_the_csv_kinds(client):
    document = (await client.get("/api/v1/openapi.json")).json()
    for path in ("/organisations/{organisation_id}/report/export", "/reports/municipality/export"):  # under /api/v1
        parameters = {p["name"]: p for p in document["paths"][path]["get"]["parameters"]}
        dialect = parameters["dialect"]
        assert dialect["in"] == "query"
        assert not dialect.get("required", False)
        schema = dialect["schema"]
        alternatives = schema.get("oneOf", schema.get("anyOf", []))
        enum = schema.get("enum") or next(s["enum"] for s in alternatives if "enum" in s)
        assert sorted(enum) == ["international", "nl"]
        assert "78,4" in dialect["description"]
