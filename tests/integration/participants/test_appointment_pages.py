"""The pages of individual times: the trainer offers times and gives one on their page; a parent
chooses, changes and cancels from their private link, in Dutch and in Turkish."""

from __future__ import annotations

import re

from sqlalchemy import select

from groepsaanbod.accounts.models import Staff
from groepsaanbod.scheduling.models import Appointment
from tests.factories import sign_in
from tests.integration.scheduling.appointments_world import phone_group


async def _free(db, session_id: int) -> list[int]:
    return list(
        await db.scalars(
            select(Appointment.id)
            .where(Appointment.session_id == session_id, Appointment.registration_id.is_(None))
            .order_by(Appointment.local_start)
            .execution_options(populate_existing=True)
        )
    )


async def test_trainer_offers_on_the_page_and_parents_choose_on_theirs(client, db):
    world = await phone_group(client, db)
    coordinator_id = world.coordinator.id
    await sign_in(client, world.trainer)
    page = await client.get(f"/nl/staff/sessions/{world.phone}/appointments")
    assert page.status_code == 200
    assert "Er zijn nog geen tijden." in page.text
    offered = await client.post(
        f"/nl/staff/sessions/{world.phone}/appointments",
        data={"action": "offer", "day": "2027-03-31", "start_time": "09:00", "count": "3", "gap_minutes": "15"},
    )
    assert offered.status_code in (302, 303), offered.text
    slots = await _free(db, world.phone)
    assert len(slots) == 3
    page = await client.get(f"/nl/staff/sessions/{world.phone}/appointments")
    assert "09:45" in page.text  # 09:00 + 30 minutes + 15 between
    await client.post("/api/v1/auth/sign-out")

    # A parent, in Dutch: the page offers the times; choosing one saves it.
    mine = await client.get(f"/nl/my/{world.tokens[0]}")
    assert f'value="{slots[1]}"' in mine.text
    chosen = await client.post(
        f"/nl/my/{world.tokens[0]}/appointments/{world.phone}", data={"action": "pick", "appointment_id": str(slots[1])}
    )
    assert chosen.status_code in (302, 303)
    assert (await client.get(chosen.headers["location"])).status_code == 200
    # Another parent, in Turkish, a moment later with the same time: told it is gone, in Turkish.
    turkish = await client.post(
        f"/tr/my/{world.tokens[1]}/appointments/{world.phone}", data={"action": "pick", "appointment_id": str(slots[1])}
    )
    assert turkish.status_code == 400
    assert 'lang="tr"' in turkish.text
    assert "Bu saati az önce başka biri aldı." in turkish.text
    assert re.search(r'role="alert"', turkish.text)
    # Without choosing: asked to choose.
    empty = await client.post(f"/nl/my/{world.tokens[1]}/appointments/{world.phone}", data={"action": "pick"})
    assert empty.status_code == 400
    assert await _free(db, world.phone) == [slots[0], slots[2]]
    # The first parent cancels; the time is free again.
    cancelled = await client.post(f"/nl/my/{world.tokens[0]}/appointments/{world.phone}", data={"action": "cancel"})
    assert cancelled.status_code in (302, 303)
    assert await _free(db, world.phone) == slots

    # The trainer gives the third parent a time on the page.
    # (a refused form rolls back the shared test session: read the person again)
    await sign_in(client, await db.get(Staff, coordinator_id))
    given = await client.post(
        f"/nl/staff/sessions/{world.phone}/appointments",
        data={"action": "assign", "registration_id": str(world.registrations[2]), "appointment_id": str(slots[0])},
    )
    assert given.status_code in (302, 303), given.text
    assert await _free(db, world.phone) == slots[1:]
    page = await client.get(f"/nl/staff/sessions/{world.phone}/appointments")
    assert "Ouder 2" in page.text


async def test_the_schedule_and_the_agenda_lead_to_the_times(client, db):
    world = await phone_group(client, db)
    trainer_id = world.trainer.id
    await sign_in(client, world.coordinator)
    schedule = await client.get(f"/nl/staff/cohorts/{world.cohort.id}/schedule")
    assert f"/nl/staff/sessions/{world.phone}/appointments" in schedule.text
    assert f"/nl/staff/sessions/{world.meetings[1]}/appointments" not in schedule.text
    await client.post("/api/v1/auth/sign-out")
    await sign_in(client, await db.get(Staff, trainer_id))
    agenda = await client.get("/nl/staff/agenda")
    assert f"/nl/staff/sessions/{world.phone}/appointments" in agenda.text
