"""Groups by due date and pregnancy weeks (issue 16): sign-up refuses who is too far along, in her
language; "Propose groups" leaves out who has become too far along since, with the reason, plans a
group around the middle of its due dates at the part of the day most asked for, and the coordinator
sees per member the meetings she would miss."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.registration.models import Registration
from tests.conftest import NOW
from tests.factories import make_staff, sign_in
from tests.integration.registration.helpers import person, published_programme

#: Due 2027-03-20..29: 25 weeks pregnant on NOW (2026-11-30), 27 or more three weeks later.
EARLY = date(2027, 3, 20)
#: Due 2027-05-01..10: about 19 weeks pregnant on NOW.
LATER = date(2027, 5, 1)


@pytest.fixture
def moment():
    return [NOW]


@pytest.fixture
def clock(moment):
    return lambda: moment[0]


async def sign_up(client, n: int, due: date, *, lang: str = "nl", part: str = "any"):
    return await client.post(
        "/api/v1/catalogue/centering-test/registrations",
        json=person(n, due_date=due.isoformat(), part_of_day=part),
        headers={"Accept-Language": lang},
    )


@pytest.mark.parametrize("days", [0, 7, 60])
async def test_sign_up_refuses_a_due_date_too_close_and_says_what_to_do_instead(client, db, days):
    await published_programme(db, "centering-pregnancy", "centering-test", languages=("nl", "tr"))
    response = await sign_up(client, 1, NOW.date() + timedelta(days=days), lang="en")
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["field"] == "due_date"
    assert "26 weeks" in error["detail"]
    assert "midwife" in error["detail"]
    dutch = await sign_up(client, 1, NOW.date() + timedelta(days=days), lang="nl")
    assert "verloskundige" in dutch.json()["errors"][0]["detail"]
    assert await db.scalar(select(func.count()).select_from(Registration)) == 0


async def test_proposal_leaves_out_who_is_too_far_along_and_shows_what_each_would_miss(client, db, moment):
    org, pid = await published_programme(db, "centering-pregnancy", "centering-test")
    for n in range(10):
        assert (await sign_up(client, n, EARLY + timedelta(days=n))).status_code == 202
    for n in range(10, 20):
        part = "evening" if n < 16 else "any"
        assert (await sign_up(client, n, LATER + timedelta(days=n - 10), part=part)).status_code == 202
    moment[0] = NOW + timedelta(weeks=3)  # the early ten are now 27 weeks pregnant or more
    await sign_in(client, await make_staff(db, org, "coordinator"), moment[0])

    proposal = (
        await client.post(f"/api/v1/programmes/{pid}/cohort-proposals", headers={"Accept-Language": "en"})
    ).json()
    assert len(proposal["cohorts"]) == 1
    [late] = [u for u in proposal["unplaced"] if "too late" in u["reason"]]
    assert len(late["registration_ids"]) == 10
    assert "26 weeks" in late["reason"]

    cohort = await db.scalar(select(Cohort).where(Cohort.programme_id == pid).execution_options(populate_existing=True))
    assert cohort.reference_date == LATER + timedelta(days=4)  # the middle (lower) of 1..10 May
    assert cohort.start_time == time(19, 0)  # 6 asked for the evening, 4 any time

    page = await client.get(f"/en/staff/programmes/{pid}/registrations")
    assert page.status_code == 200
    assert "Meetings she would miss" in page.text
    # Planned around 5 May 2027 and seen on 21 December 2026: the weeks of meetings 1-3 (12, 15, 19) are over.
    assert "meeting 1 (week 12), meeting 2 (week 15), meeting 3 (week 19)" in page.text
    assert "meeting 4 (week 23)" not in page.text
    assert "Part of the day" in page.text
    assert "too late to join a group" in page.text
