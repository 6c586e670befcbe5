"""Late joiners (issue 16): a coordinator adds a waiting person to a confirmed group with room,
before the template's last joining meeting; she gets a place and her dates in her language. Refused
otherwise, with the reason; another organisation's group is not found; a crowd of coordinators
adding people to the last free place leaves the group at its maximum."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from groepsaanbod.history.models import RegistrationEvent
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.migrate import upgrade
from groepsaanbod.registration.models import Registration
from tests.conftest import backends
from tests.databases import run_async, separate_database
from tests.factories import make_organisation, make_staff, sign_in
from tests.integration.registration import parallel
from tests.integration.registration.helpers import person, published_programme

#: Early in these pregnancies (due end of March 2027), so that the whole group is still to come.
SEPTEMBER = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
REGISTER = "/api/v1/catalogue/centering-late/registrations"


@pytest.fixture
def moment():
    return [SEPTEMBER]


@pytest.fixture
def clock(moment):
    return lambda: moment[0]


def due(n: int) -> str:
    return f"2027-03-{24 + n % 8:02d}"


async def running_group(client, db, moment, *, members: int = 10, revision: dict | None = None, plan_in: int = 0):
    """A confirmed Turkish group, planned `plan_in` weeks after it was confirmed (leaving out the
    meetings then past), one Turkish woman waiting; the coordinator signed in."""
    org, pid = await published_programme(db, "centering-pregnancy", "centering-late", revision=revision)
    for n in range(members):
        signed = await client.post(REGISTER, json=person(n, due_date=due(n), language="tr"))
        assert signed.status_code == 202, signed.text
    coordinator = await make_staff(db, org, "coordinator")
    await sign_in(client, coordinator, moment[0])
    cohort_id = (await client.post(f"/api/v1/programmes/{pid}/cohort-proposals")).json()["cohorts"][0]["id"]
    assert (await client.post(f"/api/v1/cohorts/{cohort_id}/confirm")).status_code == 200
    if plan_in:
        moment[0] = SEPTEMBER + timedelta(weeks=plan_in)
        await sign_in(client, coordinator, moment[0])
    planned = await client.post(
        f"/api/v1/cohorts/{cohort_id}/schedule", json={"weekday": 2, "start_time": "10:00", "leave_out_past": True}
    )
    assert planned.status_code == 200, planned.text
    signed = await client.post(REGISTER, json=person(99, due_date="2027-04-10", language="tr"))
    assert signed.status_code == 202, signed.text
    late = await db.scalar(select(Registration).join(Registration.participant).where(Registration.cohort_id.is_(None)))
    return org, pid, cohort_id, late.id, coordinator


async def weeks_later(client, coordinator, moment, weeks: int) -> None:
    """Time passes; the coordinator signs in again."""
    moment[0] = SEPTEMBER + timedelta(weeks=weeks)
    await sign_in(client, coordinator, moment[0])


async def add(client, cohort_id: int, registration_id: int):
    return await client.post(
        f"/api/v1/cohorts/{cohort_id}/late-joiners",
        json={"registration_id": registration_id},
        headers={"Accept-Language": "en"},
    )


async def test_a_waiting_woman_joins_a_running_group_and_is_told_her_dates(client, db, moment):
    _, pid, cohort_id, late_id, coordinator = await running_group(client, db, moment)
    await weeks_later(client, coordinator, moment, 6)  # the intake and meeting 2 are over
    response = await add(client, cohort_id, late_id)
    assert response.status_code == 200, response.text
    row = await db.get(Registration, late_id, populate_existing=True)
    assert (row.cohort_id, row.status) == (cohort_id, "confirmed")
    [message] = await db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "late_joiner_added"))
    assert message.language == "tr"
    assert "Merhaba" in message.body_text  # in her language
    assert message.body_text.count("\n- ") >= 8  # her coming meetings, with their dates
    [event] = await db.scalars(
        select(RegistrationEvent).where(
            RegistrationEvent.programme_id == pid, RegistrationEvent.action == "late_joiner_added"
        )
    )
    assert event.registration_id == late_id
    again = await add(client, cohort_id, late_id)
    assert again.status_code == 422  # no longer waiting


async def test_joining_is_refused_once_the_joinable_until_meeting_began(client, db, moment):
    _, _, cohort_id, late_id, coordinator = await running_group(client, db, moment)
    await weeks_later(client, coordinator, moment, 17)  # meeting 5 (week 27, 23 December) is over
    response = await add(client, cohort_id, late_id)
    assert response.status_code == 422
    assert "meeting 5" in response.json()["errors"][0]["detail"]
    assert (await db.get(Registration, late_id, populate_existing=True)).cohort_id is None
    assert not list(await db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "late_joiner_added")))


async def test_a_group_planned_after_its_last_joining_meeting_takes_nobody(client, db, moment):
    _, _, cohort_id, late_id, _ = await running_group(client, db, moment, plan_in=17)
    response = await add(client, cohort_id, late_id)
    assert response.status_code == 422
    assert "after meeting 5" in response.json()["errors"][0]["detail"]


async def test_a_full_group_takes_nobody(client, db, moment):
    _, _, cohort_id, late_id, _ = await running_group(
        client, db, moment, members=8, revision={"min_group_size": 8, "max_group_size": 8}
    )
    response = await add(client, cohort_id, late_id)
    assert response.status_code == 422
    assert "full" in response.json()["errors"][0]["detail"]


async def test_the_page_adds_a_late_joiner_and_shows_refusals(client, db, moment):
    _, pid, cohort_id, late_id, _ = await running_group(client, db, moment)
    page = await client.get(f"/nl/staff/programmes/{pid}/registrations")
    assert f'action="/nl/staff/cohorts/{cohort_id}/late-joiners"' in page.text
    refused = await client.post(
        f"/nl/staff/cohorts/{cohort_id}/late-joiners", data={"registration_id": "0", "programme_id": str(pid)}
    )
    assert refused.status_code == 404  # no such registration
    done = await client.post(
        f"/nl/staff/cohorts/{cohort_id}/late-joiners", data={"registration_id": str(late_id), "programme_id": str(pid)}
    )
    assert done.status_code in (302, 303)
    assert (await db.get(Registration, late_id, populate_existing=True)).status == "confirmed"


async def test_another_organisation_finds_no_such_group(client, db, moment):
    _, _, cohort_id, late_id, _ = await running_group(client, db, moment)
    await client.post("/api/v1/auth/sign-out")
    other = await make_organisation(db, "Ander")
    await sign_in(client, await make_staff(db, other, "coordinator"), moment[0])
    assert (await add(client, cohort_id, late_id)).status_code == 404
    assert (await db.get(Registration, late_id, populate_existing=True)).cohort_id is None


# --- a crowd: many coordinators' requests for the last free place ---------------------------------------------


async def _group_with_one_place(url: str):
    async with parallel.database(url) as db:
        org, pid = await published_programme(
            db, "centering-pregnancy", "centering-late", revision={"min_group_size": 5, "max_group_size": 6}
        )
        coordinator = await make_staff(db, org, "coordinator")
    async with parallel.app_client(url) as client:
        for n in range(5):
            signed = await client.post(REGISTER, json=person(n, due_date="2027-05-10"))
            assert signed.status_code == 202, signed.text
        await sign_in(client, coordinator)
        [group] = (await client.post(f"/api/v1/programmes/{pid}/cohort-proposals")).json()["cohorts"]
        assert (await client.post(f"/api/v1/cohorts/{group['id']}/confirm")).status_code == 200
        for n in range(5, 11):  # six more wait for a group
            signed = await client.post(REGISTER, json=person(n, due_date="2027-05-12"))
            assert signed.status_code == 202, signed.text
    return pid, coordinator, group["id"]


async def _crowd(url: str, coordinator, cohort_id: int, waiting: list[int]):
    from tests.conftest import NOW

    async with parallel.app_client(url) as client:
        await sign_in(client, coordinator, NOW + timedelta(seconds=30))
        return await parallel.at_once(
            [
                lambda r=r: client.post(f"/api/v1/cohorts/{cohort_id}/late-joiners", json={"registration_id": r})
                for r in waiting
            ]
        )


@pytest.mark.parametrize("backend", backends())
def test_a_crowd_for_the_last_place_leaves_the_group_at_its_maximum(backend, tmp_path):
    url = separate_database(backend, tmp_path, "groepsaanbod_late_joiners_test")
    upgrade(url)
    pid, coordinator, cohort_id = run_async(_group_with_one_place(url))

    async def rows():
        async with parallel.database(url) as db:
            return await parallel.registrations(db, pid)

    before = run_async(rows())
    waiting = [r.id for r in before if r.cohort_id is None and r.status == "pending"]
    assert len(waiting) == 6
    responses = run_async(_crowd(url, coordinator, cohort_id, waiting))
    assert parallel.server_errors(responses) == []
    assert sorted(r.status_code for r in responses) == [200, 422, 422, 422, 422, 422]
    after = run_async(rows())
    assert len([r for r in after if r.cohort_id == cohort_id and r.status == "confirmed"]) == 6
    assert len([r for r in after if r.cohort_id is None and r.status == "pending"]) == 5
