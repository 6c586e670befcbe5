"""Individual appointments in a group programme: the trainer offers times for Triple P's phone
call, parents choose from their private link, the trainer gives and frees times; what is refused
(overlap, the past, outside the meeting's week, a group meeting) and who is refused."""

from __future__ import annotations

from sqlalchemy import select

from groepsaanbod.history.models import RegistrationEvent
from groepsaanbod.scheduling.models import Appointment
from tests.factories import make_organisation, make_staff, sign_in
from tests.integration.scheduling.appointments_world import phone_group

OFFER = {"day": "2027-03-31", "start_time": "10:00", "count": 3}


async def _rows(db, session_id: int) -> list[tuple[str, int | None]]:
    rows = await db.execute(
        select(Appointment.local_start, Appointment.registration_id)
        .where(Appointment.session_id == session_id)
        .order_by(Appointment.local_start)
        .execution_options(populate_existing=True)
    )
    return [(start.strftime("%H:%M"), reg) for start, reg in rows.all()]


async def test_trainer_offers_times_and_parents_choose_change_and_cancel(client, db):
    world = await phone_group(client, db)
    a, b, c = world.registrations
    await sign_in(client, world.trainer)
    offered = await client.post(f"/api/v1/sessions/{world.phone}/appointments", json=OFFER)
    assert offered.status_code == 200, offered.text
    slots = [s["id"] for s in offered.json()["slots"]]
    assert [s["local_start"] for s in offered.json()["slots"]] == [
        "2027-03-31T10:00:00",
        "2027-03-31T10:30:00",
        "2027-03-31T11:00:00",
    ]
    await client.post("/api/v1/auth/sign-out")

    mine = (await client.get(f"/api/v1/my/{world.tokens[0]}/appointments")).json()
    assert [m["session_id"] for m in mine] == [world.phone]
    assert mine[0]["mine"] is None
    assert len(mine[0]["free"]) == 3
    picked = await client.post(
        f"/api/v1/my/{world.tokens[0]}/appointments/{world.phone}", json={"appointment_id": slots[0]}
    )
    assert picked.status_code == 200, picked.text
    assert picked.json()[0]["mine"]["id"] == slots[0]
    # The same time for a second parent: refused, in the parent's words; nothing changes.
    taken = await client.post(
        f"/api/v1/my/{world.tokens[1]}/appointments/{world.phone}", json={"appointment_id": slots[0]}
    )
    assert taken.status_code == 422
    assert "Iemand anders heeft deze tijd net gekozen" in taken.text  # in the parent's language
    assert await _rows(db, world.phone) == [("10:00", a), ("10:30", None), ("11:00", None)]
    # The second chooses another; the first changes to the last time: their first is free again.
    assert (
        await client.post(f"/api/v1/my/{world.tokens[1]}/appointments/{world.phone}", json={"appointment_id": slots[1]})
    ).status_code == 200
    assert (
        await client.post(f"/api/v1/my/{world.tokens[0]}/appointments/{world.phone}", json={"appointment_id": slots[2]})
    ).status_code == 200
    assert await _rows(db, world.phone) == [("10:00", None), ("10:30", b), ("11:00", a)]
    # Cancelling frees it; cancelling twice says there is nothing to cancel.
    assert (await client.post(f"/api/v1/my/{world.tokens[0]}/appointments/{world.phone}/cancel")).status_code == 200
    assert (await client.post(f"/api/v1/my/{world.tokens[0]}/appointments/{world.phone}/cancel")).status_code == 422
    assert await _rows(db, world.phone) == [("10:00", None), ("10:30", b), ("11:00", None)]

    # The trainer gives the third parent a time, moves the second, and gives one a new time.
    await sign_in(client, world.trainer)
    given = await client.post(
        f"/api/v1/sessions/{world.phone}/appointments/assign", json={"registration_id": c, "appointment_id": slots[0]}
    )
    assert given.status_code == 200, given.text
    moved = await client.post(
        f"/api/v1/sessions/{world.phone}/appointments/assign",
        json={"registration_id": b, "local_start": "2027-04-01T14:00:00"},
    )
    assert moved.status_code == 200, moved.text
    board = moved.json()
    assert {m["registration_id"]: m["appointment_id"] is not None for m in board["members"]} == {
        a: False,
        b: True,
        c: True,
    }
    assert await _rows(db, world.phone) == [("10:00", c), ("10:30", None), ("11:00", None), ("14:00", b)]
    # A taken time cannot be taken back; a free one can.
    assert (
        await client.post(f"/api/v1/sessions/{world.phone}/appointments/withdraw", json={"appointment_id": slots[0]})
    ).status_code == 422
    assert (
        await client.post(f"/api/v1/sessions/{world.phone}/appointments/withdraw", json={"appointment_id": slots[1]})
    ).status_code == 200
    assert (
        await client.post(f"/api/v1/sessions/{world.phone}/appointments/clear", json={"registration_id": c})
    ).status_code == 200
    assert await _rows(db, world.phone) == [("10:00", None), ("11:00", None), ("14:00", b)]
    actions = set(
        await db.scalars(select(RegistrationEvent.action).where(RegistrationEvent.programme_id == world.programme_id))
    )
    assert {"appointments_offered", "appointment_chosen", "appointment_cancelled", "appointment_withdrawn"} <= actions


