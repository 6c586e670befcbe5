"""Kids & Koffie: a coordinator creates, extends, pauses and ends a drop-in series; volunteers
take meetings on the rota, withdraw and swap; the coordinator hears of a short rota days ahead,
once; the volunteer's own calendar follows the rota."""

from __future__ import annotations

from datetime import date, time, timedelta

import vobject
from sqlalchemy import func, select

from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.organisations.models import Venue, VenueOpening
from groepsaanbod.scheduling.models import SeriesPlan, Session, SessionStaff
from groepsaanbod.scheduling.services.rota import alert_short_rotas, keep_drop_ins
from groepsaanbod.scheduling.services.series import HORIZON, top_up_series
from tests.conftest import NOW
from tests.factories import make_organisation, make_staff, sign_in
from tests.integration.registration.helpers import published_programme

MONDAY = date(2026, 12, 7)


async def kids_en_koffie(client, db):
    org, pid = await published_programme(db, "kids-en-koffie", "kk-test", city="Sliedrecht")
    venue = await db.scalar(select(Venue).where(Venue.organisation_id == org.id))
    coordinator = await make_staff(db, org, "coordinator")
    volunteers = [await make_staff(db, org, "volunteer") for _ in range(3)]
    await sign_in(client, coordinator)
    return org, pid, venue, coordinator, volunteers


def series_body(venue, **extra):
    return {
        "name": "Inloop De Merwehoeve",
        "weekday": 0,
        "start_time": "09:30",
        "starts_on": MONDAY.isoformat(),
        "venue_id": venue.id,
        **extra,
    }


async def test_series_until_a_date_skips_holidays_and_can_be_extended_paused_and_ended(client, db):
    org, pid, venue, coordinator, _ = await kids_en_koffie(client, db)
    made = await client.post(f"/api/v1/programmes/{pid}/series", json=series_body(venue, ends_on="2027-01-31"))
    assert made.status_code == 201, made.text
    series = made.json()
    days = [date.fromisoformat(m["local_start"][:10]) for m in series["meetings"]]
    assert all(d.weekday() == 0 for d in days)
    assert all(m["local_start"][11:16] == "09:30" for m in series["meetings"])
    assert days[0] == MONDAY
    assert date(2026, 12, 28) in days  # no public holiday on that Monday
    assert days[-1] == date(2027, 1, 25)
    assert len(days) == 8

    longer = await client.post(f"/api/v1/series/{series['cohort_id']}/extend", json={"ends_on": "2027-04-30"})
    assert longer.status_code == 200, longer.text
    assert longer.json()["meetings"] == 12  # Easter Monday skipped
    after = (await client.get(f"/api/v1/series/{series['cohort_id']}")).json()
    days = [date.fromisoformat(m["local_start"][:10]) for m in after["meetings"]]
    assert date(2027, 3, 29) not in days  # Easter Monday
    assert days[-1] == date(2027, 4, 26)

    paused = await client.post(
        f"/api/v1/series/{series['cohort_id']}/pause",
        json={"starts_on": "2026-12-21", "ends_on": "2027-01-03", "reason": "Kerstvakantie"},
    )
    assert paused.status_code == 200, paused.text
    assert paused.json()["meetings"] == 2
    after = (await client.get(f"/api/v1/series/{series['cohort_id']}")).json()
    cancelled = {m["local_start"][:10] for m in after["meetings"] if m["status"] == "cancelled"}
    assert cancelled == {"2026-12-21", "2026-12-28"}

    ended = await client.post(f"/api/v1/series/{series['cohort_id']}/end", json={"last_day": "2027-02-28"})
    assert ended.status_code == 200, ended.text
    after = (await client.get(f"/api/v1/series/{series['cohort_id']}")).json()
    assert after["ended"] is True
    planned = [m["local_start"][:10] for m in after["meetings"] if m["status"] == "planned"]
    assert max(planned) == "2027-02-22"
    again = await client.post(f"/api/v1/series/{series['cohort_id']}/extend", json={"ends_on": None})
    assert again.status_code == 422


