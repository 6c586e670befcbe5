"""What the benchmarks share: a fresh database of their own on the test PostgreSQL server, a free port."""

from __future__ import annotations

import socket

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from groepsaanbod.settings import normalise_database_url


async def fresh_postgres_database(server_url: str, name: str, template: str | None = None) -> str:
    """Database `name` on that server, dropped and made anew (a copy of `template` if given,
    which then may have no connections); its URL."""
    engine = create_async_engine(normalise_database_url(server_url), isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        copy = f' TEMPLATE "{template}"' if template else ""
        await conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    await engine.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
