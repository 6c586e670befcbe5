"""Engine, sessions and the declarative base shared by every area's models."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import JSON, DateTime, MetaData, event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from groepsaanbod.sqlite_turns import WAIT_SECONDS, take_turns

#: SQLite: connections (each a thread of aiosqlite) that may wait for their turn at once.
SQLITE_WAITING = 100

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A moment in time, stored in UTC, given back aware (SQLite forgets zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, str]: JSON, list[str]: JSON, datetime: UTCDateTime}


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: datetime.now(UTC))
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime,
        default=lambda: datetime.now(UTC),
        onupdate=lambda: datetime.now(UTC),
    )


def import_all_models() -> None:
    """Import every area's models module, so the metadata knows all tables.

    Found by walking the package: a new area needs no line here.
    """
    import groepsaanbod

    for info in pkgutil.iter_modules(groepsaanbod.__path__):
        if info.ispkg and (Path(groepsaanbod.__path__[0]) / info.name / "models.py").exists():
            importlib.import_module(f"groepsaanbod.{info.name}.models")


def make_engine(async_url: str) -> AsyncEngine:
    if async_url.startswith("sqlite"):
        path = async_url.split(":///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Transactions queue for their turn (sqlite_turns) holding a connection, so the pool must not be
        # a second, shorter queue in front of that one: room for many waiting, one working at a time.
        engine = create_async_engine(
            async_url,
            connect_args={"timeout": WAIT_SECONDS},
            pool_size=5,
            max_overflow=SQLITE_WAITING - 5,
            pool_timeout=WAIT_SECONDS,
            hide_parameters=True,
        )
        _sqlite_pragmas(engine)
        return engine
    # Two app processes with 30 connections each stay below PostgreSQL's default of 100.
    # hide_parameters: an error's message (and so its log line) names no person's data.
    # No pre-ping (a round trip on every checkout, ~10% of a sign-up): a connection the server dropped
    # fails its request once, SQLAlchemy then discards the whole pool, and pool_recycle retires
    # connections before idle timeouts of proxies in between would.
    return create_async_engine(async_url, pool_size=10, max_overflow=20, pool_recycle=1800, hide_parameters=True)


def _sqlite_pragmas(engine: AsyncEngine) -> None:
    """Foreign keys on, WAL, a busy timeout, and transactions that take turns (sqlite_turns).

    The driver's own implicit BEGIN breaks savepoints; SQLAlchemy's documented
    recipe turns it off, and sqlite_turns emits BEGIN IMMEDIATE when a transaction starts.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={WAIT_SECONDS * 1000}")
        cursor.close()

    take_turns(engine)


#: Kept for callers that ask for the write lock by name: on SQLite every transaction now has it.
WRITE_LOCK_OPTION = "groepsaanbod_write_lock"


def is_sqlite(session: AsyncSession) -> bool:
    return session.bind is not None and session.bind.dialect.name == "sqlite"


async def begin_writing(session: AsyncSession) -> None:
    """Start the transaction of a use case that must not lose a race.

    SQLite has no row locks (FOR UPDATE does nothing), but there every transaction begins with
    BEGIN IMMEDIATE (sqlite_turns), holding the database's write lock before anything is read,
    so nothing is left to do. On PostgreSQL this does nothing either and `lock_row` locks just
    the row that decides the race.
    """
    return None


async def lock_row(session: AsyncSession, table, row_id: int) -> None:
    """Serialise the writers of one row (a programme, a cohort) until commit."""
    from sqlalchemy import select

    if not is_sqlite(session):
        await session.execute(select(table.c.id).where(table.c.id == row_id).with_for_update())


async def take_write_lock(session: AsyncSession, table, row_id: int) -> None:
    """begin_writing and lock_row together, for use cases that lock one row first."""
    await begin_writing(session)
    await lock_row(session, table, row_id)


async def scalar_committed_alone(session: AsyncSession, statement, parameters: dict | None = None):
    """Run one statement as a transaction of its own, committed at once, and give its one value.

    On PostgreSQL, with a session of its own engine and nothing begun yet, the statement runs in
    autocommit: one round trip instead of BEGIN, statement, COMMIT, and a row many requests
    update (a rate counter) is locked only while the statement runs, not while this process
    gets round to its COMMIT. Elsewhere (SQLite, a test's shared transaction) it is an
    ordinary execute and commit.
    """
    if isinstance(session.bind, AsyncEngine) and not is_sqlite(session) and not session.in_transaction():
        connection = await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        value = (await connection.execute(statement, parameters)).scalar_one()
    else:
        value = (await session.execute(statement, parameters)).scalar_one()
    await session.commit()
    return value


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def session_scope(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One session per request; whatever a service did not commit is rolled back."""
    session = factory()
    try:
        yield session
    finally:
        await session.rollback()
        await session.close()
