"""A late joiner's welcome lists her group's meetings: the worker's dates step
(tell_new_members_dates) does not tell her them a second time."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.registration.services.registrations import PrivateLinks
from groepsaanbod.scheduling.services.dates_told import tell_new_members_dates
from tests.integration.scheduling.test_late_joiners import SEPTEMBER, add, running_group, weeks_later


@pytest.fixture
def moment():
    return [SEPTEMBER]


@pytest.fixture
def clock(moment):
    return lambda: moment[0]


async def test_a_late_joiner_is_not_told_her_dates_twice(client, db, session_factory, moment):
    org, pid, cohort_id, late, coordinator = await running_group(client, db, moment)
    await weeks_later(client, coordinator, moment, 1)
    assert (await add(client, cohort_id, late)).status_code == 200
    assert await tell_new_members_dates(session_factory, moment[0], PrivateLinks("http://test", 365), force=True) == 0
    kinds = dict(
        (
            await db.execute(
                select(OutboxMessage.kind, func.count())
                .where(
                    OutboxMessage.kind.in_(("group_dates", "late_joiner_added")),
                    OutboxMessage.to_address == "ouder99@example.org",
                )
                .group_by(OutboxMessage.kind)
            )
        ).all()
    )
    assert kinds == {"late_joiner_added": 1}
