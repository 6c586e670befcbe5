"""Engine, sessions and the declarative base shared by every area's models."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from sqlalchemy import JSON, DateTime, MetaData, event, exc, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

import groepsaanbod
from groepsaanbod.sqlite_turns import WAIT_SECONDS, take_turns

if TYPE_CHECKING:
    from groepsaanbod.settings import Settings

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


def area_modules(name: str) -> list[ModuleType]:
    """Every area's module of this name (`models`, `routes`), in the areas' alphabetical order.

    Found by walking the package: a new area needs no line in a central file.
    """
    root = Path(groepsaanbod.__path__[0])
    return [
        importlib.import_module(f"groepsaanbod.{info.name}.{name}")
        for info in sorted(pkgutil.iter_modules(groepsaanbod.__path__), key=lambda info: info.name)
        if info.ispkg and (root / info.name / f"{name}.py").exists()
    ]


def import_all_models() -> None:
    """Import every area's models module, so the metadata knows all tables."""
    area_modules("models")


@dataclass(frozen=True)
class PoolSize:
    """PostgreSQL connections of one process (GROEPSAANBOD_DATABASE_POOL_SIZE, _MAX_OVERFLOW, _POOL_TIMEOUT).

    Every process of every replica, and every worker, holds up to size + overflow: keep
    (replicas x processes + workers) x (size + overflow) below the server's max_connections, with
    room for whatever else uses that server (README, Production)."""

    size: int = 5
    overflow: int = 5
    #: Seconds a request waits for a connection before it is answered 503 (see database_unavailable).
    timeout: float = 10.0


def engine_for(settings: Settings) -> AsyncEngine:
    """The engine of the configured database, its pool sized by the settings."""
    pool = PoolSize(settings.database_pool_size, settings.database_max_overflow, settings.database_pool_timeout)
    return make_engine(settings.async_database_url, pool)


def make_engine(async_url: str, pool: PoolSize = PoolSize()) -> AsyncEngine:
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
    # hide_parameters: an error's message (and so its log line) names no person's data.
    # No pre-ping (a round trip on every checkout, ~10% of a sign-up): a connection the server dropped
    # fails its request once, SQLAlchemy then discards the whole pool, and pool_recycle retires
    # connections before idle timeouts of proxies in between would.
    return create_async_engine(
        async_url,
        pool_size=pool.size,
        max_overflow=pool.overflow,
        pool_timeout=pool.timeout,
        pool_recycle=1800,
        hide_parameters=True,
    )


#: What PostgreSQL says when it cannot take a connection or a statement now (SQLSTATE): too many
#: connections (53300), out of resources (53000, 53200, 53400), starting up or shutting down
#: (57P01 to 57P03), and the connection failing (class 08).
_UNAVAILABLE_STATES = frozenset(
    {"53000", "53200", "53300", "53400", "57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006"}
)


def database_unavailable(error: BaseException) -> bool:
    """True when `error` says the database cannot serve this request now, not that the request is
    wrong or the code broke: no connection came from the pool in time, the server refused or
    dropped the connection, or is starting up. Such a request is answered 503 with Retry-After."""
    if isinstance(error, exc.TimeoutError):  # the pool's timeout
        return True
    if isinstance(error, exc.DBAPIError):
        state = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
        return error.connection_invalidated or state in _UNAVAILABLE_STATES
    # Raised by the driver while connecting: refused, reset, or no answer within its timeout.
    return isinstance(error, ConnectionError | TimeoutError)


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
    """Serialise the writers of one row (a programme, a cohort) until commit.

    Every use case locks in one order: the programme, then a cohort, then registrations. The lock
    is FOR NO KEY UPDATE, not FOR UPDATE: inserting a row that references this one (a registration
    of the programme) takes a KEY SHARE lock on it, which FOR UPDATE waits for and FOR NO KEY
    UPDATE does not. With FOR UPDATE two sign-ups that had each inserted their registration then
    waited for each other's share lock: a deadlock. Lockers still wait for each other.
    """
    if not is_sqlite(session):
        await session.execute(select(table.c.id).where(table.c.id == row_id).with_for_update(key_share=True))


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
