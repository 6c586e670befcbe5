"""Many parents choose the same phone-call time at once, each request with its own connection
and transaction (as in production): exactly one gets it, the others are told it was taken,
nobody gets a server error and nobody holds two times."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from groepsaanbod.migrate import upgrade
from groepsaanbod.scheduling.models import Appointment, Session
from tests.conftest import backends
from tests.databases import run_async, separate_database
from tests.factories import make_staff, sign_in
from tests.integration.registration import parallel
from tests.integration.registration.helpers import person, published_programme

PARENTS = 8


async def _world(url: str) -> tuple[int, dict[int, str], list[int]]:
    async with parallel.database(url) as db:
        org, pid = await published_programme(db, "triple-p-group", "triple-race", revision={"min_group_size": 1})
        coordinator = await make_staff(db, org, "coordinator")
    async with parallel.app_client(url) as client:
        for n in range(PARENTS):
            body = person(n, child_birth_date="2021-01-01")
            assert (await client.post("/api/v1/catalogue/triple-race/registrations", json=body)).status_code == 202
        await sign_in(client, coordinator)
        cohorts = (await client.get(f"/api/v1/programmes/{pid}/cohorts")).json()
        cohort = cohorts[0]["id"] if isinstance(cohorts, list) else cohorts["cohorts"][0]["id"]
        planned = await client.post(
            f"/api/v1/cohorts/{cohort}/schedule", json={"weekday": 1, "start_time": "19:30", "start_date": "2027-03-02"}
        )
        assert planned.status_code == 200, planned.text
        async with parallel.database(url) as db:
            phone = await db.scalar(select(Session.id).where(Session.cohort_id == cohort, Session.number == 5))
        offered = await client.post(
            f"/api/v1/sessions/{phone}/appointments", json={"day": "2027-03-31", "start_time": "10:00", "count": 2}
        )
        assert offered.status_code == 200, offered.text
        slots = [s["id"] for s in offered.json()["slots"]]
    async with parallel.database(url) as db:
        tokens = await parallel.private_tokens(db)
    return phone, tokens, slots


async def _race(url: str, phone: int, tokens: dict[int, str], slot: int) -> list:
    async with parallel.app_client(url) as client:
        return await parallel.at_once(
            [
                lambda token=token: client.post(
                    f"/api/v1/my/{token}/appointments/{phone}", json={"appointment_id": slot}
                )
                for token in tokens.values()
            ]
        )


async def _rows(url: str, phone: int) -> list[tuple[int, int | None]]:
    async with parallel.database(url) as db:
        rows = await db.execute(
            select(Appointment.id, Appointment.registration_id).where(Appointment.session_id == phone)
        )
        return sorted(rows.all())


@pytest.mark.parametrize("backend", backends())
def test_parents_choosing_the_same_time_at_once(backend, tmp_path):
    url = separate_database(backend, tmp_path, "appointments")
    upgrade(url)
    phone, tokens, slots = run_async(_world(url))
    assert len(tokens) == PARENTS
    responses = run_async(_race(url, phone, tokens, slots[0]))
    assert parallel.server_errors(responses) == []
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] + [422] * (PARENTS - 1), codes
    rows = run_async(_rows(url, phone))
    winner = next(reg for slot, reg in rows if slot == slots[0])
    assert winner in tokens
    assert rows == [(slots[0], winner), (slots[1], None)]
    # Everyone at once for the other time, the winner too (changing): still one each.
    responses = run_async(_race(url, phone, tokens, slots[1]))
    assert parallel.server_errors(responses) == []
    rows = run_async(_rows(url, phone))
    holders = [reg for _, reg in rows if reg is not None]
    assert len(holders) == len(set(holders))
    assert sum(r.status_code == 200 for r in responses) == 1
