"""Header and formula injection (issue 14, item 4), with the exact payloads of the issue:
line breaks are refused in single-line fields wherever they enter, mail headers cannot
be split, and export cells cannot become formulas. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from email import message_from_bytes, policy

import openpyxl
import pytest
from sqlalchemy import func, select

from groepsaanbod.accounts.models import Staff
from groepsaanbod.cohorts.models import Cohort, SchoolClass
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.messaging.transports import build_email
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.programmes.models import Programme
from tests.factories import make_organisation, make_staff, sign_in
from tests.integration.attendance.world import build_world
from tests.integration.registration.helpers import person, published_programme

HEADER_PAYLOAD = "Triple P\r\nBcc: attacker@example.org"
FORMULA_PROGRAMME = '=HYPERLINK("http://evil.example","x")'
FORMULA_CLASS = "@SUM(1+1)"
EN = {"Accept-Language": "en"}


def fields(response) -> dict[str, str]:
    return {e["field"]: e["detail"] for e in response.json().get("errors", [])}


async def test_a_programme_name_with_a_line_break_is_refused_in_the_api_and_the_page(client, db):
    org, pid = await published_programme(db, "triple-p-group", "tp-header")
    await sign_in(client, await make_staff(db, org, "coordinator"))
    api = await client.patch(f"/api/v1/programmes/{pid}", json={"name": {"nl": HEADER_PAYLOAD}}, headers=EN)
    assert api.status_code == 422
    assert fields(api) == {"name.nl": "Write this on one line, without line breaks or tabs."}
    page = await client.post(f"/en/staff/programmes/{pid}/texts", data={"name-nl": HEADER_PAYLOAD})
    assert page.status_code == 400
    assert "Write this on one line" in page.text
    programme = await db.get(Programme, pid, populate_existing=True)
    assert "\n" not in programme.name["nl"]
    assert "Bcc" not in programme.name["nl"]


async def test_a_stored_line_break_in_a_programme_name_puts_no_bcc_into_participants_mail(client, db):
    """A name stored before the checks existed: the e-mail still has one Subject and no Bcc."""
    org, pid = await published_programme(db, "triple-p-group", "tp-header")
    programme = await db.get(Programme, pid)
    programme.name = {"nl": HEADER_PAYLOAD}
    await db.commit()
    signed = await client.post(
        "/api/v1/catalogue/tp-header/registrations", json=person(1, child_birth_date="2024-01-01")
    )
    assert signed.status_code < 300, signed.text
    message = await db.scalar(select(OutboxMessage).where(OutboxMessage.channel == "email"))
    mail = message_from_bytes(build_email(message, "CJG <noreply@cjg.example>").data, policy=policy.default)
    assert mail["Bcc"] is None
    assert "attacker@example.org" not in str(mail["To"])
    assert "Triple P" in mail["Subject"]
    assert "\n" not in mail["Subject"]
    assert not mail.defects
    assert len(mail.get_all("Subject")) == 1


@pytest.mark.parametrize("field", ["subject", "to_address", "language"])
def test_mail_headers_cannot_be_split(field):
    from types import SimpleNamespace

    row = SimpleNamespace(
        id=7,
        to_address="ouder@example.org",
        language="nl",
        subject="Herinnering",
        body_text="Hallo",
        body_html=None,
    )
    setattr(row, field, getattr(row, field) + "\r\nBcc: attacker@example.org")
    if field == "to_address":
        with pytest.raises(ValueError, match="not one plain address"):
            build_email(row, "noreply@cjg.example")
        return
    data = build_email(row, "noreply@cjg.example").data
    mail = message_from_bytes(data, policy=policy.default)
    assert mail["Bcc"] is None
    assert b"\r\nBcc:" not in data
    assert not mail.defects


async def test_an_invitation_email_with_a_line_break_is_refused_and_not_stored(client, db):
    org = await make_organisation(db)
    await sign_in(client, await make_staff(db, org, "admin"))
    payload = "new@example.org\r\nBcc: attacker@example.org"
    page = await client.post(
        "/en/staff/team/invitations",
        data={"email": payload, "full_name": "Nieuwe Collega", "organisation_id": str(org.id), "roles": "volunteer"},
    )
    assert page.status_code == 400, page.status_code
    assert await db.scalar(select(func.count()).where(Staff.email.like("%attacker%"))) == 0
    assert await db.scalar(select(func.count()).where(Staff.email.like("new@%"))) == 0
    named = await client.post(
        "/en/staff/team/invitations",
        data={"email": "new@example.org", "full_name": "Nieuwe\r\nCollega", "organisation_id": str(org.id)},
    )
    assert named.status_code == 400
    assert await db.scalar(select(func.count()).where(Staff.email == "new@example.org")) == 0


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        (
            "/api/v1/venues",
            {"name": "Buurthuis\r\nBcc: x", "street": "b", "postcode": "1234 AB", "city": "c", "capacity": 5},
            "name",
        ),
        (
            "/api/v1/venues",
            {"name": "Buurthuis", "street": "Dorpsstraat\n1", "postcode": "1234 AB", "city": "c", "capacity": 5},
            "street",
        ),
        (
            "/api/v1/venues",
            {"name": "Buurthuis", "street": "b", "postcode": "1234 AB", "city": "Eind\rhoven", "capacity": 5},
            "city",
        ),
    ],
)
async def test_venue_fields_are_single_lines(client, db, url, body, field):
    org = await make_organisation(db)
    await sign_in(client, await make_staff(db, org, "coordinator"))
    answer = await client.post(url, json=body | {"organisation_id": org.id}, headers=EN)
    assert answer.status_code == 422
    assert field in fields(answer)


async def test_a_class_name_with_a_line_break_in_the_csv_is_refused(client, db):
    org, pid = await published_programme(db, "think-op-school", "think-header", languages=("nl",))
    await sign_in(client, await make_staff(db, org, "coordinator"))
    csv_text = (
        "klas;schooljaar;naam mentor;e-mail mentor;aantal leerlingen\n"
        '"1A\r\nBcc: attacker@example.org";2026-2027;Lotte Bakker;lotte@school.example;28\n'
        '1B;2026-2027;"Rik\nMeijer";rik@school.example;27\n'
    )
    answer = await client.post(
        f"/api/v1/programmes/{pid}/school-classes",
        content=csv_text.encode(),
        headers={"Content-Type": "text/csv"} | EN,
    )
    assert answer.status_code == 422
    assert {"lines[2].class_name", "lines[4].mentor_name"} <= set(fields(answer)), answer.text
    assert await db.scalar(select(func.count()).select_from(SchoolClass)) == 0


async def test_participant_and_staff_names_with_line_breaks_are_refused(client, db):
    org, pid = await published_programme(db, "triple-p-group", "tp-names")
    answer = await client.post(
        "/api/v1/catalogue/tp-names/registrations",
        json=person(1, child_birth_date="2024-01-01", full_name=HEADER_PAYLOAD),
        headers=EN,
    )
    assert answer.status_code == 422
    assert "full_name" in fields(answer)


async def test_export_cells_never_become_formulas(client, db):
    world = await build_world(db, "triple-p-formula")
    programme = await db.get(Programme, world.programme_id)
    programme.name = {"nl": FORMULA_PROGRAMME, "en": FORMULA_PROGRAMME}
    cohort = await db.get(Cohort, world.cohort_id)
    cohort.name = FORMULA_CLASS
    await db.commit()
    organisation = await db.get(Organisation, world.org_id)
    await sign_in(client, await make_staff(db, organisation, "cjg_staff", "coordinator"))
    queries = {
        "municipality": "/en/staff/reports/municipality?place=Eindhoven&start=2026-01-01&end=2026-12-31",
        "provider": "/en/staff/reports?start=2026-01-01&end=2026-12-31",
    }
    seen: set[str] = set()
    for kind, url in queries.items():
        xlsx = await client.get(url + "&format=xlsx")
        assert xlsx.status_code == 200, (kind, xlsx.text[:300])
        book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (kind, sheet.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), (kind, cell.value)
                        for payload in (FORMULA_PROGRAMME, FORMULA_CLASS):
                            if cell.value.lstrip("'").startswith(payload):
                                assert cell.data_type == "s"
                                assert cell.value.startswith("'" + payload)
                                seen.add(payload)
        text = (await client.get(url + "&format=csv")).content.decode("utf-8-sig")
        for row in csv.reader(io.StringIO(text), delimiter=","):  # en: the international kind
            for value in row:
                assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (kind, value)
                for payload in (FORMULA_PROGRAMME, FORMULA_CLASS):
                    if value.lstrip("'").startswith(payload):
                        assert value.startswith("'" + payload)
                        seen.add(payload)
    assert seen == {FORMULA_PROGRAMME, FORMULA_CLASS}
