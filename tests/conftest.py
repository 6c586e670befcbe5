"""Test databases built with the real Alembic migrations; each test in a
transaction that is rolled back at the end (services' commits become savepoints).

Integration tests run on SQLite and, when GROEPSAANBOD_TEST_DATABASE_URL is
set, on PostgreSQL too; an unreachable PostgreSQL fails the run, never skips.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from groepsaanbod.app import create_app
from groepsaanbod.db import make_engine
from groepsaanbod.migrate import upgrade
from groepsaanbod.protection.cookies import CSRF_COOKIE, SESSION_COOKIE, cookie_name
from groepsaanbod.protection.csrf import token_for
from groepsaanbod.settings import Settings, normalise_database_url
from tests.databases import PG_ENV, UnsafeDatabase, finish_session_run, separate_database

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)

# CI must not fail on an example it never drew before: the same examples every run.
# HYPOTHESIS_PROFILE=explore draws new ones (run it by hand to look for new failures).
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", max_examples=1000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests last: they are the slowest, and the cheap ones should speak first."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop the PostgreSQL databases this run made, and only those (see tests/databases.py)."""
    try:
        finish_session_run()
    except UnsafeDatabase as refusal:
        # Loud, but not a crash of pytest: the run fails and says what it left alone.
        print(f"\nTest databases left alone:\n{refusal}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def fresh_database(backend: str, folder: Path, name: str = "test") -> str:
    """An empty database of `backend`, as a URL: on PostgreSQL one this run made, under its prefix
    (never the database GROEPSAANBOD_TEST_DATABASE_URL names)."""
    return separate_database(backend, folder, name)


@pytest.fixture(scope="session", params=backends())
def migrated_database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    url = fresh_database(request.param, tmp_path_factory.mktemp(request.param))
    upgrade(url)
    return url


@pytest.fixture(scope="session")
async def engine(migrated_database: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(normalise_database_url(migrated_database))
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with engine.connect() as conn:
        outer = await conn.begin()
        try:
            yield conn
        finally:
            await outer.rollback()


@pytest.fixture
def session_factory(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint")


@pytest.fixture
async def db(session_factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with session_factory() as session:
        yield session


@pytest.fixture
def clock() -> Callable[[], datetime]:
    return lambda: NOW


class _TestInUse:
    """What the shared app hands a request: the running test's session and clock."""

    db: AsyncSession | None = None
    clock: Callable[[], datetime] = staticmethod(lambda: NOW)


@pytest.fixture(scope="session")
def _shared_app() -> tuple[Any, _TestInUse]:
    """One app for the whole run: building one registers some 500 routes (about a third of a
    second), which per test was minutes of every run. Its state is only the settings; what
    differs per test (session, clock) it reads from `_TestInUse` on each request."""
    in_use = _TestInUse()

    async def shared_session() -> AsyncIterator[AsyncSession]:
        if in_use.db is None:
            raise RuntimeError("the shared app was called outside a test")
        yield in_use.db

    # Tests sign many people up from one address; the registration limit has its own test.
    settings = Settings(database_url="sqlite:///unused.db", rate_limit_register=100_000)
    return create_app(settings, db_session_provider=shared_session, clock=lambda: in_use.clock()), in_use


@pytest.fixture
def app(_shared_app, db, clock):
    """The app shares the test's session: what a request commits, the test sees, and
    the rollback at the end of the test removes it all."""
    shared, in_use = _shared_app
    in_use.db, in_use.clock = db, clock
    yield shared
    in_use.db, in_use.clock = None, _TestInUse.clock


#: The tests' anonymous pre-session value (the `ga_csrf` cookie); form tokens are made from it,
#: or from the sign-in cookie once signed in (protection/csrf.py).
TEST_CSRF_TOKEN = "test-csrf-token"


def csrf_hook(app):
    """Sends each request's CSRF token in `X-CSRF-Token`, as a page's form would: made from the
    cookies the request carries (sign-in, else pre-session). A request that sets the header
    itself keeps it (tests of refusals)."""
    settings = app.state["settings"]
    session_name = cookie_name(SESSION_COOKIE, development=settings.development)
    pre_session_name = cookie_name(CSRF_COOKIE, development=settings.development)

    async def add_token(request: httpx.Request) -> None:
        if "x-csrf-token" in request.headers:
            return
        cookies = SimpleCookie(request.headers.get("cookie", ""))
        session, pre_session = cookies.get(session_name), cookies.get(pre_session_name)
        request.headers["X-CSRF-Token"] = token_for(
            settings.effective_secret_key,
            session_token=session.value if session else None,
            pre_session=pre_session.value if pre_session else None,
        )

    return add_token


def make_client(app, base_url: str = "http://testserver") -> httpx.AsyncClient:
    """A client of `app` whose page forms carry their CSRF token (use `async with`)."""
    development = app.state["settings"].development
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=base_url, event_hooks={"request": [csrf_hook(app)]}
    )
    client.cookies.set(cookie_name(CSRF_COOKIE, development=development), TEST_CSRF_TOKEN)
    return client


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(app) as c:
        yield c