async def test_open_ended_series_is_planned_ahead_and_topped_up(client, db):
    org, pid, venue, *_ = await kids_en_koffie(client, db)
    made = (await client.post(f"/api/v1/programmes/{pid}/series", json=series_body(venue))).json()
    assert made["ends_on"] is None
    assert date.fromisoformat(made["planned_until"]) == MONDAY + HORIZON
    count = await db.scalar(select(func.count()).select_from(Session).where(Session.cohort_id == made["cohort_id"]))
    assert await top_up_series(db, NOW) == 0  # nothing due yet
    later = NOW + timedelta(weeks=4)
    added = await top_up_series(db, later)
    assert added == 3
    plan = await db.get(SeriesPlan, made["cohort_id"])
    await db.refresh(plan)
    assert plan.planned_until == later.date() + HORIZON
    total = await db.scalar(select(func.count()).select_from(Session).where(Session.cohort_id == made["cohort_id"]))
    assert total == count + 3


async def test_nonsense_is_refused_and_nothing_is_saved(client, db):
    org, pid, venue, *_ = await kids_en_koffie(client, db)
    db.add(VenueOpening(venue_id=venue.id, weekday=0, opens=time(9), closes=time(12)))
    await db.flush()
    cases = [
        ({"ends_on": "2026-12-01"}, "ends_on"),
        ({"weekday": 7}, "weekday"),
        ({"start_time": "25:00"}, "start_time"),
        ({"start_time": "11:00"}, "start_time"),  # ends 12:30, after closing
        ({"weekday": 2}, "start_time"),  # closed on Wednesdays
        ({"starts_on": "2026-11-02"}, "starts_on"),
        ({"starts_on": "2031-01-06"}, "starts_on"),
        ({"name": ""}, "name"),
    ]
    for extra, field in cases:
        refused = await client.post(
            f"/api/v1/programmes/{pid}/series", json=series_body(venue, **extra), headers={"Accept-Language": "nl"}
        )
        assert refused.status_code == 422, (extra, refused.text)
        assert field in refused.text, (extra, refused.text)
    assert await db.scalar(select(func.count()).select_from(SeriesPlan)) == 0
    triple_p_org, triple_p = await published_programme(db, "triple-p-group", "tp-test")
    other = await client.post(f"/api/v1/programmes/{triple_p}/series", json=series_body(venue))
    assert other.status_code == 404


async def test_another_organisation_gets_404_and_volunteers_cannot_manage(client, db):
    org, pid, venue, coordinator, volunteers = await kids_en_koffie(client, db)
    made = (await client.post(f"/api/v1/programmes/{pid}/series", json=series_body(venue))).json()
    meeting = made["meetings"][0]["id"]
    elsewhere = await make_organisation(db, "Elders", "Zwolle")
    outsider = await make_staff(db, elsewhere, "coordinator")
    outside_volunteer = await make_staff(db, elsewhere, "volunteer")
    await sign_in(client, outsider)
    assert (await client.get(f"/api/v1/series/{made['cohort_id']}")).status_code == 404
    assert (await client.post(f"/api/v1/series/{made['cohort_id']}/end", json={})).status_code == 404
    await sign_in(client, outside_volunteer)
    assert (await client.post(f"/api/v1/me/rota/{meeting}/take")).status_code == 404
    assert (await client.get("/api/v1/me/rota")).json()["meetings"] == []
    await sign_in(client, volunteers[0])
    assert (await client.post(f"/api/v1/series/{made['cohort_id']}/end", json={})).status_code in (401, 403)


def feed_events(body: bytes) -> list:
    return [c for c in vobject.readOne(body.decode()).getChildren() if c.name == "VEVENT"]


