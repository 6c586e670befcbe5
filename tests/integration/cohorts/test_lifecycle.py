"""An open group's life (cohorts/services/lifecycle.py, scheduling/services/joining.py): it closes for
joining (by the coordinator, or by itself when the template's last joining meeting starts), and then
new sign-ups and its waiting list form the next group, which starts by itself at the minimum; it
reopens and ends. Attackers get nothing; parallel sign-ups around the closing keep the rows right."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.history.models import RegistrationEvent
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.migrate import upgrade
from groepsaanbod.registration.models import Registration
from groepsaanbod.scheduling.models import Session
from groepsaanbod.scheduling.services.joining import close_groups_due, run_open_groups
from tests.conftest import NOW, backends
from tests.databases import run_async, separate_database
from tests.factories import make_organisation, make_staff, sign_in
from tests.integration.registration import parallel
from tests.integration.registration.helpers import person, published_programme, sign_up

RULES = {"child_age_months": [0, 144], "joinable_until_meeting": 2, "offer_hours": 48}
SMALL = {"max_group_size": 6, "min_group_size": 2, "rules": RULES}
CHILD = "2020-06-01"


async def _open_group(client, db, slug: str, people: int = 8):
    """Triple P in groups of 2 to 6: the first group (six in it, the rest waiting) and a coordinator."""
    org, pid = await published_programme(db, "triple-p-group", slug, revision=SMALL)
    for n in range(people):
        await sign_up(client, db, slug, person(n, child_birth_date=CHILD))
    cohort = await db.scalar(select(Cohort).where(Cohort.programme_id == pid))
    coordinator = await make_staff(db, org, "coordinator")
    return org, pid, cohort, coordinator


async def _by_cohort(db, pid: int) -> dict[int | None, Counter]:
    rows = (
        await db.execute(
            select(Registration.cohort_id, Registration.status)
            .where(Registration.programme_id == pid)
            .execution_options(populate_existing=True)
        )
    ).all()
    counted: dict[int | None, Counter] = {}
    for cohort_id, status in rows:
        counted.setdefault(cohort_id, Counter())[status] += 1
    return counted


async def test_closing_a_group_starts_the_next_with_its_waiting_list_and_new_sign_ups(client, db):
    _, pid, first, coordinator = await _open_group(client, db, "close-next")
    await sign_in(client, coordinator)
    closed = await client.post(f"/api/v1/cohorts/{first.id}/close")
    assert closed.status_code == 200, closed.text
    await db.refresh(first)
    assert not first.accepts_registrations
    # The two who waited are enough for the next group (the minimum is 2): it started by itself.
    cohorts = list(await db.scalars(select(Cohort).where(Cohort.programme_id == pid).order_by(Cohort.id)))
    assert len(cohorts) == 2
    second = cohorts[1]
    assert second.accepts_registrations
    counted = await _by_cohort(db, pid)
    assert counted[first.id] == {"confirmed": 6}
    assert counted[second.id] == {"confirmed": 2}
    kinds = Counter(await db.scalars(select(OutboxMessage.kind)))
    assert kinds["waiting_for_next_group"] == 2
    assert kinds["cohort_can_start"] == 1  # the coordinator hears of the new group, as of a first one
    events = set(await db.scalars(select(RegistrationEvent.action).where(RegistrationEvent.cohort_id == first.id)))
    assert "cohort_closed" in events

    # New sign-ups join the next group, not the closed one.
    newcomer = await sign_up(client, db, "close-next", person(30, child_birth_date=CHILD))
    assert newcomer["status"] == "confirmed"
    assert (await db.get(Registration, newcomer["registration_id"])).cohort_id == second.id

    # Reopening is refused while the next group takes people; closing twice too.
    again = await client.post(f"/api/v1/cohorts/{first.id}/close")
    assert again.status_code == 422
    refused = await client.post(f"/api/v1/cohorts/{first.id}/reopen", headers={"Accept-Language": "nl"})
    assert refused.status_code == 422
    assert second.name in refused.text
    assert (await client.post(f"/api/v1/cohorts/{second.id}/close")).status_code == 200
    reopened = await client.post(f"/api/v1/cohorts/{first.id}/reopen")
    assert reopened.status_code == 200, reopened.text
    ended = await client.post(f"/api/v1/cohorts/{first.id}/end")
    assert ended.status_code == 200
    assert ended.json()["status"] == "completed"
    assert (await client.post(f"/api/v1/cohorts/{first.id}/reopen")).status_code == 422


async def test_a_group_closes_by_itself_when_its_last_joining_meeting_starts(client, db, session_factory):
    _, pid, first, _ = await _open_group(client, db, "close-worker")
    first_id = first.id
    for number, days in ((1, -7), (2, 1), (3, 8)):
        starts = NOW + timedelta(days=days)
        db.add(
            Session(
                programme_id=pid,
                cohort_id=first_id,
                local_start=starts.replace(tzinfo=None),
                starts_at=starts,
                duration_minutes=120,
                number=number,
            )
        )
    await db.commit()
    assert await close_groups_due(db, NOW, "http://test") == 0  # meeting 2 has not started
    # The worker's round (run_open_groups) closes it once meeting 2 has started.
    await run_open_groups(session_factory, NOW + timedelta(days=1, minutes=1), "http://test", force=True)
    db.expunge_all()
    first = await db.get(Cohort, first_id)
    assert not first.accepts_registrations
    counted = await _by_cohort(db, pid)
    assert counted[first_id] == {"confirmed": 6}
    assert sum(counted.values(), Counter()) == {"confirmed": 8}  # the two who waited: the next group
    assert await close_groups_due(db, NOW + timedelta(days=2), "http://test") == 0


async def test_the_coordinators_page_closes_and_ends_a_group(client, db):
    from tests.factories import page_sign_in

    _, pid, first, coordinator = await _open_group(client, db, "close-page", people=3)
    await page_sign_in(client, coordinator)
    page = await client.get(f"/nl/staff/programmes/{pid}/registrations")
    assert page.status_code == 200
    assert 'value="close"' in page.text
    done = await client.post(f"/nl/staff/programmes/{pid}/cohorts/{first.id}", data={"action": "close"})
    assert done.status_code in (302, 303), done.text
    page = await client.get(f"/nl/staff/programmes/{pid}/registrations")
    assert 'value="reopen"' in page.text
    twice = await client.post(f"/nl/staff/programmes/{pid}/cohorts/{first.id}", data={"action": "close"})
    assert twice.status_code == 400
    assert 'id="error-summary"' in twice.text
    await client.post(f"/nl/staff/programmes/{pid}/cohorts/{first.id}", data={"action": "end"})
    await db.refresh(first)
    assert first.status == "completed"


async def test_others_cannot_close_reopen_or_end_a_group(client, db):
    org, _, first, _ = await _open_group(client, db, "close-attack", people=3)
    for action in ("close", "reopen", "end"):
        assert (await client.post(f"/api/v1/cohorts/{first.id}/{action}")).status_code == 401
    stranger = await make_staff(db, await make_organisation(db, "Elders"), "coordinator")
    await sign_in(client, stranger)
    for action in ("close", "reopen", "end"):
        assert (await client.post(f"/api/v1/cohorts/{first.id}/{action}")).status_code == 404
    volunteer = await make_staff(db, org, "volunteer")
    await sign_in(client, volunteer)
    for action in ("close", "reopen", "end"):
        assert (await client.post(f"/api/v1/cohorts/{first.id}/{action}")).status_code == 403
    await db.refresh(first)
    assert (first.status, first.accepts_registrations) == ("forming", True)


# --- sign-ups at the moment a group closes ---------------------------------------------------------


async def _race(url: str, slug: str) -> tuple[int, int, list]:
    async with parallel.database(url) as db:
        org, pid = await published_programme(db, "triple-p-group", slug, revision=SMALL)
        coordinator = await make_staff(db, org, "coordinator")
    async with parallel.app_client(url) as client:
        for n in range(7):  # six in the group, one waiting
            response = await client.post(
                f"/api/v1/catalogue/{slug}/registrations", json=person(n, child_birth_date=CHILD)
            )
            assert response.status_code in (201, 202), response.text
        async with parallel.database(url) as db:
            first = await db.scalar(select(Cohort.id).where(Cohort.programme_id == pid))
        await sign_in(client, coordinator)
        calls = [lambda: client.post(f"/api/v1/cohorts/{first}/close")] + [
            lambda n=n: client.post(f"/api/v1/catalogue/{slug}/registrations", json=person(n, child_birth_date=CHILD))
            for n in range(100, 110)
        ]
        return pid, first, await parallel.at_once(calls)


@pytest.mark.parametrize("backend", backends())
def test_parallel_sign_ups_while_a_group_closes_and_the_next_starts(backend, tmp_path):
    url = separate_database(backend, tmp_path, "groepsaanbod_close_race_test")
    upgrade(url)
    pid, first, responses = run_async(_race(url, "close-race"))
    assert parallel.server_errors(responses) == []
    assert all(r.status_code < 300 for r in responses), [r.text for r in responses if r.status_code >= 300]

    async def rows():
        async with parallel.database(url) as db:
            return await parallel.registrations(db, pid), await parallel.cohorts(db, pid)

    after, cohorts = run_async(rows())
    assert len(after) == 17
    by_id = {c.id: c for c in cohorts}
    assert not by_id[first].accepts_registrations
    in_first = Counter(r.status for r in after if r.cohort_id == first)
    assert in_first == {"confirmed": 6}, "nobody waits for, or joined, a closed group"
    # The eleven others (one who waited, ten new) formed exactly one next group: six in, five waiting.
    others = [c for c in cohorts if c.id != first]
    assert len(others) == 1
    assert others[0].accepts_registrations
    assert Counter(r.status for r in after if r.cohort_id == others[0].id) == {"confirmed": 6, "waitlisted": 5}
    assert all(r.cohort_id is not None for r in after)
    parallel.check_waiting_lines(after, 6)
