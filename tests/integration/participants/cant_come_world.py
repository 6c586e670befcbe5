"""A Triple P group with a planned series and reminders sent: what the "can't come" tests start from."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.reminders.services import plan_due_reminders
from groepsaanbod.scheduling.models import Session
from tests.factories import make_staff, sign_in
from tests.integration.registration.helpers import person, published_programme, sign_up

ABSENCE_LINK = re.compile(r"\S+/my/absence/([A-Za-z0-9_-]{20,})")


@dataclass
class World:
    coordinator: object
    signed: list[dict]
    meetings: list[Session]

    @property
    def first(self) -> Session:
        return self.meetings[0]


async def group_with_reminders(client, db, session_factory, people: list[dict], slug: str = "cant-come") -> World:
    """People of one language in one group, weekly from 2 March 2027; the first meeting's reminders sent."""
    org, pid = await published_programme(db, "triple-p-group", slug, revision={"min_group_size": 1})
    signed = [await sign_up(client, db, slug, p) for p in people]
    coordinator = await make_staff(db, org, "coordinator")
    await sign_in(client, coordinator)
    cohort = await db.scalar(select(Cohort).where(Cohort.programme_id == pid))
    scheduled = await client.post(
        f"/api/v1/cohorts/{cohort.id}/schedule",
        json={"weekday": 1, "start_time": "19:30", "start_date": "2027-03-02"},
    )
    assert scheduled.status_code < 300, scheduled.text
    await client.post("/api/v1/auth/sign-out")
    meetings = list(await db.scalars(select(Session).where(Session.cohort_id == cohort.id).order_by(Session.starts_at)))
    await plan_due_reminders(session_factory, "http://test", lambda: meetings[0].starts_at - timedelta(hours=47))
    return World(coordinator, signed, meetings)


async def reminder_link(db, address: str) -> str:
    """The one-meeting link of the latest reminder to `address`."""
    message = await db.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.kind == "session_reminder", OutboxMessage.to_address == address)
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    assert message is not None
    found = ABSENCE_LINK.search(message.body_text)
    assert found, message.body_text
    return found.group(1)


def parent(n: int, language: str = "nl", **extra) -> dict:
    return person(n, language=language, child_birth_date="2021-01-01", **extra)