async def test_offers_that_cannot_be_are_refused_and_nothing_is_saved(client, db):
    world = await phone_group(client, db)
    await sign_in(client, world.trainer)
    url = f"/api/v1/sessions/{world.phone}/appointments"
    assert (await client.post(url, json=OFFER)).status_code == 200
    refusals = {
        "overlap": {"day": "2027-03-31", "start_time": "10:45", "count": 1},
        "overlap within": {"day": "2027-04-01", "start_time": "09:00", "count": 3, "gap_minutes": 0, "start": 1},
        "past": {"day": "2026-11-01", "start_time": "10:00"},
        "other week": {"day": "2027-04-06", "start_time": "10:00"},
        "too many": {"day": "2027-04-01", "start_time": "10:00", "count": 25},
        "negative gap": {"day": "2027-04-01", "start_time": "10:00", "gap_minutes": -5},
        "bad time": {"day": "2027-04-01", "start_time": "25:00"},
        "past midnight": {"day": "2027-04-04", "start_time": "23:50"},
    }
    refusals.pop("overlap within")
    for name, body in refusals.items():
        answer = await client.post(url, json=body)
        assert answer.status_code in (400, 422), (name, answer.status_code, answer.text)
        assert answer.json()["errors"], name
    # A group meeting has no times of its own.
    group = await client.post(f"/api/v1/sessions/{world.meetings[1]}/appointments", json=OFFER)
    assert group.status_code == 422
    assert len(await _rows(db, world.phone)) == 3
    # In Dutch, on the page.
    page = await client.post(
        f"/nl/staff/sessions/{world.phone}/appointments",
        data={"action": "offer", "day": "2027-04-06", "start_time": "10:00", "count": "1", "gap_minutes": "0"},
    )
    assert page.status_code == 400
    assert "29 mrt 2027" in page.text  # written out in Dutch
    assert "4 apr 2027" in page.text


async def test_who_may_run_the_times(client, db):
    world = await phone_group(client, db)
    url = f"/api/v1/sessions/{world.phone}/appointments"
    assert (await client.get(url)).status_code in (401, 403)  # nobody
    volunteer = await make_staff(db, world.org, "volunteer")
    await sign_in(client, volunteer)
    assert (await client.get(url)).status_code == 403  # a lower role
    assert (await client.post(url, json=OFFER)).status_code == 403
    await client.post("/api/v1/auth/sign-out")
    other_trainer = await make_staff(db, world.org, "trainer")
    await sign_in(client, other_trainer)
    assert (await client.post(url, json=OFFER)).status_code == 422  # not planned on it
    await client.post("/api/v1/auth/sign-out")
    outsider = await make_staff(db, await make_organisation(db, "Elders"), "coordinator")
    await sign_in(client, outsider)
    assert (await client.get(url)).status_code == 404
    assert (await client.post(url, json=OFFER)).status_code == 404
    assert (await client.get(f"/nl/staff/sessions/{world.phone}/appointments")).status_code == 404
    await client.post("/api/v1/auth/sign-out")
    await sign_in(
        client,
        world.coordinator,
    )
    assert (await client.post(url, json=OFFER)).status_code == 200
    slot = (await client.get(url)).json()["slots"][0]["id"]
    await client.post("/api/v1/auth/sign-out")
    # A parent of another group (another organisation) cannot choose this group's times.
    stranger = await phone_group(client, db, slug="triple-elders")
    wrong = await client.post(
        f"/api/v1/my/{stranger.tokens[0]}/appointments/{world.phone}", json={"appointment_id": slot}
    )
    assert wrong.status_code == 404
    # Nor a time of another meeting through their own.
    assert (
        await client.post(
            f"/api/v1/my/{stranger.tokens[0]}/appointments/{stranger.phone}", json={"appointment_id": slot}
        )
    ).status_code == 422
    assert (
        await client.post(f"/api/v1/my/not-a-token/appointments/{world.phone}", json={"appointment_id": slot})
    ).status_code == 404
    assert all(reg is None for _, reg in await _rows(db, world.phone))


