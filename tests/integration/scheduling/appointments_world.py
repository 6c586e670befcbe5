"""A Triple P group of three parents with its meetings planned and a trainer on them: the world
of the appointment tests (phone calls in weeks 5 to 7)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from groepsaanbod.accounts.models import Staff
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.scheduling.models import Session
from tests.factories import make_staff, sign_in
from tests.integration.registration.helpers import person, published_programme, sign_up

CHILD = "2021-01-01"


@dataclass
class PhoneGroup:
    org: Organisation
    programme_id: int
    cohort: Cohort
    coordinator: Staff
    trainer: Staff
    #: The parents' private-link secrets and registration ids, in sign-up order.
    tokens: list[str]
    registrations: list[int]
    #: Meeting number -> id
    meetings: dict[int, int]

    @property
    def phone(self) -> int:
        """The week-5 phone call (Tuesday 30 March 2027, 19:30 for the group)."""
        return self.meetings[5]


async def phone_group(client, db, slug: str = "triple-phone") -> PhoneGroup:
    org, pid = await published_programme(db, "triple-p-group", slug, revision={"min_group_size": 1})
    parents = [await sign_up(client, db, slug, person(n, child_birth_date=CHILD)) for n in range(3)]
    cohort = await db.scalar(select(Cohort).where(Cohort.programme_id == pid).order_by(Cohort.id))
    coordinator = await make_staff(db, org, "coordinator")
    trainer = await make_staff(db, org, "trainer")
    await sign_in(client, coordinator)
    planned = await client.post(
        f"/api/v1/cohorts/{cohort.id}/schedule", json={"weekday": 1, "start_time": "19:30", "start_date": "2027-03-02"}
    )
    assert planned.status_code == 200, planned.text
    added = await client.post(
        f"/api/v1/cohorts/{cohort.id}/facilitators", json={"staff_id": trainer.id, "role": "trainer"}
    )
    assert added.status_code in (200, 201), added.text
    await client.post("/api/v1/auth/sign-out")
    meetings = {s.number: s.id for s in await db.scalars(select(Session).where(Session.cohort_id == cohort.id))}
    return PhoneGroup(
        org,
        pid,
        cohort,
        coordinator,
        trainer,
        [p["token"] for p in parents],
        [p["registration_id"] for p in parents],
        meetings,
    )
