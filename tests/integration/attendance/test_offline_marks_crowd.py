"""Phones back in signal all at once: many identical batches of marks posted together, each in its
own connection and transaction as in production, store every mark once; two phones that marked
the same person differently leave the later mark. On SQLite and, with
GROEPSAANBOD_TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from groepsaanbod.attendance.models import Attendance, AttendanceMark
from groepsaanbod.audit.models import AuditEvent
from groepsaanbod.history.models import RegistrationEvent
from groepsaanbod.migrate import upgrade
from tests.conftest import NOW, backends
from tests.databases import run_async, separate_database
from tests.factories import make_staff, sign_in
from tests.integration.attendance.test_register import group_with_members
from tests.integration.registration.parallel import app_client, at_once, database, server_errors

CROWD = 50


def _mark(pid: int, value: str, minutes_ago: int) -> dict:
    at = (NOW - timedelta(minutes=minutes_ago)).isoformat()
    return {"id": str(uuid.uuid4()), "participant_id": pid, "value": value, "marked_at": at}


async def _crowd(url: str) -> dict:
    async with database(url) as db:
        org, _, _, people, sessions = await group_with_members(db, "off-crowd", members=4)
        staff = await make_staff(db, org, "cjg_staff")
    meeting = sessions[3]
    # Phone A marked everyone present 5 minutes ago; phone B marked the first person absent 2 minutes ago.
    phone_a = {"marks": [_mark(pid, "present", 5) for pid in people]}
    phone_b = {"marks": [_mark(people[0], "absent", 2)]}
    async with app_client(url) as client:
        await sign_in(client, staff)
        path = f"/api/v1/sessions/{meeting}/register/marks"
        responses = await at_once(
            [lambda body=(phone_a if n % 2 else phone_b): client.post(path, json=body) for n in range(CROWD)]
        )
    async with database(url) as db:
        marks = (await db.execute(select(AttendanceMark.id, func.count()).group_by(AttendanceMark.id))).all()
        rows = (
            await db.execute(
                select(Attendance.participant_id, Attendance.status).where(Attendance.session_id == meeting)
            )
        ).all()
        histories = await db.scalar(
            select(func.count())
            .select_from(RegistrationEvent)
            .where(RegistrationEvent.action == "register_marks_received")
        )
        audited = await db.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.subject.like("register_marks%"))
        )
    return {
        "statuses": sorted({r.status_code for r in responses}),
        "errors": server_errors(responses),
        "applied": sum(len(r.json()["applied"]) + len(r.json()["outdated"]) for r in responses if r.status_code == 200),
        "marks": marks,
        "rows": dict(rows),
        "people": people,
        "histories": histories,
        "audited": audited,
    }


@pytest.mark.parametrize("backend", backends())
def test_many_identical_batches_at_once_store_each_mark_once(backend, tmp_path):
    url = separate_database(backend, tmp_path, "groepsaanbod_offline_marks")
    upgrade(url)
    outcome = run_async(_crowd(url))
    assert outcome["errors"] == []
    assert outcome["statuses"] == [200]
    people = outcome["people"]
    assert len(outcome["marks"]) == len(people) + 1
    assert all(count == 1 for _, count in outcome["marks"])
    assert outcome["applied"] == len(people) + 1  # each mark received (applied or outdated) by one answer only
    assert outcome["rows"] == {people[0]: "absent", **{pid: "present" for pid in people[1:]}}
    assert outcome["histories"] == 2  # one per phone's batch, not one per post
    assert outcome["audited"] == len(people) + 1