async def test_reminders_follow_each_persons_time(client, db, session_factory):
    from datetime import timedelta

    from groepsaanbod.messaging.models import OutboxMessage
    from groepsaanbod.reminders.services import plan_due_reminders

    world = await phone_group(client, db)
    await sign_in(client, world.trainer)
    slots = (await client.post(f"/api/v1/sessions/{world.phone}/appointments", json=OFFER)).json()["slots"]
    await client.post("/api/v1/auth/sign-out")
    await client.post(
        f"/api/v1/my/{world.tokens[0]}/appointments/{world.phone}", json={"appointment_id": slots[1]["id"]}
    )
    first = await db.get(Appointment, slots[1]["id"], populate_existing=True)
    # 47 hours before the group's 19:30 on Tuesday: nothing (the person's call is on Wednesday).
    phone_meeting_time = first.starts_at - timedelta(hours=14, minutes=30)  # Tuesday 19:30
    assert (
        await plan_due_reminders(session_factory, "http://test", lambda: phone_meeting_time - timedelta(hours=47)) == 0
    )
    # 47 hours before the call: one reminder, to that parent, with the call's time.
    assert await plan_due_reminders(session_factory, "http://test", lambda: first.starts_at - timedelta(hours=47)) == 1
    assert await plan_due_reminders(session_factory, "http://test", lambda: first.starts_at - timedelta(hours=46)) == 0
    message = await db.scalar(select(OutboxMessage).where(OutboxMessage.kind == "session_reminder"))
    assert message.to_address == "ouder0@example.org"
    assert "10:30" in message.body_text


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


async def test_feeds_downloads_and_the_register_follow_the_times(client, db):
    world = await phone_group(client, db)
    a, b, _ = world.registrations
    await sign_in(client, world.trainer)
    slots = (await client.post(f"/api/v1/sessions/{world.phone}/appointments", json=OFFER)).json()["slots"]
    await client.post(
        f"/api/v1/sessions/{world.phone}/appointments/assign",
        json={"registration_id": b, "appointment_id": slots[0]["id"]},
    )
    staff_feed = _path((await client.post("/api/v1/me/feed")).json()["url"])
    before = (await client.get(staff_feed)).headers["etag"]
    await client.post("/api/v1/auth/sign-out")
    await client.post(
        f"/api/v1/my/{world.tokens[0]}/appointments/{world.phone}", json={"appointment_id": slots[2]["id"]}
    )

    # The trainer's feed: each call at its time, with the parent's first name; no group slot at 19:30.
    feed = await client.get(staff_feed)
    assert feed.headers["etag"] != before
    text = feed.text.replace("\r\n ", "")
    assert f"appointment-{slots[0]['id']}@groepsaanbod" in text
    assert f"appointment-{slots[2]['id']}@groepsaanbod" in text
    assert f"session-{world.phone}@groepsaanbod" not in text
    assert "DTSTART;TZID=Europe/Amsterdam:20270331T100000" in text
    assert "DTSTART;TZID=Europe/Amsterdam:20270331T110000" in text
    assert "Ouder" in text  # first names only
    # The parent's feed and download: only their own call.
    own_feed = _path((await client.post(f"/api/v1/my/{world.tokens[0]}/feed")).json()["url"])
    for body in (
        (await client.get(own_feed)).text,
        (await client.get(f"/api/v1/my/{world.tokens[0]}/calendar.ics")).text,
    ):
        assert "20270331T110000" in body
        assert "20270331T100000" not in body
        assert "20270330T193000" not in body  # the group's slot of the phone week
        assert "20270302T193000" in body  # the group meetings stay
    # Someone without a time has no call in their calendar yet.
    third = (await client.get(f"/api/v1/my/{world.tokens[2]}/calendar.ics")).text
    assert "20270331T" not in third
    assert "20270330T193000" not in third

    # The register: each parent with their time, in time order.
    await sign_in(client, world.coordinator)
    register = (await client.get(f"/api/v1/sessions/{world.phone}/register")).json()
    timed = [(line["participant_id"], line["appointment_at"]) for line in register["lines"]]
    assert [at for _, at in timed][:2] == ["2027-03-31T08:00:00Z", "2027-03-31T09:00:00Z"]
    assert timed[2][1] is None
    _ = a


