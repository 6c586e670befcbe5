"""The demo's CenteringPregnancy group in Huizen (issue 16): confirmed, 12 women, the midwife on
every coming meeting, nothing planned in the past, and two women waiting who could join late; a
second group near its births with yesterday's meeting to take the register of."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.db import make_engine, make_session_factory
from groepsaanbod.demo import load_demo
from groepsaanbod.migrate import upgrade
from groepsaanbod.programmes.models import Programme
from groepsaanbod.registration.models import Registration
from groepsaanbod.scheduling.models import Session, SessionStaff
from groepsaanbod.settings import Settings
from tests.conftest import NOW, backends
from tests.databases import run_async, separate_database


async def centering(settings: Settings):
    engine = make_engine(settings.async_database_url)
    try:
        async with make_session_factory(engine)() as session:
            programme = await session.scalar(select(Programme).where(Programme.slug == "centering-pregnancy-huizen"))
            cohort, near_birth = await session.scalars(
                select(Cohort).where(Cohort.programme_id == programme.id).order_by(Cohort.id)
            )
            statuses = list(
                await session.scalars(select(Registration.status).where(Registration.programme_id == programme.id))
            )
            meetings = list(await session.scalars(select(Session).where(Session.cohort_id == cohort.id)))
            roles = {
                role
                for (role,) in await session.execute(
                    select(SessionStaff.role).join(Session).where(Session.cohort_id == cohort.id)
                )
            }
            with_midwife = await session.scalar(
                select(func.count(func.distinct(SessionStaff.session_id)))
                .join(Session)
                .where(Session.cohort_id == cohort.id, SessionStaff.role == "midwife")
            )
            near = list(await session.scalars(select(Session).where(Session.cohort_id == near_birth.id)))
            return cohort, statuses, meetings, roles, with_midwife, near
    finally:
        await engine.dispose()


@pytest.mark.parametrize("backend", backends())
def test_the_demo_has_a_running_centering_group_with_its_midwife(backend, tmp_path):
    url = separate_database(backend, tmp_path, "groepsaanbod_demo_centering_test")
    upgrade(url)
    settings = Settings(database_url=url)
    run_async(load_demo(settings, NOW))
    cohort, statuses, meetings, roles, with_midwife, near = run_async(centering(settings))
    assert cohort.status == "confirmed"
    assert sorted(statuses) == ["confirmed"] * (12 + 8) + ["pending"] * 2
    assert len(meetings) >= 8
    assert all(m.starts_at > NOW for m in meetings)
    assert roles == {"midwife", "coordinator"}
    assert with_midwife == len(meetings)
    # Group #2, near its births: one meeting held yesterday (its register open), the rest to come.
    held = [m for m in near if m.starts_at <= NOW]
    assert len(held) == 1
    assert NOW - timedelta(days=2) < held[0].starts_at < NOW
    assert len(near) >= 2
