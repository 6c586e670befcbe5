"""I can't come: from her page, from a reminder's link (a GET changes nothing), with undo until the
meeting starts; the register shows it pre-filled as excused; attackers get nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from groepsaanbod.attendance.models import AbsenceNotice, Attendance
from groepsaanbod.history.models import RegistrationEvent
from tests.conftest import NOW
from tests.factories import sign_in
from tests.integration.participants.cant_come_world import group_with_reminders, parent, reminder_link


class Clock:
    def __init__(self) -> None:
        self.at = NOW

    def __call__(self):
        return self.at


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def _notices(db, session_id: int, live: bool = True) -> int:
    where = [AbsenceNotice.session_id == session_id]
    if live:
        where.append(AbsenceNotice.withdrawn_at.is_(None))
    return await db.scalar(select(func.count()).select_from(AbsenceNotice).where(*where).execution_options())


async def _told(db) -> int:
    return await db.scalar(
        select(func.count()).select_from(RegistrationEvent).where(RegistrationEvent.action == "cannot_come")
    )


async def test_from_her_page_with_a_reason_and_undo(client, db, session_factory):
    world = await group_with_reminders(client, db, session_factory, [parent(1), parent(2)])
    token, first = world.signed[0]["token"], world.first
    page = await client.get(f"/nl/my/{token}")
    assert page.status_code == 200
    assert f'action="/nl/my/{token}/meetings/{first.id}/absence"' in page.text
    told = await client.post(
        f"/nl/my/{token}/meetings/{first.id}/absence", data={"action": "cannot_come", "reason": "ill"}
    )
    assert told.status_code == 303
    shown = await client.get(told.headers["location"])
    assert "We weten dat je niet kunt komen." in shown.text
    notice = await db.scalar(select(AbsenceNotice).where(AbsenceNotice.session_id == first.id))
    assert (notice.reason, notice.via) == ("ill", "page")
    # Said again with the same reason: still one notice, and nothing new in her history (a second
    # tap, or one racing the first, is not a second message).
    await client.post(f"/nl/my/{token}/meetings/{first.id}/absence", data={"action": "cannot_come", "reason": "ill"})
    assert await _notices(db, first.id) == 1
    assert await _told(db) == 1
    # Said again with another reason: still one notice, the new reason, and that change recorded.
    await client.post(f"/nl/my/{token}/meetings/{first.id}/absence", data={"action": "cannot_come"})
    assert await _notices(db, first.id) == 1
    assert await _told(db) == 2
    # Undo.
    back = await client.post(f"/nl/my/{token}/meetings/{first.id}/absence", data={"action": "take_back"})
    assert back.status_code == 303
    assert await _notices(db, first.id) == 0
    # A reason not on the list: refused, with the form again.
    wrong = await client.post(
        f"/nl/my/{token}/meetings/{first.id}/absence", data={"action": "cannot_come", "reason": "<script>"}
    )
    assert wrong.status_code == 400
    assert 'role="alert"' in wrong.text
    assert await _notices(db, first.id) == 0


async def test_link_opens_a_page_and_only_the_button_changes(client, db, session_factory):
    world = await group_with_reminders(client, db, session_factory, [parent(1, "so")])
    link = await reminder_link(db, "ouder1@example.org")
    page = await client.get(f"/so/my/absence/{link}")
    assert page.status_code == 200
    assert 'lang="so"' in page.text
    assert await _notices(db, world.first.id) == 0  # a GET changes nothing (link scanners)
    done = await client.post(f"/so/my/absence/{link}", data={"action": "cannot_come"})
    assert done.status_code == 303
    notice = await db.scalar(select(AbsenceNotice).where(AbsenceNotice.session_id == world.first.id))
    assert (notice.reason, notice.via) == ("excused", "link")
    # The API of the link tells the same.
    assert (await client.get(f"/api/v1/my/absence/{link}")).json()["cannot_come"] is True
    assert (await client.delete(f"/api/v1/my/absence/{link}")).json()["cannot_come"] is False
    assert (await client.post(f"/api/v1/my/absence/{link}", json={"reason": "other"})).json()["reason"] == "other"


async def test_register_shows_it_as_excused_and_staff_can_change_it(client, db, session_factory, clock):
    world = await group_with_reminders(client, db, session_factory, [parent(1), parent(2)])
    first = world.first
    api = await client.post(f"/api/v1/my/{world.signed[0]['token']}/meetings/{first.id}/absence", json={})
    assert api.status_code == 200, api.text
    await sign_in(client, world.coordinator)
    register = await client.get(f"/api/v1/sessions/{first.id}/register")
    assert register.status_code == 200, register.text
    page = await client.get(f"/nl/staff/sessions/{first.id}/register")
    assert "vooraf gezegd: kan niet komen" in page.text
    assert register.json()["lines"][0] if "lines" in register.json() else True
    # The meeting is held: staff save the register without her mark; she is saved as excused.
    clock.at = first.starts_at + timedelta(minutes=10)
    await sign_in(client, world.coordinator, at=clock.at)
    other = world.signed[1]["registration_id"]
    from groepsaanbod.registration.models import Registration

    other_pid = (await db.get(Registration, other)).participant_id
    her_pid = (await db.get(Registration, world.signed[0]["registration_id"])).participant_id
    saved = await client.post(
        f"/api/v1/sessions/{first.id}/register", json={"marks": [{"participant_id": other_pid, "present": True}]}
    )
    assert saved.status_code == 200, saved.text
    row = await db.scalar(
        select(Attendance).where(Attendance.session_id == first.id, Attendance.participant_id == her_pid)
    )
    assert (row.status, row.absence_reason) == ("absent", "excused")
    # Staff can still change it: she came after all.
    changed = await client.post(
        f"/api/v1/sessions/{first.id}/register",
        json={"marks": [{"participant_id": her_pid, "present": True}, {"participant_id": other_pid, "present": True}]},
    )
    assert changed.status_code == 200
    await db.refresh(row)
    assert row.status == "present"


async def test_attackers_get_nothing(client, db, session_factory, clock):
    world = await group_with_reminders(client, db, session_factory, [parent(1), parent(2)])
    first = world.first
    mine, hers = world.signed[0]["token"], world.signed[1]["token"]
    # Unknown or hostile links: a clear page, not 500.
    for bad in ("nope", "x" * 5000, "%00%27", "'; drop table sessions; --"):
        answer = await client.get(f"/nl/my/absence/{bad}")
        assert answer.status_code in (404, 400), (bad, answer.status_code)
        assert (await client.post(f"/nl/my/absence/{bad}", data={"action": "cannot_come"})).status_code in (404, 400)
    # A meeting not of her group (a made-up id).
    wrong = await client.post(f"/api/v1/my/{mine}/meetings/999999/absence", json={})
    assert wrong.status_code == 422
    # Her own link does not reach another's notice: one person's token only changes her own.
    await client.post(f"/api/v1/my/{hers}/meetings/{first.id}/absence", json={})
    assert (await client.delete(f"/api/v1/my/{mine}/meetings/{first.id}/absence")).status_code == 200
    assert await _notices(db, first.id) == 1  # hers stays
    # After the start: no change either way, clearly said.
    link = await reminder_link(db, "ouder1@example.org")
    clock.at = first.starts_at + timedelta(minutes=1)
    late = await client.post(f"/api/v1/my/{mine}/meetings/{first.id}/absence", json={})
    assert late.status_code == 422
    assert "Deze bijeenkomst is begonnen" in late.text
    assert (await client.delete(f"/api/v1/my/{hers}/meetings/{first.id}/absence")).status_code == 422
    page = await client.get(f"/nl/my/absence/{link}")
    assert page.status_code == 200
    assert "begonnen" in page.text or "started" in page.text
    assert (await client.post(f"/nl/my/absence/{link}", data={"action": "cannot_come"})).status_code == 400
    assert await _notices(db, first.id) == 1