async def test_rota_take_withdraw_swap_feed_and_alert_once(client, db):
    org, pid, venue, coordinator, volunteers = await kids_en_koffie(client, db)
    made = (await client.post(f"/api/v1/programmes/{pid}/series", json=series_body(venue))).json()
    first, second = made["meetings"][0]["id"], made["meetings"][1]["id"]
    riet, hanneke, _ = volunteers

    await sign_in(client, riet)
    rota = (await client.get("/api/v1/me/rota")).json()
    assert rota["meetings"][0]["session_id"] == first
    assert rota["meetings"][0]["needed"] == 3
    assert (await client.post(f"/api/v1/me/rota/{first}/take")).status_code == 200
    assert (await client.post(f"/api/v1/me/rota/{second}/take")).status_code == 200
    assert (await client.post(f"/api/v1/me/rota/{first}/take")).status_code == 200  # twice is once
    links = list(await db.scalars(select(SessionStaff).where(SessionStaff.staff_id == riet.id)))
    assert {(link.session_id, link.role) for link in links} == {(first, "volunteer"), (second, "volunteer")}

    feed = (await client.post("/api/v1/me/feed")).json()
    path = "/" + feed["url"].split("/", 3)[3]
    events = feed_events((await client.get(path)).content)
    assert len(events) == 2
    assert "Merwehoeve" in "".join(e.location.value for e in events) or all(e.location for e in events)

    assert (await client.post(f"/api/v1/me/rota/{second}/withdraw")).status_code == 200
    assert len(feed_events((await client.get(path)).content)) == 1

    # Riet asks Hanneke to take the first meeting; Hanneke accepts.
    asked = await client.post(f"/api/v1/me/rota/{first}/swap", json={"to_staff_id": hanneke.id})
    assert asked.status_code == 200, asked.text
    swap = asked.json()
    told = await db.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == f"rota_swap:{swap['id']}"))
    assert told is not None
    assert (await client.post(f"/api/v1/me/rota/swaps/{swap['id']}", json={"accept": True})).status_code == 404
    await sign_in(client, hanneke)
    assert (await client.get("/api/v1/me/rota")).json()["asked_of_me"][0]["id"] == swap["id"]
    answered = await client.post(f"/api/v1/me/rota/swaps/{swap['id']}", json={"accept": True})
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "accepted"
    again = await client.post(f"/api/v1/me/rota/swaps/{swap['id']}", json={"accept": False})
    assert again.status_code == 422
    on_first = set(await db.scalars(select(SessionStaff.staff_id).where(SessionStaff.session_id == first)))
    assert on_first == {hanneke.id}
    assert feed_events((await client.get(path)).content) == []  # gone from Riet's calendar

    # Too few volunteers: nothing 6 days ahead, the coordinator told 5 days ahead, once.
    meeting = await db.get(Session, first)
    before = meeting.starts_at - timedelta(days=6)
    assert await alert_short_rotas(db, before) == 0
    due = meeting.starts_at - timedelta(days=5)
    assert await alert_short_rotas(db, due) == 1
    assert await alert_short_rotas(db, due + timedelta(hours=1)) == 0
    alert = await db.scalar(
        select(OutboxMessage).where(OutboxMessage.dedupe_key == f"rota_short:{first}:{coordinator.id}")
    )
    assert alert is not None


async def test_the_workers_round_tops_up_and_alerts(client, db, session_factory):
    org, pid, venue, coordinator, _ = await kids_en_koffie(client, db)
    made = (await client.post(f"/api/v1/programmes/{pid}/series", json=series_body(venue))).json()
    before = await db.scalar(select(func.count()).select_from(Session).where(Session.cohort_id == made["cohort_id"]))
    later = NOW + timedelta(weeks=4, days=2)  # the meeting of 4 January is 5 days away, nobody on it
    await keep_drop_ins(session_factory, later)
    after = await db.scalar(select(func.count()).select_from(Session).where(Session.cohort_id == made["cohort_id"]))
    assert after == before + 3
    told = await db.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.dedupe_key.like("rota_short:%"))
    )
    assert told == 1
