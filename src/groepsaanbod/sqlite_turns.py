"""SQLite: transactions take turns, instead of failing with "database is locked".

SQLite has one writer at a time. In WAL mode a transaction that reads first and writes later
cannot wait for the writer ahead of it: once another transaction has committed since its first
read, its first write fails at once with SQLITE_BUSY, whatever the busy timeout says (30
parallel sign-ins gave 28 of those as 500s). So on SQLite every transaction begins with BEGIN
IMMEDIATE, taking the write lock before it reads anything; the busy timeout then makes other
processes (a worker beside `serve`) wait their turn. Within one process the transactions queue
on an asyncio lock first: waiting then holds no thread and no polling, and turns come in order
of arrival. Readers of a WAL database are not blocked by a transaction holding the lock.

The lock is taken when a transaction begins and given back when it ends (commit, rollback, or
the connection going back to the pool or away); savepoints inside a transaction take nothing.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import await_
from sqlalchemy.util.concurrency import in_greenlet

#: How long a transaction waits for its turn, as long as SQLite's busy timeout (see db.py).
WAIT_SECONDS = 30


def _raw(connection: Any) -> Any:
    """The DBAPI connection behind a pool's proxy (or the connection itself)."""
    return getattr(connection, "dbapi_connection", connection)


class Turns:
    """One engine's queue of transactions: the one holding the turn and the asyncio lock."""

    def __init__(self, wait_seconds: float) -> None:
        self.lock = asyncio.Lock()
        self.holder: Any = None
        self.wait_seconds = wait_seconds

    async def _wait(self) -> None:
        try:
            async with asyncio.timeout(self.wait_seconds):
                await self.lock.acquire()
        except TimeoutError:
            # The same exception as a pool with no free connection: the request may be tried again.
            raise PoolTimeout(f"no turn to use the database within {self.wait_seconds} s") from None

    def take(self, dbapi_connection: Any) -> bool:
        """Wait for the turn (only where SQLAlchemy runs on asyncio); True when taken."""
        if not in_greenlet():
            return False
        await_(self._wait())
        self.holder = dbapi_connection
        return True

    def give_back(self, dbapi_connection: Any) -> None:
        if dbapi_connection is not None and self.holder is dbapi_connection:
            self.holder = None
            self.lock.release()


def take_turns(engine: AsyncEngine, wait_seconds: float = WAIT_SECONDS) -> Turns:
    """Make every transaction of this SQLite engine begin immediately, one at a time per process."""
    turns = Turns(wait_seconds)
    sync_engine = engine.sync_engine
    dialect = sync_engine.dialect
    plain_commit, plain_rollback = dialect.do_commit, dialect.do_rollback

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection) -> None:
        raw = _raw(connection.connection)
        took = turns.take(raw)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            if took:
                turns.give_back(raw)
            raise

    # Given back after the COMMIT or ROLLBACK itself (the engine's events fire before it), so the
    # next transaction does not find the database still locked by this one.
    def do_commit(dbapi_connection) -> None:
        try:
            plain_commit(dbapi_connection)
        finally:
            turns.give_back(_raw(dbapi_connection))

    def do_rollback(dbapi_connection) -> None:
        try:
            plain_rollback(dbapi_connection)
        finally:
            turns.give_back(_raw(dbapi_connection))

    dialect.do_commit = do_commit  # type: ignore[method-assign]
    dialect.do_rollback = do_rollback  # type: ignore[method-assign]

    # A connection that is closed or invalidated in the middle of a transaction gives it back too.
    for name in ("checkin", "invalidate", "soft_invalidate", "close", "close_detached"):
        event.listen(sync_engine, name, lambda dbapi_connection, *_: turns.give_back(dbapi_connection))
    return turns
