"""She is told when her group's dates are set (issue 17, item 6): one message per member per
change, with all coming meetings, her calendar link and her page, in the language she reads."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, event, func, select, update

from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.organisations.models import Venue
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.registration.services.registrations import PrivateLinks
from groepsaanbod.scheduling.models import Session
from groepsaanbod.scheduling.services import dates_told
from groepsaanbod.scheduling.services.dates_told import tell_new_members_dates
from groepsaanbod.scheduling.services.series import top_up_series
from tests.conftest import NOW
from tests.factories import make_staff, sign_in
from tests.integration.registration.helpers import person, published_programme, sign_up

KIND = "group_dates"
LINKS = PrivateLinks("http://test", 365)


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


# The worker's step (tell_new_members_dates): a member who joins a group that already has its
# dates (an accepted offer, the waiting list, a coordinator's assignment), or whose group was
# planned before she was confirmed, is told them once.

SMALL = {"max_group_size": 6, "min_group_size": 2, "rules": {"child_age_months": [0, 144], "offer_hours": 24}}


async def _planned_full_group(client, db, slug="dates-offer"):
    """Six in a planned group, two waiting; the first waiting one reads Arabic."""
    org, pid = await published_programme(db, "triple-p-group", slug, revision=SMALL)
    people = [await sign_up(client, db, slug, person(n, child_birth_date="2020-06-01")) for n in range(8)]
    statuses = [(await db.get(Registration, p["registration_id"], populate_existing=True)).status for p in people]
    assert statuses == ["confirmed"] * 6 + ["waitlisted"] * 2
    waiting = await db.get(Registration, people[6]["registration_id"])
    (await db.get(Participant, waiting.participant_id)).language = "ar"
    await db.commit()
    cohort = await db.scalar(select(Cohort).where(Cohort.programme_id == pid))
    await sign_in(client, await make_staff(db, org, "coordinator"))
    await _plan(client, cohort)
    return cohort, people


async def _not_yet(session, registration_id, digest):
    return False, 0


async def _step(session_factory, now=NOW):
    return await tell_new_members_dates(session_factory, now, LINKS, force=True)


async def test_a_member_who_accepts_an_offer_into_a_planned_group_is_told_its_dates_once(client, db, session_factory):
    cohort, people = await _planned_full_group(client, db)
    assert len(await _told(db, "ouder1@example.org")) == 1  # told when planned
    assert await _step(session_factory) == 0  # everyone in the group knows
    assert (await client.post(f"/api/v1/my/{people[0]['token']}/withdraw")).status_code == 200
    accepted = await client.post(f"/api/v1/my/{people[6]['token']}/offer/accept")
    assert accepted.status_code == 200, accepted.text
    assert await _told(db, "ouder6@example.org") == []  # accepting does not tell her (registration sits below)

    assert await _step(session_factory) == 1
    told = await _told(db, "ouder6@example.org")
    assert len(told) == 1
    assert told[0].language == "ar"
    assert "/ar/my/" in told[0].body_text
    assert "/calendar.ics" in told[0].body_text
    meetings = await db.scalar(select(func.count()).select_from(Session).where(Session.cohort_id == cohort.id))
    assert told[0].body_text.count("2027") == meetings  # all coming dates, one a line
    assert len([line for line in told[0].body_text.splitlines() if "2027" in line]) == meetings
    # Again: nothing more. The one who left and the one still waiting get nothing.
    assert await _step(session_factory) == 0
    assert len(await _told(db, "ouder6@example.org")) == 1
    assert len(await _told(db, "ouder0@example.org")) == 1  # only the one from planning
    assert await _told(db, "ouder7@example.org") == []


async def test_a_group_planned_before_its_members_were_confirmed_tells_them_later(client, db, session_factory):
    cohort, people = await _group(client, db)
    member = await db.get(Registration, people[0]["registration_id"])
    member.status = "pending"
    await db.commit()
    await _plan(client, cohort)
    assert await _told(db, "ouder1@example.org") == []
    member.status = "confirmed"
    await db.commit()
    assert await _step(session_factory) == 1
    assert len(await _told(db, "ouder1@example.org")) == 1
    assert await _told(db, "ouder3@example.org") == []  # withdrawn


async def test_a_group_with_no_coming_meetings_tells_nobody(client, db, session_factory):
    cohort, _ = await _group(client, db)
    assert await _step(session_factory) == 0  # not planned
    await _plan(client, cohort)
    await db.execute(delete(OutboxMessage).where(OutboxMessage.kind == KIND))
    await db.commit()
    assert await _step(session_factory, NOW + timedelta(days=400)) == 0  # all its meetings are over
    assert await _told(db, "ouder1@example.org") == []


async def test_the_step_is_one_query_however_many_groups(client, db, session_factory, connection):
    await _planned_full_group(client, db, "dates-count-1")
    await _planned_full_group(client, db, "dates-count-2")
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    event.listen(connection.sync_connection, "before_cursor_execute", count)
    try:
        assert await _step(session_factory) == 0
    finally:
        event.remove(connection.sync_connection, "before_cursor_execute", count)
    assert len(statements) == 1, statements


async def test_two_workers_at_once_tell_her_once(client, db, session_factory, monkeypatch):
    cohort, people = await _group(client, db)
    member = await db.get(Registration, people[0]["registration_id"])
    member.status = "pending"
    await db.commit()
    await _plan(client, cohort)
    member.status = "confirmed"
    await db.commit()
    # The second worker finds her too, but its message's key is taken: nothing twice, no crash.
    assert await _step(session_factory) == 1
    # A second worker that read before the first one's message was there: it queues the same
    # message (the same key), its commit is refused and rolled back.
    await db.execute(update(OutboxMessage).where(OutboxMessage.kind == KIND).values(participant_id=None))
    await db.commit()
    monkeypatch.setattr(dates_told, "_told_already", _not_yet)
    assert await _step(session_factory) == 0
    assert len(await _told(db, "ouder1@example.org")) == 1


async def test_a_drop_in_series_is_not_told_weekly_on_top_ups(client, db, session_factory):
    org, pid = await published_programme(db, "kids-en-koffie", "dates-kk", city="Sliedrecht")
    venue = await db.scalar(select(Venue).where(Venue.organisation_id == org.id))
    await sign_in(client, await make_staff(db, org, "coordinator"))
    body = {"name": "Inloop", "weekday": 0, "start_time": "09:30", "starts_on": "2026-12-07", "venue_id": venue.id}
    made = await client.post(f"/api/v1/programmes/{pid}/series", json=body)
    assert made.status_code == 201, made.text
    parent = Participant(full_name="Ouder KK", email="kk@example.org", language="nl")
    db.add(parent)
    await db.flush()
    db.add(
        Registration(participant_id=parent.id, programme_id=pid, cohort_id=made.json()["cohort_id"], status="confirmed")
    )
    await db.commit()
    assert await _step(session_factory) == 0
    later = NOW + timedelta(weeks=4)
    assert await top_up_series(db, later) > 0
    await db.commit()
    assert await _step(session_factory, later) == 0
    assert await _told(db, "kk@example.org") == []
