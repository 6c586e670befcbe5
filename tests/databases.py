"""Databases of a test run (or a benchmark) on a shared PostgreSQL server, made and dropped safely.

GROEPSAANBOD_TEST_DATABASE_URL names the server, and the database to connect to for
CREATE DATABASE; nothing is ever written to that database. A run makes every database it
needs under a prefix of its own, `ga_<kind>_<run id>_` (kind `test` or `bench`; the run id is
GROEPSAANBOD_TEST_RUN_ID, else a random one), marks each with a comment naming the run, and at
the end drops what it made. Before anything is dropped (at the end, or when a rerun with the
same run id finds its own leftovers) it must carry this run's prefix and mark and hold only
tables our migrations know; otherwise the run refuses (UnsafeDatabase) and leaves it alone.
While a run lives it holds an advisory lock on its prefix, so a second run with the same id
on the same server is refused instead of dropping the first one's databases.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import secrets
import threading
from collections.abc import Coroutine, Iterable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from groepsaanbod.settings import normalise_database_url

PG_ENV = "GROEPSAANBOD_TEST_DATABASE_URL"
# Set to run several test suites at once on one PostgreSQL server (say, from two work trees), or
# to let a rerun drop what a crashed run with the same id left behind.
RUN_ID_ENV = "GROEPSAANBOD_TEST_RUN_ID"
#: The tables pgbench makes (bench/scale_out.py gives pgbench a database of its own).
PGBENCH_TABLES = frozenset({"pgbench_accounts", "pgbench_branches", "pgbench_history", "pgbench_tellers"})
_MAX_IDENTIFIER = 63  # PostgreSQL's NAMEDATALEN - 1
_MAX_RUN_ID = 24

T = TypeVar("T")


class UnsafeDatabase(RuntimeError):
    """A database this run may not wipe; the message says which and why."""


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to the end from sync code, whatever event loop this thread has (a thread
    of its own, so it also works inside a running loop and while the interpreter shuts down)."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:  # noqa: BLE001 (handed over to the caller)
            outcome["error"] = error

    thread = threading.Thread(target=target, name="run_async")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def known_tables() -> frozenset[str]:
    """The tables our migrations make (models and migrations agree: a test holds that)."""
    from groepsaanbod.db import Base, import_all_models

    import_all_models()
    return frozenset(Base.metadata.tables) | {"alembic_version"}


def _clean_run_id(run_id: str) -> str:
    cleaned = re.sub(r"[^a-z0-9_]+", "_", run_id.lower()).strip("_") or "run"
    if len(cleaned) > _MAX_RUN_ID:
        digest = hashlib.sha256(run_id.encode()).hexdigest()[:8]
        cleaned = f"{cleaned[: _MAX_RUN_ID - 9]}_{digest}"
    return cleaned


def _engine(url: str):
    return create_async_engine(normalise_database_url(url), poolclass=NullPool, isolation_level="AUTOCOMMIT")


class DatabaseRun:
    """The databases one run makes on the server that `server_url` names."""

    def __init__(self, server_url: str, *, kind: str = "test", run_id: str | None = None) -> None:
        self.server_url = server_url
        self.run_id = _clean_run_id(run_id) if run_id else f"r{secrets.token_hex(4)}"
        self.prefix = f"ga_{kind}_{self.run_id}_"
        self.marker = f"groepsaanbod {kind} database of run {self.run_id}"
        self._made: dict[str, frozenset[str] | None] = {}  # name → the tables it may hold (None: ours)
        self._lock_thread: threading.Thread | None = None
        self._release = threading.Event()

    @classmethod
    def from_environment(cls, kind: str = "test") -> DatabaseRun:
        return cls(os.environ[PG_ENV], kind=kind, run_id=os.environ.get(RUN_ID_ENV) or None)

    def database_name(self, name: str) -> str:
        """`name` under this run's prefix; too long a name is cut and given a hash of the whole."""
        full = f"{self.prefix}{name}"
        if len(full.encode()) > _MAX_IDENTIFIER:
            digest = hashlib.sha256(full.encode()).hexdigest()[:8]
            full = f"{full[: _MAX_IDENTIFIER - 9]}_{digest}"
        return full

    def url(self, name: str) -> str:
        return self.url_of(self.database_name(name))

    def url_of(self, database: str) -> str:
        return make_url(self.server_url).set(database=database).render_as_string(hide_password=False)

    def create(self, name: str, *, template: str | None = None, tables: Iterable[str] | None = None) -> str:
        """A new database `name` of this run (a copy of this run's database `template` if given,
        which then may have no connections), its URL. `tables`: what it may hold besides ours
        (pgbench's, say). A leftover of this run under that name is dropped first; anything
        else under that name is refused."""
        self._hold_lock()
        database = self.database_name(name)
        allowed = frozenset(tables) if tables is not None else None
        run_async(self._create(database, self.database_name(template) if template else None, allowed))
        self._made[database] = allowed
        return self.url(name)

    def drop(self, name: str) -> None:
        """Drop this run's database `name` (after the same checks as at the end)."""
        database = self.database_name(name)
        run_async(self._wipe(database, self._made.get(database)))
        self._made.pop(database, None)

    def wipe(self, database: str) -> None:
        """Drop the database called `database` if, and only if, this run may (see the module)."""
        run_async(self._wipe(database, self._made.get(database)))
        self._made.pop(database, None)

    def finish(self) -> None:
        """Drop every database this run made; those it may not drop are named in one refusal."""
        refusals = []
        for database, allowed in list(self._made.items()):
            try:
                run_async(self._wipe(database, allowed))
            except UnsafeDatabase as refusal:
                refusals.append(str(refusal))
            self._made.pop(database, None)
        self._release.set()
        if self._lock_thread is not None:
            self._lock_thread.join(30)
            self._lock_thread = None
        if refusals:
            raise UnsafeDatabase("\n".join(refusals))

    # --- the lock: one live run per prefix on this server ---------------------------------

    def _hold_lock(self) -> None:
        if self._lock_thread is not None:
            return
        key = int.from_bytes(hashlib.sha256(self.prefix.encode()).digest()[:8], "big", signed=True)
        got = threading.Event()
        outcome: dict[str, Any] = {}

        async def hold() -> None:
            engine = _engine(self.server_url)
            try:
                async with engine.connect() as conn:
                    outcome["locked"] = await conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
                    got.set()
                    if outcome["locked"]:
                        # The lock lives as long as this connection; it ends when the run finishes
                        # (or with the process).
                        await asyncio.to_thread(self._release.wait)
            finally:
                await engine.dispose()

        def target() -> None:
            try:
                asyncio.run(hold())
            except BaseException as error:  # noqa: BLE001 (handed over below)
                outcome["error"] = error
            got.set()

        self._release.clear()
        thread = threading.Thread(target=target, name=f"lock {self.prefix}", daemon=True)
        thread.start()
        got.wait(120)
        if "error" in outcome:
            raise outcome["error"]
        if not outcome.get("locked"):
            thread.join(30)
            raise UnsafeDatabase(
                f"another run with the prefix {self.prefix!r} is using this PostgreSQL server right now; "
                f"give this one another {RUN_ID_ENV} (or none, for a random one)"
            )
        self._lock_thread = thread

    # --- making and dropping ----------------------------------------------------------------

    async def _create(self, database: str, template: str | None, allowed: frozenset[str] | None) -> None:
        engine = _engine(self.server_url)
        try:
            async with engine.connect() as conn:
                if await _exists(conn, database):
                    await self._check(conn, database, allowed)
                    await conn.execute(text(f'DROP DATABASE "{database}" WITH (FORCE)'))
                copy = f' TEMPLATE "{template}"' if template else ""
                await conn.execute(text(f'CREATE DATABASE "{database}"{copy}'))
                await conn.execute(text(f"COMMENT ON DATABASE \"{database}\" IS '{self.marker}'"))
        finally:
            await engine.dispose()

    async def _wipe(self, database: str, allowed: frozenset[str] | None) -> None:
        engine = _engine(self.server_url)
        try:
            async with engine.connect() as conn:
                if not database.startswith(self.prefix):
                    raise UnsafeDatabase(f"database {database!r} is not this run's (its names start {self.prefix!r})")
                if not await _exists(conn, database):
                    return
                await self._check(conn, database, allowed)
                await conn.execute(text(f'DROP DATABASE "{database}" WITH (FORCE)'))
        finally:
            await engine.dispose()

    async def _check(self, conn: AsyncConnection, database: str, allowed: frozenset[str] | None) -> None:
        """Refuse unless `database` has this run's prefix and mark and holds only known tables."""
        if not database.startswith(self.prefix):
            raise UnsafeDatabase(f"database {database!r} is not this run's (its names start {self.prefix!r})")
        mark = await conn.scalar(
            text("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = :name"),
            {"name": database},
        )
        if mark != self.marker:
            raise UnsafeDatabase(
                f"database {database!r} was not made by this run (its comment is {mark!r}, not {self.marker!r}); "
                "it is left alone: drop it by hand if it is yours"
            )
        known = known_tables() | (allowed or frozenset())
        try:
            relations = await _relations(self.url_of(database))
        except Exception as error:  # noqa: BLE001 (what cannot be looked into is not wiped)
            raise UnsafeDatabase(f"database {database!r} cannot be looked into ({error}); it is left alone") from error
        foreign = [f"{schema}.{name}" for schema, name in relations if not (schema == "public" and name in known)]
        if foreign:
            raise UnsafeDatabase(
                f"database {database!r} holds tables our migrations do not make ({', '.join(sorted(foreign))}); "
                "it is left alone: drop it by hand if it is yours"
            )


async def _exists(conn: AsyncConnection, database: str) -> bool:
    found = await conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": database})
    return found is not None


async def _relations(url: str) -> list[tuple[str, str]]:
    """Every table, view and foreign table outside PostgreSQL's own schemas, as (schema, name)."""
    engine = _engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')"
                    " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                    " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'"
                )
            )
            return [(schema, name) for schema, name in rows]
    finally:
        await engine.dispose()


# --- the test session's run ---------------------------------------------------------------------

_session: DatabaseRun | None = None
_session_guard = threading.Lock()


def session_run() -> DatabaseRun:
    """This pytest session's run (made on first use; tests/conftest.py finishes it)."""
    global _session
    with _session_guard:
        if _session is None:
            _session = DatabaseRun.from_environment("test")
        return _session


def finish_session_run() -> None:
    global _session
    with _session_guard:
        run, _session = _session, None
    if run is not None:
        run.finish()


def separate_database(backend: str, folder: Path, name: str) -> str:
    """A new empty database of this run: a SQLite file in `folder`, or `name` under the run's
    prefix on the test PostgreSQL server."""
    if backend == "sqlite":
        return f"sqlite:///{folder / f'{name}.db'}"
    return session_run().create(name)
