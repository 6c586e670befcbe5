"""Calendar feeds, read back by a second, independent parser (vobject)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import vobject
from sqlalchemy import select

from groepsaanbod.cohorts.models import Cohort, SchoolClass
from groepsaanbod.scheduling.models import Session
from tests.factories import make_staff, sign_in
from tests.integration.registration.helpers import person, published_programme, sign_up
from tests.integration.scheduling.test_planning import think_class

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def events(body: bytes) -> list:
    calendar = vobject.readOne(body.decode())
    return list(calendar.vevent_list) if hasattr(calendar, "vevent_list") else []


async def test_mentor_feed_304_then_cancellation_shows(client, db):
    org, pid, cohort, coordinator, guest = await think_class(client, db)
    school_class = await db.get(SchoolClass, cohort.school_class_id)
    await client.post(
        f"/api/v1/cohorts/{cohort.id}/schedule", json={"weekday": 3, "start_time": "10:00", "start_date": "2026-10-15"}
    )
    await client.post(
        f"/api/v1/cohorts/{cohort.id}/facilitators", json={"staff_id": school_class.mentor_id, "role": "mentor"}
    )
    # The coordinator makes the cohort feed; the mentor's own feed comes from the mentor.
    cohort_feed = (await client.post(f"/api/v1/cohorts/{cohort.id}/feed")).json()
    assert cohort_feed["webcal"].startswith("webcal://")
    assert cohort_feed["url"].endswith(".ics")
    path = "/" + cohort_feed["url"].split("/", 3)[3]

    first = await client.get(path)
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("text/calendar")
    parsed = events(first.content)
    assert len(parsed) == 10
    # Wall-clock 10:00 in Amsterdam on both sides of the end of summer time (25 October 2026).
    starts = [e.dtstart.value.astimezone(AMSTERDAM) for e in parsed]
    assert {s.hour for s in starts} == {10}
    assert any(s < datetime(2026, 10, 25, tzinfo=AMSTERDAM) for s in starts)
    assert any(s > datetime(2026, 10, 26, tzinfo=AMSTERDAM) for s in starts)
    assert b"BEGIN:VTIMEZONE" in first.content
    assert b"TZID:Europe/Amsterdam" in first.content
    uids = {e.uid.value for e in parsed}

    again = await client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    by_date = await client.get(path, headers={"If-Modified-Since": first.headers["last-modified"]})
    assert by_date.status_code == 304

    lesson_id = (await client.get(f"/api/v1/cohorts/{cohort.id}/sessions")).json()[0]["id"]
    await client.post(f"/api/v1/sessions/{lesson_id}/absence", json={"staff_id": school_class.mentor_id})
    changed = await client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert changed.status_code == 200
    after = events(changed.content)
    assert {e.uid.value for e in after} == uids  # stable UIDs; the cancelled lesson stays
    cancelled = [e for e in after if e.status.value == "CANCELLED"]
    assert len(cancelled) == 1
    before_sequence = next(int(e.sequence.value) for e in parsed if e.uid.value == cancelled[0].uid.value)
    assert int(cancelled[0].sequence.value) > before_sequence

    # The mentor's own feed has the same lessons.
    await client.post("/api/v1/auth/sign-out")
    from groepsaanbod.accounts.models import Staff
    from groepsaanbod.accounts.services.staff import NewStaff  # noqa: F401

    mentor = await db.get(Staff, school_class.mentor_id)
    from groepsaanbod.accounts.passwords import hash_new_password
    from tests.factories import PASSWORD

    mentor.password_hash = await hash_new_password(PASSWORD)
    await db.commit()
    await sign_in(client, mentor)
    mine = (await client.post("/api/v1/me/feed", headers={"Accept-Language": "ar"})).json()
    mine_path = "/" + mine["url"].split("/", 3)[3]
    assert len(events((await client.get(mine_path)).content)) == 10
    # A new link stops the old one; a stopped link reveals nothing.
    newer = (await client.post("/api/v1/me/feed")).json()
    assert (await client.get(mine_path)).status_code == 404
    assert (await client.get("/" + newer["url"].split("/", 3)[3])).status_code == 200
    assert (await client.delete("/api/v1/me/feed")).status_code == 204
    assert (await client.get("/" + newer["url"].split("/", 3)[3])).status_code == 404
    assert (await client.get("/feeds/not-a-token.ics")).status_code == 404


async def test_participant_downloads_and_subscribes_in_their_language(client, db):
    org, pid = await published_programme(db, "triple-p-group", "triple-test", revision={"min_group_size": 1})
    registered = await sign_up(client, db, "triple-test", person(1, language="tr", child_birth_date="2021-01-01"))
    assert registered["status"] == "confirmed"
    cohort = await db.scalar(select(Cohort).where(Cohort.programme_id == pid))
    await sign_in(client, await make_staff(db, org, "coordinator"))
    await client.post(
        f"/api/v1/cohorts/{cohort.id}/schedule", json={"weekday": 1, "start_time": "19:30", "start_date": "2027-03-02"}
    )
    await client.post("/api/v1/auth/sign-out")
    token = registered["token"]
    download = await client.get(f"/api/v1/my/{token}/calendar.ics")
    assert download.status_code == 200
    assert "attachment" in download.headers["content-disposition"]
    parsed = events(download.content)
    assert len(parsed) == 8  # Triple P: 5 group meetings and 3 phone calls
    assert all(e.dtstart.value.astimezone(AMSTERDAM).hour == 19 for e in parsed), [e.dtstart.value for e in parsed]
    assert "Triple P" in parsed[0].description.value  # the title is the topic, with the group
    one = (await client.get(f"/api/v1/my/{token}/calendar.ics", params={"sessionId": 999_999})).status_code
    assert one == 404
    first = await db.scalar(select(Session.id).where(Session.cohort_id == cohort.id).order_by(Session.starts_at))
    for key in ("sessionId", "session_id"):  # session_id: the name of API 1.0, still read (links in old messages)
        single = await client.get(f"/api/v1/my/{token}/calendar.ics", params={key: first})
        assert len(events(single.content)) == 1, key
    feed = (await client.post(f"/api/v1/my/{token}/feed")).json()
    assert len(events((await client.get("/" + feed["url"].split("/", 3)[3])).content)) == 8


async def test_calendar_pages(client, db):
    org, pid, cohort, coordinator, guest = await think_class(client, db)
    page = await client.post(f"/nl/staff/cohorts/{cohort.id}/feed")
    assert page.status_code == 200
    assert "webcal://" in page.text
    assert "<svg" in page.text
    url = page.text.split('id="feed-url" value="')[1].split('"')[0]
    assert (await client.get("/" + url.split("/", 3)[3])).status_code == 200
    agenda_feed = await client.post("/nl/staff/agenda/feed")
    assert agenda_feed.status_code == 200
    assert "/feeds/" in agenda_feed.text
