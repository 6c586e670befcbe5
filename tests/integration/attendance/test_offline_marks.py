"""The register taken offline: marks sent later in batches, each with its own id. Sending a batch
again changes nothing; of two marks of one person the later one wins and both are in the record;
the same people may send marks as may take the register."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from sqlalchemy import func, select

from groepsaanbod.attendance import mark_rules
from groepsaanbod.attendance.models import Attendance, AttendanceMark, SessionRegister
from groepsaanbod.audit.models import AuditEvent
from groepsaanbod.history.models import RegistrationEvent
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.registration.models import Registration
from groepsaanbod.scheduling.models import SessionStaff
from tests.conftest import NOW
from tests.factories import make_organisation, make_staff, sign_in
from tests.integration.api_clients.helpers import bearer, make_token
from tests.integration.attendance.test_register import group_with_members


def mark(pid: int | None, value: str = "present", minutes_ago: int = 10, **more) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "participant_id": pid,
        "value": value,
        "marked_at": (NOW - timedelta(minutes=minutes_ago)).isoformat(),
        **more,
    }


async def rows_of(db, session_id: int) -> dict:
    return {
        a.participant_id: (a.status, a.absence_reason)
        for a in await db.scalars(
            select(Attendance).where(Attendance.session_id == session_id).execution_options(populate_existing=True)
        )
    }


async def test_a_batch_sent_twice_is_saved_once(db, client):
    org, _, _, people, sessions = await group_with_members(db, "off-twice")
    await sign_in(client, await make_staff(db, org, "cjg_staff"))
    batch = {
        "marks": [
            mark(people[0]),
            mark(people[1], "absent", reason="ill"),
            mark(people[2], session_id=sessions[3]),
        ]
    }
    url = f"/api/v1/sessions/{sessions[3]}/register/marks"
    first = await client.post(url, json=batch)
    assert first.status_code == 200, first.text
    assert sorted(first.json()["applied"]) == sorted(m["id"] for m in batch["marks"])
    again = await client.post(url, json=batch)
    assert again.status_code == 200, again.text
    assert again.json() == {"applied": [], "outdated": [], "known": sorted(m["id"] for m in batch["marks"])}
    assert await rows_of(db, sessions[3]) == {
        people[0]: ("present", None),
        people[1]: ("absent", "ill"),
        people[2]: ("present", None),
    }
    assert await db.scalar(select(func.count()).select_from(AttendanceMark)) == 3
    events = list(
        await db.scalars(select(RegistrationEvent).where(RegistrationEvent.action == "register_marks_received"))
    )
    assert len(events) == 1
    audited = list(await db.scalars(select(AuditEvent.participant_id).where(AuditEvent.subject == "register_marks")))
    assert sorted(audited) == sorted(people)
    assert await db.get(SessionRegister, sessions[3]) is not None


async def test_the_later_mark_wins_whatever_order_they_arrive_in(db, client):
    org, _, _, people, sessions = await group_with_members(db, "off-later")
    await sign_in(client, await make_staff(db, org, "cjg_staff"))
    url = f"/api/v1/sessions/{sessions[3]}/register/marks"
    # Anna's phone, back in signal first, marked her present 5 minutes ago; Bram marked her absent 20 minutes ago.
    later = mark(people[0], "present", minutes_ago=5)
    earlier = mark(people[0], "absent", minutes_ago=20, reason="excused")
    assert (await client.post(url, json={"marks": [later]})).json()["applied"] == [later["id"]]
    out = (await client.post(url, json={"marks": [earlier]})).json()
    assert out == {"applied": [], "outdated": [earlier["id"]], "known": []}
    assert (await rows_of(db, sessions[3]))[people[0]] == ("present", None)
    # In one batch, out of order: the later one still wins.
    one = mark(people[1], "present", minutes_ago=3)
    two = mark(people[1], "absent", minutes_ago=2)
    assert sorted((await client.post(url, json={"marks": [two, one]})).json()["applied"]) == sorted(
        [one["id"], two["id"]]
    )
    assert (await rows_of(db, sessions[3]))[people[1]] == ("absent", "no_reason")
    # Both of Anna's marks are kept, and both are in the audit record.
    kept = dict((await db.execute(select(AttendanceMark.id, AttendanceMark.outcome))).all())
    assert kept[later["id"]] == "applied"
    assert kept[earlier["id"]] == "outdated"
    subjects = sorted(await db.scalars(select(AuditEvent.subject).where(AuditEvent.participant_id == people[0])))
    assert subjects == ["register_marks", "register_marks_outdated"]
    details = [
        m
        for e in await db.scalars(
            select(RegistrationEvent).where(RegistrationEvent.action == "register_marks_received")
        )
        for m in e.details["marks"]
    ]
    assert {(m["id"], m["value"], m["outcome"]) for m in details if m["participant_id"] == people[0]} == {
        (later["id"], "present", "applied"),
        (earlier["id"], "absent", "outdated"),
    }


async def test_a_form_saved_after_the_mark_was_made_wins(db, client):
    org, _, _, people, sessions = await group_with_members(db, "off-form", members=1)
    await sign_in(client, await make_staff(db, org, "cjg_staff"))
    saved = await client.post(f"/nl/staff/sessions/{sessions[3]}/register", data={"present": [str(people[0])]})
    assert saved.status_code == 303
    stale = mark(people[0], "absent", minutes_ago=1)
    out = await client.post(f"/api/v1/sessions/{sessions[3]}/register/marks", json={"marks": [stale]})
    assert out.json()["outdated"] == [stale["id"]]
    assert (await rows_of(db, sessions[3]))[people[0]] == ("present", None)


async def test_marks_out_of_bounds_are_refused_in_the_readers_language_and_save_nothing(db, client):
    org, _, _, people, sessions = await group_with_members(db, "off-bounds")
    await sign_in(client, await make_staff(db, org, "cjg_staff"))
    url = f"/api/v1/sessions/{sessions[3]}/register/marks?lang=nl"
    cases = [
        (
            {"marks": [mark(people[0]), mark(people[1], minutes_ago=-30)]},
            "marks[1].marked_at",
            mark_rules.IN_THE_FUTURE,
        ),
        ({"marks": [mark(people[0], minutes_ago=8 * 24 * 60)]}, "marks[0].marked_at", mark_rules.TOO_OLD),
        ({"marks": [{**mark(people[0]), "id": "1; DROP TABLE"}]}, "marks[0].id", mark_rules.MARK_ID_WRONG),
        ({"marks": [mark(people[0], "maybe")]}, "marks[0].value", mark_rules.MARK_VALUE_WRONG),
        ({"marks": [mark(people[0], "head_count")]}, "marks[0].value", mark_rules.ONLY_DROP_IN),
        ({"marks": [mark(999_999)]}, "marks[0].participant_id", "This person is not a member of this group."),
        ({"marks": [mark(people[0], session_id=sessions[2])]}, "marks[0].session_id", mark_rules.OTHER_MEETING),
        ({"marks": [mark(people[0], "present", reason="ill")]}, "marks[0].reason", mark_rules.REASON_ONLY_ABSENT),
        ({"marks": [{**mark(people[0]), "marked_at": "2026-11-30T09:00:00"}]}, "marks[0].marked_at", None),
        ({"marks": []}, "marks", mark_rules.NO_MARKS),
        ({"marks": [mark(people[0])] * (mark_rules.MAX_MARKS + 1)}, "marks", None),
    ]
    for body, field, msgid in cases:
        refused = await client.post(url, json=body)
        assert refused.status_code == 422, (field, refused.text)
        error = refused.json()["errors"][0]
        assert error["field"] == field
        if msgid:
            assert error["detail"] == gettext("nl", msgid).replace("%(days)s", "7"), field
    assert await rows_of(db, sessions[3]) == {}
    assert await db.scalar(select(func.count()).select_from(AttendanceMark)) == 0


async def test_same_people_as_the_register(db, client):
    org, _, _, people, sessions = await group_with_members(db, "off-who")
    url = f"/api/v1/sessions/{sessions[3]}/register/marks"
    body = {"marks": [mark(people[0])]}
    # Nobody signed in.
    assert (await client.post(url, json=body)).status_code == 401
    # Staff of another organisation: as if there were no such meeting.
    await sign_in(client, await make_staff(db, await make_organisation(db), "coordinator"))
    assert (await client.post(url, json=body)).status_code == 404
    # A volunteer of this organisation who is not on this meeting's rota: the same.
    client.cookies.clear()
    volunteer = await make_staff(db, org, "volunteer")
    await sign_in(client, volunteer)
    assert (await client.post(url, json=body)).status_code == 404
    # On the rota: she ticks who is here, but gives no reasons.
    db.add(SessionStaff(session_id=sessions[3], staff_id=volunteer.id, role="volunteer"))
    await db.commit()
    reason = await client.post(url, json={"marks": [mark(people[1], "absent", reason="ill")]})
    assert reason.status_code == 422
    assert reason.json()["errors"][0]["field"] == "marks[0].reason"
    assert (await client.post(url, json=body)).status_code == 200
    # Over a week after the meeting, only a coordinator.
    late = await client.post(f"/api/v1/sessions/{sessions[0]}/register/marks", json=body)
    assert late.status_code in (404, 422)
    client.cookies.clear()
    # A service token without the attendance scope; then one with it.
    without = await make_token(db, org.id, "sessions:write", "attendance:read")
    assert (await client.post(url, json={"marks": [mark(people[2])]}, headers=bearer(without))).status_code == 403
    with_scope = await make_token(db, org.id, "attendance:write", name="Ander systeem")
    assert (await client.post(url, json={"marks": [mark(people[2])]}, headers=bearer(with_scope))).status_code == 200
    assert await rows_of(db, sessions[3]) == {people[0]: ("present", None), people[2]: ("present", None)}


async def test_drop_in_head_counts_and_check_ins_as_marks(db, client):
    org, _, _, people, sessions = await group_with_members(db, "off-drop-in", template_key="kids-en-koffie")
    for registration in await db.scalars(select(Registration).where(Registration.participant_id.in_(people))):
        registration.consented_at = NOW - timedelta(days=60)  # visitors who agreed to be checked in by name
    await db.commit()
    await sign_in(client, await make_staff(db, org, "cjg_staff"))
    url = f"/api/v1/sessions/{sessions[3]}/register/marks"
    count = mark(None, "head_count", minutes_ago=9, adults=11, children=14)
    stale = mark(None, "head_count", minutes_ago=30, adults=3, children=4)
    visitor = mark(people[0], "present", minutes_ago=20)
    out = await client.post(url, json={"marks": [count, visitor]})
    assert out.status_code == 200, out.text
    assert (await client.post(url, json={"marks": [stale]})).json()["outdated"] == [stale["id"]]
    head = await db.scalar(
        select(Attendance).where(Attendance.session_id == sessions[3], Attendance.participant_id.is_(None))
    )
    assert (head.status, head.adults, head.children) == ("head_count", 11, 14)
    # Checked out again, later: a drop-in keeps only who came; an older check-in then changes nothing.
    gone = mark(people[0], "absent", minutes_ago=8)
    assert (await client.post(url, json={"marks": [gone]})).json()["applied"] == [gone["id"]]
    older = mark(people[0], "present", minutes_ago=15)
    assert (await client.post(url, json={"marks": [older]})).json()["outdated"] == [older["id"]]
    assert people[0] not in await rows_of(db, sessions[3])
    wrong = await client.post(url, json={"marks": [mark(None, "head_count", adults=501)]})
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "marks[0].adults"


async def test_the_register_page_offers_its_script_and_the_worker_is_served(db, client):
    org, _, _, _, sessions = await group_with_members(db, "off-page")
    await sign_in(client, await make_staff(db, org, "cjg_staff"))
    page = await client.get(f"/ar/staff/sessions/{sessions[3]}/register")
    assert page.status_code == 200
    assert re.search(r'<script src="/static/register-offline\.[0-9a-f]{8}\.js" defer></script>', page.text)
    assert f'data-marks-session="{sessions[3]}"' in page.text
    pending = gettext(
        "ar", "Marks not sent yet: %(count)s. They are kept on this device and sent as soon as there is a connection."
    )
    assert (
        pending
        != "Marks not sent yet: %(count)s. They are kept on this device and sent as soon as there is a connection."
    )
    assert pending.replace("%(count)s", "{count}") in page.text
    assert 'id="register-sync" class="register-sync" role="status"' in page.text
    # A register that is closed (too long ago for this person) has no script: there is nothing to send.
    closed = await client.get(f"/ar/staff/sessions/{sessions[0]}/register")
    assert "register-offline.js" not in closed.text
    worker = await client.get("/register-worker.js")
    assert worker.status_code == 200
    assert worker.headers["content-type"].startswith("text/javascript")
    assert worker.headers["cache-control"] == "no-store"
    assert 'self.addEventListener("fetch"' in worker.text
