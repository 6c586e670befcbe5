"""Scheduling a group by due date cannot go wrong silently (issue 16): the form shows the due date
used (the middle of the members'), refuses a due date outside theirs and a time outside the
template's meeting hours, and names the meetings that would be in the past."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from groepsaanbod.scheduling.models import Session
from tests.factories import make_staff, sign_in
from tests.integration.registration.helpers import person, published_programme

#: Due 1-10 May 2027; on NOW (30 November 2026) meetings 1 and 2 (weeks 12 and 15) are over.
FIRST = date(2027, 5, 1)


async def proposed_group(client, db) -> int:
    org, pid = await published_programme(db, "centering-pregnancy", "centering-test")
    for n in range(10):
        signed = await client.post(
            "/api/v1/catalogue/centering-test/registrations",
            json=person(n, due_date=(FIRST + timedelta(days=n)).isoformat()),
        )
        assert signed.status_code == 202, signed.text
    await sign_in(client, await make_staff(db, org, "coordinator"))
    proposal = (await client.post(f"/api/v1/programmes/{pid}/cohort-proposals")).json()
    return proposal["cohorts"][0]["id"]


async def plan(client, cohort_id: int, **changes):
    body = {"weekday": 2, "start_time": "10:00", **changes}
    return await client.post(f"/api/v1/cohorts/{cohort_id}/schedule", json=body, headers={"Accept-Language": "en"})


async def planned(db, cohort_id: int) -> int:
    return await db.scalar(select(func.count()).select_from(Session).where(Session.cohort_id == cohort_id))


async def test_the_form_shows_the_middle_due_date_it_uses(client, db):
    cohort_id = await proposed_group(client, db)
    page = await client.get(f"/en/staff/cohorts/{cohort_id}/schedule")
    assert 'value="2027-05-05"' in page.text  # the middle (lower) of 1..10 May, not the earliest
    assert "the middle is May 5, 2027" in page.text


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"due_date": "2026-01-01"}, "due_date", "May 1, 2027"),
        ({"due_date": "2027-05-11"}, "due_date", "May 10, 2027"),
        ({"start_time": "03:00"}, "start_time", "08:00"),
        ({"start_time": "20:30"}, "start_time", "22:00"),  # a 2-hour meeting would end at 22:30
        ({}, "due_date", "Meetings 1, 2 would be in the past"),
    ],
)
async def test_a_plan_that_would_go_wrong_is_refused_and_says_why(client, db, changes, field, words):
    cohort_id = await proposed_group(client, db)
    refused = await plan(client, cohort_id, **changes)
    assert refused.status_code == 422, refused.text
    errors = {e["field"]: e["detail"] for e in refused.json()["errors"]}
    assert words in errors[field]
    assert await planned(db, cohort_id) == 0


async def test_only_the_coming_meetings_are_planned_when_asked(client, db):
    cohort_id = await proposed_group(client, db)
    response = await plan(client, cohort_id, leave_out_past=True)
    assert response.status_code == 200, response.text
    numbers = [s["number"] for s in response.json()["sessions"]]
    assert numbers == list(range(3, 12))
    starts = await db.scalars(select(Session.starts_at).where(Session.cohort_id == cohort_id))
    assert all(s.date() >= date(2026, 11, 30) for s in starts)


async def test_the_page_names_the_meetings_in_the_past(client, db):
    cohort_id = await proposed_group(client, db)
    page = await client.post(
        f"/nl/staff/cohorts/{cohort_id}/schedule",
        data={"weekday": "2", "start_time": "10:00", "due_date": "2027-05-05"},
    )
    assert page.status_code == 400
    assert "1, 2" in page.text
    assert await planned(db, cohort_id) == 0
