"""A parent is told when the trainer gives, changes or frees their own time: in their language,
with the time written out and a private link that works; not for their own picks, and nothing for
a refused change. Offering times that clash with the trainer's other meetings is refused, naming
the meeting; refusals write dates out in the reader's language."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.registration.models import Participant, Registration, RegistrationLink
from groepsaanbod.scheduling.models import Appointment, Session, SessionStaff
from groepsaanbod.scheduling.sessions import to_utc
from tests.factories import sign_in
from tests.integration.registration.helpers import PRIVATE_LINK
from tests.integration.scheduling.appointments_world import phone_group

OFFER = {"day": "2027-03-31", "start_time": "10:00", "count": 3}


async def _messages(db, kind: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.kind.like("appointment_%")).order_by(OutboxMessage.id)
    if kind is not None:
        query = query.where(OutboxMessage.kind == kind)
    return list(await db.scalars(query.execution_options(populate_existing=True)))


async def _links(db) -> int:
    return await db.scalar(select(func.count()).select_from(RegistrationLink))


async def test_parent_is_told_when_the_trainer_sets_changes_or_frees_their_time(client, db):
    world = await phone_group(client, db)
    a, b, _ = world.registrations
    # The second parent reads Turkish (her group speaks Dutch): messages follow the language she reads.
    reader = select(Registration.participant_id).where(Registration.id == b).scalar_subquery()
    await db.execute(update(Participant).where(Participant.id == reader).values(language="tr"))
    await db.commit()
    await sign_in(client, world.trainer)
    slots = [
        s["id"] for s in (await client.post(f"/api/v1/sessions/{world.phone}/appointments", json=OFFER)).json()["slots"]
    ]
    await client.post("/api/v1/auth/sign-out")
    # The parent's own pick: no message.
    picked = await client.post(
        f"/api/v1/my/{world.tokens[0]}/appointments/{world.phone}", json={"appointment_id": slots[0]}
    )
    assert picked.status_code == 200
    assert await _messages(db) == []
    links_before = await _links(db)

    await sign_in(client, world.trainer)
    assign = f"/api/v1/sessions/{world.phone}/appointments/assign"
    # A refused change (someone has that time) sends nothing and makes no link.
    refused = await client.post(assign, json={"registration_id": b, "appointment_id": slots[0]})
    assert refused.status_code == 422
    assert await _messages(db) == []
    assert await _links(db) == links_before

    # Given a time: told in Turkish, the day and time written out, with a working link.
    assert (await client.post(assign, json={"registration_id": b, "appointment_id": slots[1]})).status_code == 200
    [given] = await _messages(db)
    assert (given.kind, given.language, given.to_address) == ("appointment_set", "tr", "ouder1@example.org")
    assert "31 Mart 2027" in given.body_text
    assert "10:30" in given.body_text
    assert "2027-03-31" not in given.body_text
    assert "Triple P" in given.subject
    token = PRIVATE_LINK.search(given.body_text).group(1)
    mine = await client.get(f"/api/v1/my/{token}/appointments")
    assert mine.status_code == 200
    assert mine.json()[0]["mine"]["id"] == slots[1]
    # The same time again: nothing changed, nothing sent.
    assert (await client.post(assign, json={"registration_id": b, "appointment_id": slots[1]})).status_code == 200
    assert len(await _messages(db)) == 1

    # Moved to a new time: told the new time and the earlier one, in Dutch for the first parent.
    moved = await client.post(assign, json={"registration_id": a, "local_start": "2027-04-01T14:00:00"})
    assert moved.status_code == 200, moved.text
    [_, changed] = await _messages(db)
    assert (changed.kind, changed.language) == ("appointment_set", "nl")
    assert "donderdag 1 april 2027, 14:00" in changed.body_text
    assert "woensdag 31 maart 2027, 10:00" in changed.body_text  # the earlier time
    assert changed.body_html
    assert "donderdag 1 april 2027" in changed.body_html

    # Freed on the page: told it is cancelled, with a link to choose again.
    page = await client.post(
        f"/nl/staff/sessions/{world.phone}/appointments", data={"action": "clear", "registration_id": str(b)}
    )
    assert page.status_code in (200, 303), page.text
    [freed] = await _messages(db, "appointment_freed")
    assert freed.language == "tr"
    assert "10:30" in freed.body_text
    assert PRIVATE_LINK.search(freed.body_text)
    # Freeing what is free: refused, nothing more sent.
    again = await client.post(f"/api/v1/sessions/{world.phone}/appointments/clear", json={"registration_id": b})
    assert again.status_code == 422
    assert len(await _messages(db)) == 3


async def _busy_elsewhere(db, world, other) -> None:
    """The trainer of `world` gives the group's fourth meeting on Wednesday 31 March 10:00 (moved),
    and also works for another organisation: its phone call, with a parent's call on Thursday
    1 April 14:00."""
    meeting = await db.get(Session, world.meetings[4])
    local = datetime(2027, 3, 31, 10, 0)
    meeting.local_start, meeting.starts_at = local, to_utc(local, meeting.timezone)
    call = datetime(2027, 4, 1, 14, 0)
    db.add_all(
        [
            SessionStaff(session_id=other.phone, staff_id=world.trainer.id, role="trainer"),
            Appointment(
                session_id=other.phone,
                local_start=call,
                starts_at=to_utc(call, "Europe/Amsterdam"),
                duration_minutes=30,
            ),
        ]
    )
    await db.commit()


async def test_times_that_clash_with_the_trainers_other_meetings_are_refused(client, db):
    world = await phone_group(client, db)
    other = await phone_group(client, db, slug="triple-other")
    await _busy_elsewhere(db, world, other)
    await sign_in(client, world.trainer)
    url = f"/api/v1/sessions/{world.phone}/appointments"
    # Overlapping the trainer's group meeting (10:00 for its length): named, in the trainer's Dutch.
    named = await client.post(url, json={"day": "2027-03-31", "start_time": "09:45", "count": 2})
    assert named.status_code == 422, named.text
    assert f"bijeenkomst 4 van groep {world.cohort.name} (31 mrt 2027, 10:00)" in named.text
    # Overlapping the call for the other organisation: refused, without naming their group.
    elsewhere = await client.post(url, json={"day": "2027-04-01", "start_time": "14:15"})
    assert elsewhere.status_code == 422, elsewhere.text
    assert "andere organisatie" in elsewhere.text
    assert other.cohort.name not in elsewhere.text
    count = select(func.count()).select_from(Appointment).where(Appointment.session_id == world.phone)
    assert await db.scalar(count) == 0
    # Next to them is fine: after the call.
    assert (await client.post(url, json={"day": "2027-04-01", "start_time": "14:30"})).status_code == 200
    # A cancelled meeting does not count.
    await db.execute(update(Session).where(Session.id == world.meetings[4]).values(status="cancelled"))
    await db.commit()
    assert (await client.post(url, json={"day": "2027-03-31", "start_time": "10:00"})).status_code == 200
    # In Dutch on the page, dates and times written out.
    page = await client.post(
        f"/nl/staff/sessions/{world.phone}/appointments",
        data={"action": "offer", "day": "2027-04-01", "start_time": "13:45", "count": "1", "gap_minutes": "0"},
    )
    assert page.status_code == 400
    assert "1 apr 2027, 13:45" in page.text
