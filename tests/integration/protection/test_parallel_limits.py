"""Every limit holds when the attempts come all at once, on SQLite and PostgreSQL.

An attempt is counted (one atomic increment-and-read) before the check it pays for, so of 50
parallel attempts at most the limit reach the password or code check; the rest are told to
wait (429). On SQLite, writers wait their turn: no attempt ends in a 500 "database is locked".
The checks that ran are counted from the answers by kind: 401/400 (checked and wrong) against
429 (refused before the check); the `rate_counters` rows show every attempt was counted.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from groepsaanbod.accounts.services.staff import SIGN_IN_WINDOW
from groepsaanbod.accounts.totp import code_at
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.protection.limits import counter_key, window_start
from groepsaanbod.protection.models import RateCounter
from groepsaanbod.registration.models import Registration
from groepsaanbod.settings import Settings
from tests.conftest import NOW, backends
from tests.factories import PASSWORD, TOTP_SECRET, make_organisation, make_staff
from tests.integration.protection.live import csrf_of, live_app
from tests.integration.registration.helpers import person, published_programme

ATTEMPTS = 50
LIMIT = 5
SETTINGS = Settings(rate_limit_sign_in=LIMIT, rate_limit_link=LIMIT, rate_limit_register=LIMIT)


def wrong_codes(secret: str, count: int) -> list[str]:
    """Codes that are wrong at NOW (none of the steps a code is accepted in)."""
    right = {code_at(secret, NOW + timedelta(seconds=30 * step)) for step in (-1, 0, 1)}
    codes, n = [], 0
    while len(codes) < count:
        code = f"{n:06d}"
        if code not in right:
            codes.append(code)
        n += 1
    return codes


async def hits_of(live, kind: str, subject: str, window) -> int:
    async with live.sessions() as session:
        return (
            await session.scalar(
                select(RateCounter.hits).where(
                    RateCounter.key == counter_key(kind, subject),
                    RateCounter.window_start == window_start(NOW, window),
                )
            )
            or 0
        )


@pytest.mark.parametrize("backend", backends())
async def test_fifty_parallel_wrong_passwords_reach_at_most_the_limit_of_checks(backend, tmp_path):
    async with live_app(backend, tmp_path, "groepsaanbod_parallel_sign_in", SETTINGS) as live:
        async with live.sessions() as session:
            staff = await make_staff(session, await make_organisation(session), "coordinator")
        async with live.client() as client:
            answers = await asyncio.gather(
                *(
                    client.post("/api/v1/auth/sign-in", json={"email": staff.email, "password": f"wrong {n}"})
                    for n in range(ATTEMPTS)
                )
            )
        kinds = Counter(a.status_code for a in answers)
        assert set(kinds) <= {401, 429}, kinds  # never a 500 ("database is locked")
        assert kinds[401] <= LIMIT, kinds  # the password was checked at most LIMIT times
        assert kinds[401] + kinds[429] == ATTEMPTS
        assert await hits_of(live, "sign-in-account", staff.email, SIGN_IN_WINDOW) == ATTEMPTS
        async with live.client() as client:  # the right password now waits too
            late = await client.post("/api/v1/auth/sign-in", json={"email": staff.email, "password": PASSWORD})
        assert late.status_code == 429


@pytest.mark.parametrize(
    ("backend", "attempts"), [("sqlite", 30), ("sqlite", 50)] + [(b, 50) for b in backends() if b != "sqlite"]
)
async def test_parallel_sign_ins_on_one_database_never_answer_500(backend, attempts, tmp_path):
    """On SQLite, 30 parallel sign-ins gave 28 x 500 "database is locked": writers now wait their
    turn. Right and wrong passwords, pages and API, five people."""
    settings = Settings(rate_limit_sign_in=1000)
    async with live_app(backend, tmp_path, "groepsaanbod_parallel_writers", settings) as live:
        async with live.sessions() as session:
            org = await make_organisation(session)
            people = [await make_staff(session, org, "volunteer") for _ in range(5)]  # no second factor

        async def one(n: int):
            staff = people[n % len(people)]
            async with live.client() as client:
                password = PASSWORD if n % 2 else "wrong password"
                if n % 3:
                    return await client.post("/api/v1/auth/sign-in", json={"email": staff.email, "password": password})
                form = await client.get("/nl/staff/sign-in")
                return await client.post(
                    "/nl/staff/sign-in",
                    data={"email": staff.email, "password": password, "csrf_token": csrf_of(form)},
                )

        answers = await asyncio.gather(*(one(n) for n in range(attempts)))
        kinds = Counter(a.status_code for a in answers)
        assert set(kinds) <= {200, 303, 400, 401}, kinds
        assert kinds[200] + kinds[303] == attempts // 2


@pytest.mark.parametrize("backend", backends())
async def test_fifty_parallel_codes_in_the_api_reach_at_most_the_limit_of_checks(backend, tmp_path):
    async with live_app(backend, tmp_path, "groepsaanbod_parallel_api_codes", SETTINGS) as live:
        async with live.sessions() as session:
            admin = await make_staff(session, await make_organisation(session), "admin")
        codes = wrong_codes(TOTP_SECRET, ATTEMPTS)
        async with live.client() as client:
            answers = await asyncio.gather(
                *(
                    client.post("/api/v1/auth/sign-in", json={"email": admin.email, "password": PASSWORD, "code": c})
                    for c in codes
                )
            )
        kinds = Counter(a.status_code for a in answers)
        assert set(kinds) <= {401, 429}, kinds
        assert kinds[401] <= LIMIT, kinds  # codes checked
        assert await hits_of(live, "sign-in-account", admin.email, SIGN_IN_WINDOW) == ATTEMPTS
        assert await hits_of(live, "second-factor", str(admin.id), SIGN_IN_WINDOW) == kinds[401]
        async with live.client() as client:  # the right code waits too, until the window ends
            late = await client.post(
                "/api/v1/auth/sign-in",
                json={"email": admin.email, "password": PASSWORD, "code": code_at(TOTP_SECRET, NOW)},
            )
        assert late.status_code == 429


@pytest.mark.parametrize("backend", backends())
async def test_fifty_parallel_codes_on_the_second_factor_page_reach_at_most_the_limit(backend, tmp_path):
    async with live_app(backend, tmp_path, "groepsaanbod_parallel_page_codes", SETTINGS) as live:
        async with live.sessions() as session:
            admin = await make_staff(session, await make_organisation(session), "admin")
        async with live.client() as client:
            form = await client.get("/nl/staff/sign-in")
            signed = await client.post(
                "/nl/staff/sign-in", data={"email": admin.email, "password": PASSWORD, "csrf_token": csrf_of(form)}
            )
            assert signed.status_code == 303
            assert "second-factor" in signed.headers["location"]
            token = csrf_of(await client.get("/nl/staff/second-factor"))
            answers = await asyncio.gather(
                *(
                    client.post("/nl/staff/second-factor", data={"code": code, "csrf_token": token})
                    for code in wrong_codes(TOTP_SECRET, ATTEMPTS)
                )
            )
        kinds = Counter(a.status_code for a in answers)
        assert set(kinds) <= {400, 429}, kinds
        assert kinds[400] <= LIMIT, kinds
        assert await hits_of(live, "second-factor", str(admin.id), SIGN_IN_WINDOW) == ATTEMPTS


@pytest.mark.parametrize("backend", backends())
async def test_good_sign_ins_do_not_lock_a_person_out(backend, tmp_path):
    """Counting every attempt first must not turn a person's own successful sign-ins into a lock-out."""
    async with live_app(backend, tmp_path, "groepsaanbod_good_sign_ins", SETTINGS) as live:
        async with live.sessions() as session:
            staff = await make_staff(session, await make_organisation(session), "volunteer")  # no second factor
        async with live.client() as client:
            for _ in range(LIMIT + 2):
                ok = await client.post("/api/v1/auth/sign-in", json={"email": staff.email, "password": PASSWORD})
                assert ok.status_code == 200, ok.text
            for _ in range(LIMIT):
                wrong = await client.post("/api/v1/auth/sign-in", json={"email": staff.email, "password": "nope"})
                assert wrong.status_code == 401
            blocked = await client.post("/api/v1/auth/sign-in", json={"email": staff.email, "password": PASSWORD})
            assert blocked.status_code == 429


