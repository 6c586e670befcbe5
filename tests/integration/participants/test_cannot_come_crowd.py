"""A crowd at the same moment, each request in its own connection and transaction on a database of
its own (as in production): ten "I can't come" taps for one meeting make one live notice; taps
racing an undo end in one clear state; ten copies of one inbound SMS are taken once.
On PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from sqlalchemy import func, select

from groepsaanbod.app import create_app
from groepsaanbod.attendance.models import AbsenceNotice
from groepsaanbod.db import make_engine, make_session_factory
from groepsaanbod.history.models import RegistrationEvent
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.migrate import upgrade
from groepsaanbod.participants.models import SmsReply
from groepsaanbod.participants.services.sms_replies import signature
from groepsaanbod.settings import Settings, normalise_database_url
from tests.conftest import NOW, backends
from tests.databases import run_async, separate_database
from tests.integration.participants.cant_come_world import World, group_with_reminders, parent
from tests.integration.registration import parallel

SECRET = "crowd-inbound-secret"
CROWD = 10
#: Row locks and the partial unique index are what is tested: on PostgreSQL only (SQLite takes turns).
POSTGRES = [b for b in backends() if b != "sqlite"]


@asynccontextmanager
async def served(url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The whole app on `url` (its own engine and pool, a connection per request), signing inbound SMS."""
    from tests.conftest import make_client

    settings = Settings(database_url=url, rate_limit_register=1_000_000, sms_inbound_secret=SECRET)
    app = create_app(settings, clock=lambda: NOW)
    try:
        async with make_client(app, base_url="http://parallel") as client:
            client.timeout = httpx.Timeout(120)
            yield client
    finally:
        for hook in app.on_shutdown:
            await hook()


async def _world(url: str, people: list[dict], slug: str) -> World:
    engine = make_engine(normalise_database_url(url))
    try:
        factory = make_session_factory(engine)
        async with factory() as db, served(url) as client:
            return await group_with_reminders(client, db, factory, people, slug=slug)
    finally:
        await engine.dispose()


async def _live(url: str, session_id: int) -> tuple[int, int, int]:
    """(live notices, all notices, "cannot come" history events) of this meeting."""
    async with parallel.database(url) as db:
        live = await db.scalar(
            select(func.count())
            .select_from(AbsenceNotice)
            .where(AbsenceNotice.session_id == session_id, AbsenceNotice.withdrawn_at.is_(None))
        )
        every = await db.scalar(
            select(func.count()).select_from(AbsenceNotice).where(AbsenceNotice.session_id == session_id)
        )
        told = await db.scalar(
            select(func.count()).select_from(RegistrationEvent).where(RegistrationEvent.action == "cannot_come")
        )
        return live, every, told


async def _taken_back(url: str) -> int:
    async with parallel.database(url) as db:
        return await db.scalar(
            select(func.count())
            .select_from(RegistrationEvent)
            .where(RegistrationEvent.action == "cannot_come_taken_back")
        )


async def _taps(url: str) -> tuple:
    world = await _world(url, [parent(1), parent(2)], "crowd-taps")
    first, second = world.meetings[0], world.meetings[1]
    token = world.signed[0]["token"]
    async with served(url) as client:
        taps = await parallel.at_once(
            [lambda: client.post(f"/api/v1/my/{token}/meetings/{first.id}/absence", json={}) for _ in range(CROWD)]
        )
        after_taps = await _live(url, first.id)
        calls = []
        for n in range(CROWD):
            if n % 2:
                calls.append(lambda: client.delete(f"/api/v1/my/{token}/meetings/{second.id}/absence"))
            else:
                calls.append(lambda: client.post(f"/api/v1/my/{token}/meetings/{second.id}/absence", json={}))
        mixed = await parallel.at_once(calls)
        raced = await _live(url, second.id)
        # Then one more tap, alone: whatever the race left, it ends with her one notice.
        last = await client.post(f"/api/v1/my/{token}/meetings/{second.id}/absence", json={})
    return taps, after_taps, mixed, (raced, await _live(url, second.id), last, await _taken_back(url))


@pytest.mark.parametrize("backend", POSTGRES)
def test_ten_taps_at_once_make_one_notice_and_an_undo_race_ends_clear(backend, tmp_path):
    url = separate_database(backend, tmp_path, "groepsaanbod_cant_come_crowd_test")
    upgrade(url)
    taps, (live, every, told), mixed, (raced, second_live, last, taken_back) = run_async(_taps(url))
    assert parallel.server_errors(taps) == []
    assert [r.status_code for r in taps] == [200] * CROWD, [r.text for r in taps if r.status_code != 200]
    assert all(r.json()["cannot_come"] is True for r in taps)
    assert (live, every) == (1, 1)
    assert told == 1  # one notice, recorded once in her history
    # Taps and undos at once: every answer clear, never two live notices; what the database holds is
    # one of the two states; a later tap finds it and ends with one live notice.
    assert parallel.server_errors(mixed) == []
    assert {r.status_code for r in mixed} == {200}, [r.text for r in mixed]
    assert raced[0] in (0, 1)
    live2, every2, told2 = second_live
    assert live2 == 1
    assert every2 >= 1
    # Her history tells exactly what happened: one "cannot come" per notice made (none for a tap that
    # found it already there), one "taken back" per notice withdrawn (none for an undo that lost).
    assert told2 == 1 + every2
    assert taken_back == every2 - live2
    assert last.status_code == 200
    assert last.json()["cannot_come"] is True


async def _sms_crowd(url: str) -> tuple[list[httpx.Response], int, int, int]:
    world = await _world(url, [parent(1, "tr", email="", phone="06 12345678")], "crowd-sms")
    body = json.dumps({"from": "+31612345678", "text": "Hayır", "message_id": "same-id"}).encode()
    stamp = str(int(NOW.timestamp()))
    headers = {"X-Timestamp": stamp, "X-Signature": signature(SECRET, stamp, body), "Content-Type": "application/json"}
    async with served(url) as client:
        answers = await parallel.at_once(
            [lambda: client.post("/api/v1/sms/inbound", content=body, headers=headers) for _ in range(CROWD)]
        )
    async with parallel.database(url) as db:
        replies = await db.scalar(select(func.count()).select_from(SmsReply))
        confirmations = await db.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "cannot_come_confirmed")
        )
    live, _, _ = await _live(url, world.first.id)
    return answers, replies, confirmations, live


@pytest.mark.parametrize("backend", POSTGRES)
def test_ten_copies_of_one_sms_are_taken_once(backend, tmp_path):
    url = separate_database(backend, tmp_path, "groepsaanbod_sms_crowd_test")
    upgrade(url)
    answers, replies, confirmations, live = run_async(_sms_crowd(url))
    assert parallel.server_errors(answers) == []
    assert {r.status_code for r in answers} == {200}, [r.text for r in answers]
    taken = sorted(r.json()["taken_as"] for r in answers)
    assert taken == ["cannot_come"] + ["duplicate"] * (CROWD - 1)
    assert (replies, confirmations, live) == (1, 1, 1)
