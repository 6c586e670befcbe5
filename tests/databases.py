"""Separate, empty databases for tests that must own a whole database
(migrations up and down, the demo loader, the running server)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from groepsaanbod.settings import normalise_database_url

PG_ENV = "GROEPSAANBOD_TEST_DATABASE_URL"
# Set to run several test suites at once on one PostgreSQL server (say, from two work trees):
# every database a run makes then carries this suffix.
RUN_ID_ENV = "GROEPSAANBOD_TEST_RUN_ID"


def own_name(name: str) -> str:
    """`name`, made this run's own when GROEPSAANBOD_TEST_RUN_ID is set."""
    run_id = os.environ.get(RUN_ID_ENV, "")
    return f"{name}_{run_id}" if run_id else name
T = TypeVar("T")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to the end from sync test code, whatever loop this thread has."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _recreate_postgres_database(server_url: str, name: str) -> None:
    engine = create_async_engine(normalise_database_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await engine.dispose()


def separate_database(backend: str, folder: Path, name: str) -> str:
    """A new empty database named `name`: a SQLite file, or a database on the test PostgreSQL server."""
    if backend == "sqlite":
        return f"sqlite:///{folder / f'{name}.db'}"
    server_url = os.environ[PG_ENV]
    name = own_name(name)
    run_async(_recreate_postgres_database(server_url, name))
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)
