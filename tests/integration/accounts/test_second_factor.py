"""The second factor (ASVS 5.0 6.3.3): every role that sees participants' personal data
needs it; the secret is made by the server, kept encrypted, never shown again after
set-up; recovery codes let a person who lost their phone back in without the CLI."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from groepsaanbod.accounts.models import RecoveryCode, Staff, StaffSession
from groepsaanbod.accounts.services.second_factor import reset_second_factor
from groepsaanbod.accounts.totp import code_at
from groepsaanbod.app import create_app
from groepsaanbod.audit.models import AuditEvent
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.settings import Settings
from tests.conftest import NOW, make_client
from tests.factories import PASSWORD, app_keys, make_organisation, make_staff
from tests.integration.registration.helpers import person, published_programme

SEES_PERSONAL_DATA = ("midwife", "mentor", "trainer", "coordinator", "cjg_staff", "admin")
KEY_ON_PAGE = re.compile(r'<code dir="ltr"[^>]*>([A-Z2-7 ]{16,})</code>')
RECOVERY_CODE = re.compile(r"\b[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}\b")


async def page_sign_in(client, staff, language="nl"):
    return await client.post(
        f"/{language}/staff/sign-in", data={"email": staff.email, "password": PASSWORD, "next": ""}
    )


async def without_second_factor(db, org, *roles):
    staff = await make_staff(db, org, *roles)
    staff.totp_secret = None
    await db.commit()
    return staff


async def set_up_on_the_page(client, staff, moment=NOW):
    """Sign in with the password, read the key the set-up page shows, confirm with a code.
    Returns the key and the set-up answer (which shows the recovery codes)."""
    await page_sign_in(client, staff)
    page = await client.get("/nl/staff/second-factor")
    secret = KEY_ON_PAGE.search(page.text).group(1).replace(" ", "")
    done = await client.post("/nl/staff/second-factor", data={"code": code_at(secret, moment), "next": ""})
    return secret, done


@pytest.fixture
async def moments(db):
    """A client of an app whose clock the test moves on (`moments.append`), with room for more
    code attempts than the sign-in limit allows (that limit has tests of its own)."""
    times = [NOW]

    async def shared():
        yield db

    app = create_app(
        Settings(database_url="sqlite:///unused.db", rate_limit_sign_in=100),
        db_session_provider=shared,
        clock=lambda: times[-1],
    )
    async with make_client(app) as c:
        yield c, times


@pytest.mark.parametrize("role", SEES_PERSONAL_DATA)
async def test_every_role_that_sees_personal_data_needs_the_second_factor(client, db, role):
    org = await make_organisation(db)
    staff = await without_second_factor(db, org, role)
    api = await client.post(
        "/api/v1/auth/sign-in", json={"email": staff.email, "password": PASSWORD}, headers={"Accept-Language": "en"}
    )
    assert api.status_code == 401
    assert "second factor" in api.json()["detail"]
    assert await db.scalar(select(func.count()).select_from(StaffSession)) == 0  # no session left behind
    page = await page_sign_in(client, staff)
    assert page.status_code == 303
    assert "/nl/staff/second-factor" in page.headers["location"]
    assert (await client.get("/api/v1/auth/me")).status_code == 401
    agenda = await client.get("/nl/staff/agenda")
    assert agenda.status_code == 303
    assert "/nl/staff/second-factor" in agenda.headers["location"]


@pytest.mark.parametrize("role", ["volunteer", "guest_teacher"])
async def test_volunteers_and_guest_teachers_sign_in_with_a_password(client, db, role):
    org = await make_organisation(db)
    staff = await without_second_factor(db, org, role)
    assert (await client.post("/api/v1/auth/sign-in", json={"email": staff.email, "password": PASSWORD})).is_success
    assert (await client.get("/nl/staff/agenda")).status_code == 200


async def test_a_coordinator_with_only_a_password_reads_no_registrations(client, db):
    org, pid = await published_programme(db, "kids-en-koffie", "kids-2fa", city="Sliedrecht")
    signed_up = await client.post(
        "/api/v1/catalogue/kids-2fa/registrations", json=person(1, place="Sliedrecht", child_birth_date="2025-06-01")
    )
    assert signed_up.is_success
    coordinator = await without_second_factor(db, org, "coordinator")
    await page_sign_in(client, coordinator)
    api = await client.get(f"/api/v1/programmes/{pid}/registrations")
    assert api.status_code == 401
    assert "ouder1" not in api.text
    page = await client.get(f"/nl/staff/programmes/{pid}/registrations")
    assert page.status_code == 303
    assert "Ouder 1" not in page.text
    assert await db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "read")) == 0


async def test_the_server_makes_the_secret_and_a_client_chosen_one_is_refused(client, db):
    admin = await without_second_factor(db, await make_organisation(db), "admin")
    await page_sign_in(client, admin)
    zeros = "A" * 32
    forged = await client.post(
        "/en/staff/second-factor", data={"secret": zeros, "code": code_at(zeros, NOW), "next": ""}
    )
    assert forged.status_code == 400
    assert "not right" in forged.text
    assert (await db.get(Staff, admin.id, populate_existing=True)).totp_secret is None
    page = await client.get("/nl/staff/second-factor")
    assert 'name="secret"' not in page.text  # the form takes only the code
    shown = KEY_ON_PAGE.search(page.text).group(1).replace(" ", "")
    assert shown != zeros


@pytest.mark.parametrize(
    "form",
    [
        {"secret": "", "code": "123456"},
        {"secret": "!!!not base32!!!", "code": "123456"},
        {"code": ""},
        {"code": "abc"},
        {"code": "1" * 5000},
        {"code": "١٢٣٤٥٦"},  # Arabic-Indic digits
        {},
    ],
)
async def test_an_empty_or_malformed_code_is_a_clear_refusal_never_a_500(client, db, form):
    admin = await without_second_factor(db, await make_organisation(db), "admin")
    await page_sign_in(client, admin)
    answer = await client.post("/ar/staff/second-factor", data=form)
    assert answer.status_code == 400
    assert 'dir="rtl"' in answer.text
    assert "error-summary" in answer.text
    assert (await db.get(Staff, admin.id, populate_existing=True)).totp_secret is None


async def test_the_secret_is_stored_encrypted_and_never_shown_again(client, db):
    admin = await without_second_factor(db, await make_organisation(db), "admin")
    secret, done = await set_up_on_the_page(client, admin)
    assert done.status_code == 200
    stored = await db.scalar(text("SELECT totp_secret FROM staff WHERE id = :id"), {"id": admin.id})
    assert stored
    assert secret not in stored
    assert secret.lower() not in stored.lower()
    for path in ("/nl/staff/second-factor", "/nl/staff/", "/nl/staff/team", "/api/v1/auth/me"):
        answer = await client.get(path, follow_redirects=True)
        assert secret not in answer.text, path
        assert "otpauth" not in answer.text, path
    await client.post("/nl/staff/sign-out")
    await page_sign_in(client, admin)
    again = await client.get("/nl/staff/second-factor")
    assert again.status_code == 200
    assert secret not in again.text
    assert "<svg" not in again.text
    assert not KEY_ON_PAGE.search(again.text)


async def test_the_pending_secret_is_kept_server_side_and_encrypted(client, db):
    admin = await without_second_factor(db, await make_organisation(db), "admin")
    await page_sign_in(client, admin)
    first = KEY_ON_PAGE.search((await client.get("/nl/staff/second-factor")).text).group(1).replace(" ", "")
    reload = KEY_ON_PAGE.search((await client.get("/nl/staff/second-factor")).text).group(1).replace(" ", "")
    assert first == reload  # the same key until it is confirmed
    rows = (await db.execute(text("SELECT * FROM staff_sessions"))).mappings().all()
    assert rows
    assert all(first not in str(dict(row)) for row in rows)
    wrong = await client.post("/nl/staff/second-factor", data={"code": code_at(first, NOW + timedelta(minutes=9))})
    assert wrong.status_code == 400
    done = await client.post("/nl/staff/second-factor", data={"code": code_at(first, NOW)})
    assert done.status_code == 200
    assert len(set(RECOVERY_CODE.findall(done.text))) == 10
    assert (await client.get("/api/v1/auth/me")).status_code == 200


async def test_recovery_codes_work_once_each_and_the_person_is_told(client, db):
    admin = await without_second_factor(db, await make_organisation(db), "admin")
    admin.language = "en"
    _secret, done = await set_up_on_the_page(client, admin)
    codes = list(dict.fromkeys(RECOVERY_CODE.findall(done.text)))
    assert len(codes) == 10
    hashes = list(await db.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.staff_id == admin.id)))
    assert len(hashes) == 10
    assert not any(code.replace("-", "") in h for code in codes for h in hashes)
    await client.post("/nl/staff/sign-out")

    await page_sign_in(client, admin)
    typed = codes[0].upper().replace("-", " ")  # as someone might type it
    used = await client.post("/nl/staff/second-factor", data={"code": typed, "next": "/nl/staff/agenda"})
    assert used.status_code == 303
    assert "/nl/staff/second-factor/recovery-codes?used=1" in used.headers["location"]
    told = await client.get(used.headers["location"])
    assert told.status_code == 200
    assert "9" in told.text
    assert "/nl/staff/agenda" in told.text
    await client.post("/nl/staff/sign-out")

    await page_sign_in(client, admin)
    again = await client.post("/nl/staff/second-factor", data={"code": codes[0]})
    assert again.status_code == 400  # each works once
    for code in codes[1:7]:
        api = await client.post("/api/v1/auth/sign-in", json={"email": admin.email, "password": PASSWORD, "code": code})
        assert api.status_code == 200, code
    messages = list(
        await db.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "recovery_code_used").order_by(OutboxMessage.id)
        )
    )
    assert len(messages) == 7
    assert {m.to_address for m in messages} == {admin.email}
    assert "9 recovery codes left" in messages[0].body_text
    assert "only a few" not in messages[0].body_text
    assert "3 recovery codes left" in messages[-1].body_text
    assert "only a few" in messages[-1].body_text
    left = await client.get("/en/staff/second-factor/recovery-codes")
    assert "3 recovery codes left" in left.text
    assert "only a few" in left.text


async def test_new_recovery_codes_need_a_code_from_the_app(moments, db):
    client, _times = moments
    admin = await without_second_factor(db, await make_organisation(db), "admin")
    secret, done = await set_up_on_the_page(client, admin)
    old = RECOVERY_CODE.findall(done.text)
    page = await client.get("/en/staff/second-factor/recovery-codes")
    assert page.status_code == 200
    assert "10 recovery codes left" in page.text
    assert not RECOVERY_CODE.search(page.text)  # never shown again
    for code in ("", old[0], "123456"):
        refused = await client.post("/en/staff/second-factor/recovery-codes", data={"code": code})
        assert refused.status_code == 400, code
        assert "error-summary" in refused.text, code
    later = NOW + timedelta(seconds=30)  # the code of NOW was used at set-up
    renewed = await client.post("/en/staff/second-factor/recovery-codes", data={"code": code_at(secret, later)})
    new = list(dict.fromkeys(RECOVERY_CODE.findall(renewed.text)))
    assert renewed.status_code == 200
    assert len(new) == 10
    assert not set(new) & set(old)
    assert (
        await db.scalar(select(func.count()).select_from(RecoveryCode).where(RecoveryCode.staff_id == admin.id)) == 10
    )
    await client.post("/nl/staff/sign-out")
    await page_sign_in(client, admin)
    assert (await client.post("/nl/staff/second-factor", data={"code": old[1]})).status_code == 400
    assert (await client.post("/nl/staff/second-factor", data={"code": new[1]})).status_code == 303


async def test_a_lost_phone_is_replaced_with_recovery_codes_without_the_cli(moments, db):
    client, times = moments
    admin = await without_second_factor(db, await make_organisation(db), "admin")
    lost, done = await set_up_on_the_page(client, admin)
    codes = RECOVERY_CODE.findall(done.text)
    await client.post("/nl/staff/sign-out")
    # Signed in with the password only, a new phone cannot be set up.
    await page_sign_in(client, admin)
    early = await client.post("/nl/staff/second-factor/new-app", data={"code": codes[0]})
    assert early.status_code == 303
    assert "/nl/staff/second-factor" in early.headers["location"]
    assert (await client.post("/nl/staff/second-factor", data={"code": codes[0]})).status_code == 303
    wrong = await client.post("/nl/staff/second-factor/new-app", data={"code": "000000"})
    assert wrong.status_code == 400
    started = await client.post("/nl/staff/second-factor/new-app", data={"code": codes[1]})
    assert started.status_code == 303
    assert started.headers["location"] == "/nl/staff/second-factor"
    page = await client.get("/nl/staff/second-factor")
    fresh = KEY_ON_PAGE.search(page.text).group(1).replace(" ", "")
    assert fresh != lost
    assert (await client.get("/api/v1/auth/me")).status_code == 200  # still signed in meanwhile
    times.append(NOW + timedelta(seconds=30))
    confirmed = await client.post("/nl/staff/second-factor", data={"code": code_at(fresh, times[-1])})
    assert confirmed.status_code == 200
    assert len(set(RECOVERY_CODE.findall(confirmed.text))) == 10
    stored = await db.scalar(text("SELECT totp_secret FROM staff WHERE id = :id"), {"id": admin.id})
    assert app_keys().decrypt(stored) == fresh
    await client.post("/nl/staff/sign-out")
    body = {"email": admin.email, "password": PASSWORD}
    times.append(NOW + timedelta(minutes=2))
    old_phone = await client.post("/api/v1/auth/sign-in", json={**body, "code": code_at(lost, times[-1])})
    assert old_phone.status_code == 401
    new_phone = await client.post("/api/v1/auth/sign-in", json={**body, "code": code_at(fresh, times[-1])})
    assert new_phone.status_code == 200


async def test_the_command_line_reset_forgets_secret_and_recovery_codes(client, db):
    admin = await without_second_factor(db, await make_organisation(db), "admin")
    await set_up_on_the_page(client, admin)
    assert await reset_second_factor(db, admin.email.upper())
    assert (await db.get(Staff, admin.id, populate_existing=True)).totp_secret is None
    assert await db.scalar(select(func.count()).select_from(RecoveryCode)) == 0
    assert await db.scalar(select(func.count()).select_from(StaffSession)) == 0
    assert (await client.get("/api/v1/auth/me")).status_code == 401
    assert not await reset_second_factor(db, "nobody@example.org")
