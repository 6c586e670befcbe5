"""When no database connection can be had in time, a request is answered 503 with Retry-After, in the
person's language (problem+json in the API, a plain page for people), logged, never a 500, and nothing
is half-saved. Tried for real: a PostgreSQL role whose CONNECTION LIMIT is taken ("too many
connections"), a pool of one held busy by a request waiting for a row lock, and a server that refuses
connections."""

from __future__ import annotations

import asyncio
import logging

import asyncpg
import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from groepsaanbod.app import create_app
from groepsaanbod.errors import RETRY_AFTER_SECONDS
from groepsaanbod.migrate import upgrade
from groepsaanbod.registration.models import Registration
from groepsaanbod.settings import Settings
from tests.conftest import NOW, backends
from tests.databases import run_async, separate_database
from tests.integration.messaging.test_workers import free_port
from tests.integration.registration import parallel
from tests.integration.registration.helpers import person, published_programme
from tests.integration.registration.test_capacity import open_cohort

POSTGRESQL = [b for b in backends() if b == "postgresql"]
SIGN_UP = "/api/v1/catalogue/{slug}/registrations"


def _plain(url: str) -> str:
    """The URL as asyncpg takes it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _ask(settings: Settings, *requests: tuple[str, str, dict | None]) -> list[httpx.Response]:
    app = create_app(settings, clock=lambda: NOW)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://busy") as client:
            return [await client.request(method, path, json=body) for method, path, body in requests]
    finally:
        for hook in app.on_shutdown:
            await hook()


def _check_busy_api(response: httpx.Response, words: str) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 503
    assert words in response.json()["detail"]


def _check_busy_page(response: httpx.Response, words: str) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
    assert response.headers["content-type"].startswith("text/html")
    assert words in response.text


async def _registrations(url: str) -> int:
    async with parallel.database(url) as db:
        return await db.scalar(select(func.count()).select_from(Registration))


async def _prepare(url: str, slug: str, with_cohort: bool = False) -> int:
    async with parallel.database(url) as db:
        _, pid = await published_programme(db, "triple-p-group", slug)
        if with_cohort:
            return (await open_cohort(db, pid)).id
        return pid


@pytest.mark.parametrize("backend", POSTGRESQL)
def test_too_many_connections_is_503_with_retry_after(backend, tmp_path, caplog):
    """A role of the app whose CONNECTION LIMIT is taken: PostgreSQL says "too many connections"."""
    url = separate_database(backend, tmp_path, "groepsaanbod_busy_test")
    upgrade(url)
    run_async(_prepare(url, "busy"))
    # A role of this run only (named after its database, which is this run's own).
    role = f"{make_url(url).database}_role"[-63:]
    app_url = make_url(url).set(username=role, password=None).render_as_string(hide_password=False)

    async def scenario() -> list[httpx.Response]:
        admin = await asyncpg.connect(_plain(url))
        await admin.execute(f'DROP ROLE IF EXISTS "{role}"')
        await admin.execute(f'CREATE ROLE "{role}" LOGIN CONNECTION LIMIT 1')
        held = await asyncpg.connect(_plain(app_url))  # takes the one connection the role may have
        try:
            return await _ask(
                Settings(database_url=app_url, rate_limit_register=1000),
                ("GET", "/health?lang=en", None),
                ("POST", SIGN_UP.format(slug="busy") + "?lang=tr", person(1, child_birth_date="2020-06-01")),
                ("GET", "/nl/", None),
                ("GET", "/ar/programmes/busy", None),
            )
        finally:
            await held.close()
            await admin.execute(f'DROP ROLE IF EXISTS "{role}"')
            await admin.close()

    with caplog.at_level(logging.INFO):
        health, sign_up, home, programme = run_async(scenario())
    _check_busy_api(health, "very busy")
    _check_busy_api(sign_up, "Şu anda")
    _check_busy_page(home, "Het is nu erg druk")
    _check_busy_page(programme, 'dir="rtl"')
    assert run_async(_registrations(url)) == 0
    assert [r.message for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert sum(r.message == "database unavailable" for r in caplog.records) == 4


@pytest.mark.parametrize("backend", POSTGRESQL)
def test_a_pool_held_busy_answers_503_and_the_waiting_request_still_succeeds(backend, tmp_path):
    """A pool of one connection, taken by a sign-up that waits for the group's row lock: the next
    requests get no connection within the pool timeout and hear 503; the first then completes."""
    url = separate_database(backend, tmp_path, "groepsaanbod_pool_test")
    upgrade(url)
    cohort_id = run_async(_prepare(url, "pool", with_cohort=True))
    settings = Settings(
        database_url=url,
        rate_limit_register=1000,
        database_pool_size=1,
        database_max_overflow=0,
        database_pool_timeout=0.5,
    )

    async def scenario():
        locker = await asyncpg.connect(_plain(url))
        transaction = locker.transaction()
        await transaction.start()
        await locker.execute("SELECT id FROM cohorts WHERE id = $1 FOR UPDATE", cohort_id)
        app = create_app(settings, clock=lambda: NOW)
        try:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://busy") as client:
                first = asyncio.create_task(
                    client.post(SIGN_UP.format(slug="pool"), json=person(0, child_birth_date="2020-06-01"))
                )
                for _ in range(400):  # until the sign-up waits for the lock, holding the pool's connection
                    # (statistics are read as of the start of a transaction: a fresh look each time)
                    await locker.execute("SELECT pg_stat_clear_snapshot()")
                    waiting = await locker.fetchval(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = $1",
                        make_url(url).database,
                    )
                    if waiting or first.done():
                        break
                    await asyncio.sleep(0.05)
                assert waiting == 1, first.done() and (await first).text
                health = await client.get("/health", headers={"Accept-Language": "pl"})
                second = await client.post(
                    SIGN_UP.format(slug="pool") + "?lang=en", json=person(1, child_birth_date="2020-06-01")
                )
                page = await client.get("/es/")
                await transaction.commit()
                return health, second, page, await first
        finally:
            await locker.close()
            for hook in app.on_shutdown:
                await hook()

    health, second, page, first = run_async(scenario())
    _check_busy_api(health, "Jest")
    _check_busy_api(second, "very busy")
    _check_busy_page(page, 'lang="es"')
    assert first.status_code in (201, 202), first.text

    async def statuses():
        async with parallel.database(url) as db:
            return list(await db.scalars(select(Registration.status)))

    # The first sign-up is in, the refused one left nothing behind.
    assert run_async(statuses()) == ["confirmed"]


def test_a_refused_connection_is_503(tmp_path):
    """Nothing listens where the database should be (a server restarting, a wrong port)."""
    closed = f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere"
    health, sign_up, page = run_async(
        _ask(
            Settings(database_url=closed),
            ("GET", "/health?lang=so", None),
            ("POST", SIGN_UP.format(slug="any") + "?lang=en", person(1)),
            ("GET", "/pl/", None),
        )
    )
    _check_busy_api(health, "")
    _check_busy_api(sign_up, "very busy")
    _check_busy_page(page, 'lang="pl"')


def test_the_pool_is_sized_by_the_settings():
    from groepsaanbod.db import engine_for

    settings = Settings.from_env(
        {
            "GROEPSAANBOD_DATABASE_URL": "postgresql://app@db.example/groepsaanbod",
            "GROEPSAANBOD_DATABASE_POOL_SIZE": "3",
            "GROEPSAANBOD_DATABASE_MAX_OVERFLOW": "2",
            "GROEPSAANBOD_DATABASE_POOL_TIMEOUT": "2.5",
        }
    )
    engine = engine_for(settings)
    assert (engine.pool.size(), engine.pool._max_overflow, engine.pool._timeout) == (3, 2, 2.5)
    defaults = Settings.from_env({})
    assert (defaults.database_pool_size, defaults.database_max_overflow, defaults.database_pool_timeout) == (5, 5, 10)
    for name, value in (("POOL_SIZE", "0"), ("MAX_OVERFLOW", "-1"), ("POOL_TIMEOUT", "never"), ("POOL_SIZE", "x")):
        with pytest.raises(ValueError, match=f"GROEPSAANBOD_DATABASE_{name}"):
            Settings.from_env({f"GROEPSAANBOD_DATABASE_{name}": value})
