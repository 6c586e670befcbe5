"""After the birth (issue 16): staff record a member's actual birth date; the meeting with the
babies moves to the members' real dates (the last baby born, or the due date of who has not given
birth yet) and everyone is told; wrong dates are refused and nothing is saved."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from groepsaanbod.history.models import RegistrationEvent
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.scheduling.models import Session
from tests.factories import make_organisation, make_staff, sign_in
from tests.integration.registration.helpers import person, published_programme

SEPTEMBER = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
#: After the births: the last of the members is due 31 March 2027.
APRIL = datetime(2027, 4, 15, 8, 0, tzinfo=UTC)


@pytest.fixture
def moment():
    return [SEPTEMBER]


@pytest.fixture
def clock(moment):
    return lambda: moment[0]


async def planned_group(client, db, moment):
    org, pid = await published_programme(db, "centering-pregnancy", "centering-born")
    for n in range(10):
        signed = await client.post(
            "/api/v1/catalogue/centering-born/registrations", json=person(n, due_date=f"2027-03-{24 + n % 8:02d}")
        )
        assert signed.status_code == 202, signed.text
    coordinator = await make_staff(db, org, "coordinator")
    await sign_in(client, coordinator, moment[0])
    cohort_id = (await client.post(f"/api/v1/programmes/{pid}/cohort-proposals")).json()["cohorts"][0]["id"]
    assert (await client.post(f"/api/v1/cohorts/{cohort_id}/confirm")).status_code == 200
    planned = await client.post(f"/api/v1/cohorts/{cohort_id}/schedule", json={"weekday": 2, "start_time": "10:00"})
    assert planned.status_code == 200, planned.text
    moment[0] = APRIL
    await sign_in(client, coordinator, APRIL)
    member = await db.scalar(select(Registration.id).where(Registration.cohort_id == cohort_id).limit(1))
    return org, pid, cohort_id, member


async def with_babies(db, cohort_id: int) -> Session:
    rows = list(
        await db.scalars(
            select(Session)
            .where(Session.cohort_id == cohort_id)
            .order_by(Session.number)
            .execution_options(populate_existing=True)
        )
    )
    return rows[-1]


async def test_the_meeting_with_the_babies_follows_the_real_birth_dates(client, db, moment):
    _, pid, cohort_id, member = await planned_group(client, db, moment)
    before = (await with_babies(db, cohort_id)).local_start
    assert before.date() == date(2027, 5, 26)  # 8 weeks after the group's due date (26 March), a Wednesday
    response = await client.post(
        f"/api/v1/cohorts/{cohort_id}/births", json={"registration_id": member, "birth_date": "2027-04-14"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["moved_meetings"] == 1
    after = await with_babies(db, cohort_id)
    assert after.local_start == datetime(2027, 6, 9, 10, 0)  # 8 weeks after the last birth (14 April)
    mother = await db.scalar(
        select(Participant)
        .join(Registration)
        .where(Registration.id == member)
        .execution_options(populate_existing=True)
    )
    assert mother.child_birth_date == date(2027, 4, 14)
    assert list(await db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "session_moved")))
    assert list(
        await db.scalars(
            select(RegistrationEvent).where(
                RegistrationEvent.programme_id == pid, RegistrationEvent.action == "birth_recorded"
            )
        )
    )


@pytest.mark.parametrize(
    ("birth_date", "words"), [("2027-04-20", "future"), ("2026-09-01", "20 weeks"), ("2027-02-30", "date")]
)
async def test_a_wrong_birth_date_is_refused_and_nothing_moves(client, db, moment, birth_date, words):
    _, pid, cohort_id, member = await planned_group(client, db, moment)
    before = (await with_babies(db, cohort_id)).local_start
    response = await client.post(
        f"/en/staff/cohorts/{cohort_id}/births",
        data={"registration_id": str(member), "birth_date": birth_date, "programme_id": str(pid)},
    )
    assert response.status_code == 400
    assert words in response.text
    assert (await with_babies(db, cohort_id)).local_start == before
    mother = await db.scalar(
        select(Participant)
        .join(Registration)
        .where(Registration.id == member)
        .execution_options(populate_existing=True)
    )
    assert mother.child_birth_date is None


async def test_the_page_records_a_birth(client, db, moment):
    _, pid, cohort_id, member = await planned_group(client, db, moment)
    page = await client.get(f"/nl/staff/programmes/{pid}/registrations")
    assert f'action="/nl/staff/cohorts/{cohort_id}/births"' in page.text
    done = await client.post(
        f"/nl/staff/cohorts/{cohort_id}/births",
        data={"registration_id": str(member), "birth_date": "2027-04-14", "programme_id": str(pid)},
    )
    assert done.status_code in (302, 303)
    assert (await with_babies(db, cohort_id)).local_start.date() == date(2027, 6, 9)


async def test_another_organisation_and_strangers_find_nothing(client, db, moment):
    _, _, cohort_id, member = await planned_group(client, db, moment)
    body = {"registration_id": member, "birth_date": "2027-04-14"}
    assert (
        await client.post(f"/api/v1/cohorts/{cohort_id}/births", json={**body, "registration_id": 999999})
    ).status_code == 404
    await client.post("/api/v1/auth/sign-out")
    assert (await client.post(f"/api/v1/cohorts/{cohort_id}/births", json=body)).status_code == 401
    other = await make_organisation(db, "Ander")
    await sign_in(client, await make_staff(db, other, "coordinator"), APRIL)
    assert (await client.post(f"/api/v1/cohorts/{cohort_id}/births", json=body)).status_code == 404
    assert (await with_babies(db, cohort_id)).local_start.date() == date(2027, 5, 26)
