"""She is told when her group's dates are set (issue 17, item 6): one message per member per
change, with all coming meetings, her calendar link and her page, in the language she reads."""

from __future__ import annotations

from sqlalchemy import func, select

from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.scheduling.models import Session
from tests.factories import make_staff, sign_in
from tests.integration.registration.helpers import person, published_programme, sign_up

KIND = "group_dates"


async def _group(client, db):
    org, pid = await published_programme(db, "triple-p-group", "dates-test", revision={"min_group_size": 1})
    people = [await sign_up(client, db, "dates-test", person(n, child_birth_date="2021-01-01")) for n in (1, 2, 3)]
    assert all(p["status"] == "confirmed" for p in people)
    # One member reads Arabic; her group speaks Dutch.
    arabic = await db.get(Registration, people[1]["registration_id"])
    reader = await db.get(Participant, arabic.participant_id)
    reader.language = "ar"
    # One member has stopped.
    stopped = await db.get(Registration, people[2]["registration_id"])
    stopped.status = "withdrawn"
    await db.commit()
    cohort = await db.scalar(select(Cohort).where(Cohort.programme_id == pid))
    await sign_in(client, await make_staff(db, org, "coordinator"))
    return cohort, people


async def _plan(client, cohort, start="2027-03-02"):
    answer = await client.post(
        f"/api/v1/cohorts/{cohort.id}/schedule", json={"weekday": 1, "start_time": "19:30", "start_date": start}
    )
    assert answer.status_code == 200, answer.text


async def _told(db, address):
    return list(
        await db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == KIND, OutboxMessage.to_address == address)
            .order_by(OutboxMessage.id)
        )
    )


async def test_each_member_gets_one_message_with_all_dates_and_her_links(client, db):
    cohort, _ = await _group(client, db)
    await _plan(client, cohort)
    meetings = (await db.scalar(select(func.count()).select_from(Session).where(Session.cohort_id == cohort.id))) or 0
    assert meetings > 1
    dutch = await _told(db, "ouder1@example.org")
    assert len(dutch) == 1
    body = dutch[0].body_text
    assert dutch[0].language == "nl"
    assert "2027" in body
    assert body.count("19:30") == meetings  # every meeting, with its time
    assert "/nl/my/" in body  # her page
    assert "/calendar.ics" in body  # her calendar
    # The Arabic reader gets it in Arabic, with her page in Arabic.
    arabic = await _told(db, "ouder2@example.org")
    assert len(arabic) == 1
    assert arabic[0].language == "ar"
    assert "/ar/my/" in arabic[0].body_text
    assert "مارس" in arabic[0].body_text or "آذار" in arabic[0].body_text
    # Someone who stopped is not told.
    assert await _told(db, "ouder3@example.org") == []
    # The links in the message work: her calendar file opens.
    link = next(w for w in body.split() if "/calendar.ics" in w)
    calendar = await client.get("/" + link.split("://", 1)[1].split("/", 1)[1])
    assert calendar.status_code == 200
    assert "BEGIN:VCALENDAR" in calendar.text


async def test_planning_again_the_same_sends_nothing_new_but_a_change_does(client, db):
    cohort, _ = await _group(client, db)
    await _plan(client, cohort)
    await _plan(client, cohort)  # saved twice: the same dates
    assert len(await _told(db, "ouder1@example.org")) == 1
    await _plan(client, cohort, start="2027-03-09")  # a week later: new dates
    told = await _told(db, "ouder1@example.org")
    assert len(told) == 2
    assert told[1].body_text != told[0].body_text
    assert await _told(db, "ouder3@example.org") == []


async def test_one_meeting_moved_is_told_once_by_the_move_notice(client, db):
    """A single meeting moved: the existing "moved" notice tells her; no second message with all dates."""
    cohort, _ = await _group(client, db)
    await _plan(client, cohort)
    first = await db.scalar(select(Session).where(Session.cohort_id == cohort.id).order_by(Session.starts_at))
    moved = await client.post(f"/api/v1/sessions/{first.id}/reschedule", json={"local_start": "2027-03-04T19:30:00"})
    assert moved.status_code == 200, moved.text
    assert len(await _told(db, "ouder1@example.org")) == 1
    notices = await db.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.kind == "session_moved", OutboxMessage.to_address == "ouder1@example.org")
    )
    assert notices == 1
