"""The rota as a crowd uses it: volunteers tapping "I can come" twice, all at once, and one
answering a swap request yes and no at the same moment. Each request has its own connection and
transaction (as in production), on SQLite and PostgreSQL; the rows are read afterwards."""

from __future__ import annotations

from collections import Counter
from contextlib import AsyncExitStack
from datetime import date, time

import pytest
from sqlalchemy import select

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import Staff
from groepsaanbod.migrate import upgrade
from groepsaanbod.scheduling.models import RotaSwap, SessionStaff
from groepsaanbod.scheduling.services import rota, series, series_views
from tests.conftest import NOW, backends
from tests.databases import run_async, separate_database
from tests.factories import make_staff, sign_in
from tests.integration.registration import parallel
from tests.integration.registration.helpers import published_programme


async def _world(url: str) -> tuple[int, list[int], int]:
    """A series with its first meeting, and three volunteers (their ids); one swap asked of the third."""
    async with parallel.database(url) as db:
        org, pid = await published_programme(db, "kids-en-koffie", "crowd-kk", city="Sliedrecht")
        coordinator = await make_staff(db, org, "coordinator")
        people = [await make_staff(db, org, "volunteer", email=f"crowd{n}@example.org") for n in range(3)]
        ids = [p.id for p in people]
        editor = Viewer(coordinator.id, "", "", {org.id: frozenset({"coordinator"})})
        new = series.NewSeries(pid, "Inloop", 0, time(9, 30), date(2026, 12, 7), date(2027, 1, 31))
        cohort = await series.create_series(db, editor, new, now=NOW)
        meeting = (await series_views.series_view(db, editor, cohort.id, now=NOW)).meetings[0].id
        second = (await series_views.series_view(db, editor, cohort.id, now=NOW)).meetings[1].id
        asker = Viewer(ids[0], "", "", {org.id: frozenset({"volunteer"})})
        await rota.take_meeting(db, asker, second, now=NOW)
        swap = await rota.ask_swap(db, asker, second, ids[2], now=NOW)
        return meeting, ids, swap.id


async def _race(url: str, meeting: int, swap_id: int) -> list:
    async with AsyncExitStack() as stack:
        clients = [await stack.enter_async_context(parallel.app_client(url)) for _ in range(3)]
        async with parallel.database(url) as db:  # closed before signing in: on SQLite it would hold the write lock
            people = [await db.scalar(select(Staff).where(Staff.email == f"crowd{n}@example.org")) for n in range(3)]
        for client, person in zip(clients, people, strict=True):
            await sign_in(client, person)
        calls = [lambda c=c: c.post(f"/api/v1/me/rota/{meeting}/take") for c in clients for _ in range(2)]
        calls += [
            lambda: clients[2].post(f"/api/v1/me/rota/swaps/{swap_id}", json={"accept": True}),
            lambda: clients[2].post(f"/api/v1/me/rota/swaps/{swap_id}", json={"accept": False}),
        ]
        return await parallel.at_once(calls)


@pytest.mark.parametrize("backend", backends())
def test_volunteers_tapping_at_once(backend, tmp_path):
    url = separate_database(backend, tmp_path, "groepsaanbod_rota_crowd_test")
    upgrade(url)
    meeting, ids, swap_id = run_async(_world(url))
    responses = run_async(_race(url, meeting, swap_id))
    assert parallel.server_errors(responses) == []
    assert Counter(r.status_code for r in responses[:6]) == {200: 6}
    assert sorted(r.status_code for r in responses[6:]) == [200, 422]

    async def rows():
        async with parallel.database(url) as db:
            on = list(await db.scalars(select(SessionStaff.staff_id).where(SessionStaff.session_id == meeting)))
            swap = await db.get(RotaSwap, swap_id)
            second = list(
                await db.scalars(select(SessionStaff.staff_id).where(SessionStaff.session_id == swap.session_id))
            )
            return on, swap.status, second

    on, status, second = run_async(rows())
    assert sorted(on) == sorted(ids)
    assert status in ("accepted", "declined")
    assert second == ([ids[2]] if status == "accepted" else [ids[0]])