@pytest.mark.parametrize("backend", backends())
async def test_fifty_parallel_registrations_from_one_address_stop_at_the_limit(backend, tmp_path):
    async with live_app(backend, tmp_path, "groepsaanbod_parallel_register", SETTINGS) as live:
        async with live.sessions() as session:
            await published_programme(session, "kids-en-koffie", "kids-test")
        async with live.client() as client:
            answers = await asyncio.gather(
                *(
                    client.post(
                        "/api/v1/catalogue/kids-test/registrations", json=person(n, child_birth_date="2024-01-01")
                    )
                    for n in range(ATTEMPTS)
                )
            )
        kinds = Counter(a.status_code for a in answers)
        assert kinds[429] == ATTEMPTS - LIMIT, kinds
        assert len(kinds) == 2, kinds
        async with live.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(Registration)) == LIMIT


@pytest.mark.parametrize("backend", backends())
async def test_fifty_parallel_link_and_reset_requests_stop_at_the_limit(backend, tmp_path):
    async with live_app(backend, tmp_path, "groepsaanbod_parallel_links", SETTINGS) as live:
        async with live.sessions() as session:
            staff = await make_staff(session, await make_organisation(session), "trainer")
        async with live.client() as client:
            form = csrf_of(await client.get("/nl/staff/password"))
            resets = await asyncio.gather(
                *(
                    client.post("/nl/staff/password", data={"email": staff.email, "csrf_token": form})
                    for _ in range(ATTEMPTS)
                )
            )
        async with live.client() as client:
            form = csrf_of(await client.get("/nl/new-link"))
            links = await asyncio.gather(
                *(
                    client.post("/nl/new-link", data={"contact": f"person{n}@example.org", "csrf_token": form})
                    for n in range(ATTEMPTS)
                )
            )
        for answers in (resets, links):
            kinds = Counter(a.status_code for a in answers)
            assert kinds[429] == ATTEMPTS - LIMIT, kinds
            assert kinds[200] == LIMIT, kinds
        async with live.sessions() as session:
            sent = await session.scalar(select(func.count()).select_from(OutboxMessage))
        assert sent == LIMIT  # one reset message per attempt that got through
