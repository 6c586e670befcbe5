"""Many requests at once through the app with an engine of its own (not the tests' shared session),
so that each request has its own connection and transaction, as in production; and reading the
rows afterwards. Used by the lock-order tests; the outcomes are read from the database, not from
the answers (the public sign-up answer says the same for every sign-up)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.app import create_app
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.db import make_engine, make_session_factory
from groepsaanbod.history.models import RegistrationEvent
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.registration.models import Registration
from groepsaanbod.settings import Settings, normalise_database_url
from tests.conftest import NOW

_LINK = re.compile(r"/my/([A-Za-z0-9_-]{20,})")


@asynccontextmanager
async def database(url: str) -> AsyncIterator[AsyncSession]:
    """A session on an engine of its own, closed afterwards."""
    engine = make_engine(normalise_database_url(url))
    try:
        async with make_session_factory(engine)() as session:
            yield session
    finally:
        await engine.dispose()


@asynccontextmanager
async def app_client(url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The whole app on `url` (its own engine and pool), with the tests' clock and CSRF tokens."""
    from tests.conftest import make_client

    app = create_app(Settings(database_url=url, rate_limit_register=1_000_000), clock=lambda: NOW)
    try:
        async with make_client(app, base_url="http://parallel") as client:
            client.timeout = httpx.Timeout(120)
            yield client
    finally:
        for hook in app.on_shutdown:
            await hook()


async def at_once(calls: list[Callable[[], Awaitable[httpx.Response]]]) -> list[httpx.Response]:
    """Start every call, then wait for all of them."""
    return list(await asyncio.gather(*(call() for call in calls)))


def server_errors(responses: list[httpx.Response]) -> list[str]:
    return [
        f"{r.request.method} {r.request.url.path}: {r.status_code} {r.text[:200]}"
        for r in responses
        if r.status_code >= 500
    ]


async def private_tokens(db: AsyncSession) -> dict[int, str]:
    """registration id -> the secret of its private link, read from the message that told the person
    (as they would find it in their mail)."""
    tokens: dict[int, str] = {}
    for key, body in (await db.execute(select(OutboxMessage.dedupe_key, OutboxMessage.body_text))).all():
        parts = key.split(":")
        if parts[0] == "registration" and (found := _LINK.search(body or "")):
            tokens.setdefault(int(parts[1]), found.group(1))
    return tokens


@dataclass(frozen=True)
class Row:
    id: int
    participant_id: int
    cohort_id: int | None
    status: str
    waitlist_position: int | None
    language: str
    access_revoked: bool


async def registrations(db: AsyncSession, programme_id: int) -> list[Row]:
    rows = await db.execute(
        select(
            Registration.id,
            Registration.participant_id,
            Registration.cohort_id,
            Registration.status,
            Registration.waitlist_position,
            Registration.language,
            Registration.access_revoked_at.is_not(None),
        )
        .where(Registration.programme_id == programme_id)
        .order_by(Registration.id)
        .execution_options(populate_existing=True)
    )
    return [Row(*r) for r in rows.all()]


async def cohorts(db: AsyncSession, programme_id: int) -> list[Cohort]:
    return list(
        await db.scalars(
            select(Cohort)
            .where(Cohort.programme_id == programme_id)
            .order_by(Cohort.id)
            .execution_options(populate_existing=True)
        )
    )


async def events(db: AsyncSession, programme_id: int, action: str) -> list[RegistrationEvent]:
    return list(
        await db.scalars(
            select(RegistrationEvent).where(
                RegistrationEvent.programme_id == programme_id, RegistrationEvent.action == action
            )
        )
    )


def check_waiting_lines(rows: list[Row], max_size: int) -> None:
    """Every cohort holds at most `max_size` confirmed or offered a place, and its waiting list is
    numbered 1, 2, 3, … without gaps or doubles; only waitlisted registrations have a position."""
    by_cohort: dict[int, list[Row]] = {}
    for row in rows:
        if row.cohort_id is not None:
            by_cohort.setdefault(row.cohort_id, []).append(row)
        assert (row.waitlist_position is not None) == (row.status == "waitlisted"), row
    for cohort_id, members in by_cohort.items():
        # An open offer holds its place (registration/services/waiting_list.py).
        confirmed = [m for m in members if m.status in ("confirmed", "offered")]
        assert len(confirmed) <= max_size, (cohort_id, len(confirmed))
        positions = sorted(m.waitlist_position for m in members if m.status == "waitlisted")
        assert positions == list(range(1, len(positions) + 1)), (cohort_id, positions)
        if positions:
            assert len(confirmed) == max_size, "a waiting list beside a free place"
