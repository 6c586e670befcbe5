"""Rate limits counted in the database, so every app process sees the same counts.

One row per key and time window; an upsert adds a hit atomically (SQLite and
PostgreSQL both have INSERT … ON CONFLICT). Old windows are removed by the worker.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, delete, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.db import scalar_committed_alone
from groepsaanbod.i18n.text import N_
from groepsaanbod.protection.limits import counter_key, minutes_left, window_start
from groepsaanbod.protection.models import RateCounter

log = logging.getLogger(__name__)

TOO_MANY = N_("You tried this too often. Wait %(minutes)s minutes and try again.")


class TooManyAttempts(Exception):
    """A rate limit was reached; `minutes` says how long to wait."""

    status_code = 429

    def __init__(self, minutes: int) -> None:
        super().__init__(f"wait {minutes} minutes")
        self.minutes = minutes
        self.msgid = TOO_MANY


@dataclass(frozen=True)
class Limit:
    kind: str
    allowed: int
    window: timedelta


@cache
def _add_hit_statement(dialect: str):
    """INSERT … ON CONFLICT DO UPDATE … RETURNING, built once per dialect (every sign-up runs it)."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(RateCounter).values(key=bindparam("key"), window_start=bindparam("window_start"), hits=1)
    return statement.on_conflict_do_update(
        index_elements=["key", "window_start"], set_={"hits": RateCounter.hits + 1}
    ).returning(RateCounter.hits)


async def add_hit(session: AsyncSession, limit: Limit, subject: str, now: datetime) -> int:
    """Count one hit, committed at once (so a refused request counts too); the number of hits
    in this window, this one included."""
    statement = _add_hit_statement(session.get_bind().dialect.name)
    parameters = {"key": counter_key(limit.kind, subject), "window_start": window_start(now, limit.window)}
    return int(await scalar_committed_alone(session, statement, parameters))


async def take(session: AsyncSession, limit: Limit, subject: str, now: datetime) -> None:
    """Count this attempt and refuse it when it is one too many: call it *before* the check it
    pays for (a password, a code, a message sent). The count is one atomic increment-and-read,
    committed at once, so a refused attempt counts too and parallel attempts each see their own
    number: of any number at once, at most `limit.allowed` get through."""
    count = await add_hit(session, limit, subject, now)
    if count > limit.allowed:
        log.warning("rate limit reached", extra={"kind": limit.kind})
        raise TooManyAttempts(minutes_left(now, limit.window))


async def counted_within(session: AsyncSession, limit: Limit, subject: str, now: datetime) -> bool:
    """Count this attempt in the caller's transaction (kept when it commits) and say whether it is
    within the limit: for a use case that writes anyway and should not pay for a commit of its own."""
    statement = _add_hit_statement(session.get_bind().dialect.name)
    parameters = {"key": counter_key(limit.kind, subject), "window_start": window_start(now, limit.window)}
    return int((await session.execute(statement, parameters)).scalar_one()) <= limit.allowed


async def give_back(session: AsyncSession, limit: Limit, subject: str, now: datetime) -> None:
    """Take back the hit this attempt counted, in the caller's transaction: for attempts that
    succeeded (a right password), so that only failures add up."""
    await session.execute(
        update(RateCounter)
        .where(
            RateCounter.key == counter_key(limit.kind, subject),
            RateCounter.window_start == window_start(now, limit.window),
            RateCounter.hits > 0,
        )
        .values(hits=RateCounter.hits - 1)
    )


async def forget_old_counters(session: AsyncSession, now: datetime, keep: timedelta = timedelta(days=1)) -> int:
    result = await session.execute(delete(RateCounter).where(RateCounter.window_start < now - keep))
    return cast(CursorResult[Any], result).rowcount or 0
