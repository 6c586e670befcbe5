"""A real app on a database of its own, for tests that fire many requests at once.

Unlike the `app` fixture (which shares the test's session, so every request runs in one
transaction), here each request gets its own session from the app's own engine, as in
production: this is where races between requests show.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from groepsaanbod.app import create_app
from groepsaanbod.db import make_engine, make_session_factory, session_scope
from groepsaanbod.migrate import upgrade
from groepsaanbod.settings import Settings, normalise_database_url
from tests.conftest import NOW
from tests.databases import separate_database


def small_engine(url: str) -> AsyncEngine:
    """The app's engine: make_engine's on SQLite (its writer rules are what is tested); on the
    shared PostgreSQL server a small pool, so parallel tests stay far below max_connections."""
    async_url = normalise_database_url(url)
    if async_url.startswith("sqlite"):
        return make_engine(async_url)
    return create_async_engine(async_url, pool_size=4, max_overflow=4, pool_timeout=60, hide_parameters=True)


@dataclass
class LiveApp:
    app: Litestar
    sessions: async_sessionmaker[AsyncSession]
    url: str

    def client(self, **headers: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://testserver", headers=headers
        )


@asynccontextmanager
async def live_app(backend: str, folder: Path, name: str, settings: Settings | None = None) -> AsyncIterator[LiveApp]:
    """A migrated database of its own and an app whose requests each take their own session."""
    url = separate_database(backend, folder, name)
    upgrade(url)
    engine = small_engine(url)
    factory = make_session_factory(engine)

    async def own_session() -> AsyncIterator[AsyncSession]:
        async for session in session_scope(factory):
            yield session

    settings = settings or Settings()
    app = create_app(settings, db_session_provider=own_session, clock=lambda: NOW)
    try:
        yield LiveApp(app, factory, url)
    finally:
        await engine.dispose()


def csrf_of(page: httpx.Response) -> str:
    """The token a page's form carries (`csrf_field()`), so a test posts as the browser would."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)
