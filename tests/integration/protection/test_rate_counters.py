"""Rate counters as the app processes use them: a session of its own engine, nothing begun yet.

On PostgreSQL the hit then runs in autocommit (db.scalar_committed_alone). The hit must be kept
even when the request goes on to fail, and the session must come out of it in an ordinary
transaction again (the sign-up's lock and inserts after it must not run in autocommit).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from groepsaanbod.db import make_engine, make_session_factory
from groepsaanbod.migrate import upgrade
from groepsaanbod.protection.limits import counter_key
from groepsaanbod.protection.models import RateCounter
from groepsaanbod.protection.rate_limits import Limit, TooManyAttempts, take
from groepsaanbod.settings import normalise_database_url
from tests.conftest import backends
from tests.databases import run_async, separate_database

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
LIMIT = Limit("register", 2, timedelta(hours=1))


async def _exercise(url: str) -> tuple[list[str], int, bool]:
    engine = make_engine(normalise_database_url(url))
    factory = make_session_factory(engine)
    outcomes = []
    try:
        for _ in range(3):
            async with factory() as session:
                try:
                    await take(session, LIMIT, "192.0.2.1", NOW)
                    outcomes.append("allowed")
                except TooManyAttempts:
                    outcomes.append("refused")
                # What the request does next runs in a transaction again: rolled back, it leaves nothing.
                await session.execute(
                    text("INSERT INTO rate_counters (key, window_start, hits) VALUES ('probe', :at, 1)"),
                    {"at": NOW},
                )
                in_transaction = session.in_transaction()
                await session.rollback()
        async with factory() as session:
            hits = await session.scalar(
                select(RateCounter.hits).where(RateCounter.key == counter_key("register", "192.0.2.1"))
            )
            probes = await session.scalar(select(RateCounter.hits).where(RateCounter.key == "probe"))
    finally:
        await engine.dispose()
    return outcomes, hits, in_transaction and probes is None


@pytest.mark.parametrize("backend", backends())
def test_a_hit_is_kept_at_once_and_what_follows_is_a_transaction_again(backend, tmp_path):
    url = separate_database(backend, tmp_path, "groepsaanbod_rate_counters_test")
    upgrade(url)
    outcomes, hits, rolled_back = run_async(_exercise(url))
    assert outcomes == ["allowed", "allowed", "refused"]
    assert hits == 3  # the refused attempt counts too, and nothing was lost to the rollbacks
    assert rolled_back