async def test_centering_intake_times_fall_before_the_first_group_meeting(client, db):
    from groepsaanbod.cohorts.models import Cohort
    from groepsaanbod.programmes.models import ProgrammeTemplate
    from groepsaanbod.scheduling.models import Session
    from tests.integration.registration.helpers import published_programme

    org, pid = await published_programme(db, "centering-pregnancy", "centering-intake")
    template = await db.scalar(select(ProgrammeTemplate.id).where(ProgrammeTemplate.programme_id == pid))
    cohort = Cohort(programme_id=pid, template_id=template, name="September", language="nl", status="confirmed")
    db.add(cohort)
    await db.commit()
    cohort_id = cohort.id
    await sign_in(client, await make_staff(db, org, "coordinator"))
    planned = await client.post(
        f"/api/v1/cohorts/{cohort_id}/schedule", json={"weekday": 2, "start_time": "10:00", "due_date": "2027-09-01"}
    )
    assert planned.status_code == 200, planned.text
    meetings = list(await db.scalars(select(Session).where(Session.cohort_id == cohort_id).order_by(Session.number)))
    intake, first_group = meetings[0], meetings[1]
    url = f"/api/v1/sessions/{intake.id}/appointments"
    after = (first_group.local_start.date()).isoformat()
    refused = await client.post(url, json={"day": after, "start_time": "14:00"})
    assert refused.status_code == 422, refused.text
    before = intake.local_start.date().isoformat()
    offered = await client.post(url, json={"day": before, "start_time": "14:00", "count": 4})
    assert offered.status_code == 200, offered.text
    assert len(offered.json()["slots"]) == 4
    # The group meetings have no times of their own.
    assert (
        await client.post(
            f"/api/v1/sessions/{first_group.id}/appointments", json={"day": before, "start_time": "09:00"}
        )
    ).status_code == 422


async def test_a_parent_who_stops_frees_their_time(client, db):
    world = await phone_group(client, db)
    await sign_in(client, world.trainer)
    slots = (await client.post(f"/api/v1/sessions/{world.phone}/appointments", json=OFFER)).json()["slots"]
    await client.post("/api/v1/auth/sign-out")
    first = slots[0]["id"]
    await client.post(f"/api/v1/my/{world.tokens[0]}/appointments/{world.phone}", json={"appointment_id": first})
    assert (await client.post(f"/api/v1/my/{world.tokens[0]}/withdraw")).status_code == 200
    # The others see the time as free and can take it.
    free = (await client.get(f"/api/v1/my/{world.tokens[1]}/appointments")).json()[0]["free"]
    assert first in [s["id"] for s in free]
    taken = await client.post(
        f"/api/v1/my/{world.tokens[1]}/appointments/{world.phone}", json={"appointment_id": first}
    )
    assert taken.status_code == 200, taken.text
    assert (await _rows(db, world.phone))[0] == ("10:00", world.registrations[1])
    # Someone who stopped cannot choose again.
    again = await client.post(
        f"/api/v1/my/{world.tokens[0]}/appointments/{world.phone}", json={"appointment_id": slots[1]["id"]}
    )
    assert again.status_code == 404
