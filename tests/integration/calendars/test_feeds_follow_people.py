"""Feeds follow the people: a disabled staff member's feed, and a withdrawn or erased
participant's feed, answer 404; a person who loses their roles in one organisation loses
that organisation's meetings from their feed. Feeds answer HEAD with the GET's headers,
carry one charset, a proper X-PUBLISHED-TTL duration, titles that name the meeting (its
topic; "Cancelled: …" when cancelled) and the venue as LOCATION; all read back by two
independent parsers (vobject and icalendar's own)."""

from __future__ import annotations

from datetime import date

import icalendar
import vobject
from sqlalchemy import delete, select

from groepsaanbod.accounts.models import Role, Staff
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.organisations.models import Venue
from groepsaanbod.registration.models import Registration
from groepsaanbod.scheduling.models import Session
from tests.factories import make_organisation, make_staff, make_venue, sign_in
from tests.integration.privacy.traces import signed_up_token
from tests.integration.registration.helpers import published_programme

TOPIC_WEEK_1 = {
    "nl": "Positief opvoeden: waarom doet mijn kind wat het doet?",
    "tr": "Olumlu ebeveynlik: çocuğum neden böyle davranıyor?",
}


def _path(feed: dict) -> str:
    return "/" + feed["url"].split("/", 3)[3]


def vevents(body: bytes) -> list:
    calendar = vobject.readOne(body.decode())
    return list(calendar.vevent_list) if hasattr(calendar, "vevent_list") else []


async def _running_group(client, db, slug: str = "triple-feed", org=None):
    """A Triple P group of one parent (Turkish) with its 8 meetings at a venue, planned by a coordinator."""
    org, pid = await published_programme(db, "triple-p-group", slug, revision={"min_group_size": 1})
    token = await signed_up_token(client, db, slug, 1, language="tr", child_birth_date="2021-01-01")
    cohort = await db.scalar(select(Cohort).where(Cohort.programme_id == pid))
    venue = await db.scalar(select(Venue).where(Venue.organisation_id == org.id))
    coordinator = await make_staff(db, org, "coordinator")
    await sign_in(client, coordinator)
    planned = await client.post(
        f"/api/v1/cohorts/{cohort.id}/schedule",
        json={"weekday": 1, "start_time": "19:30", "start_date": "2027-03-02", "venue_id": venue.id},
    )
    assert planned.status_code == 200, planned.text
    return org, pid, cohort, venue, token, coordinator


async def test_feed_titles_location_ttl_charset_and_head(client, db):
    org, pid, cohort, venue, token, coordinator = await _running_group(client, db)
    feed = (await client.post(f"/api/v1/cohorts/{cohort.id}/feed", headers={"Accept-Language": "nl"})).json()
    sessions = (await client.get(f"/api/v1/cohorts/{cohort.id}/sessions")).json()
    assert (await client.post(f"/api/v1/sessions/{sessions[1]['id']}/cancel", json={"reason": "ziek"})).status_code in (
        200,
        204,
    )
    got = await client.get(_path(feed))
    assert got.status_code == 200
    assert got.headers["content-type"] == "text/calendar; charset=utf-8"

    # HEAD: the GET's headers, no body.
    head = await client.head(_path(feed))
    assert head.status_code == 200
    assert head.content == b""
    for name in ("content-type", "etag", "last-modified", "cache-control"):
        assert head.headers[name] == got.headers[name], name
    assert int(head.headers["content-length"]) == len(got.content)
    assert (await client.head(_path(feed), headers={"If-None-Match": got.headers["etag"]})).status_code == 304

    # Read back by icalendar's parser ...
    calendar = icalendar.Calendar.from_ical(got.content)
    assert calendar["X-PUBLISHED-TTL"].to_ical() in (b"PT1H", "PT1H")
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in got.content
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in got.content
    # ... and by vobject.
    parsed = sorted(vevents(got.content), key=lambda e: e.dtstart.value)
    assert len(parsed) == 8
    first, cancelled = parsed[0], parsed[1]
    assert first.summary.value == f"{TOPIC_WEEK_1['nl']} – {cohort.name}"
    assert "Triple P" in first.description.value
    assert first.location.value == f"{venue.name}, {venue.street}, {venue.postcode} {venue.city}"
    assert cancelled.status.value == "CANCELLED"
    title = gettext("nl", "Cancelled: %(title)s", title="")
    assert title.strip()
    assert title != "Cancelled: "
    assert cancelled.summary.value.startswith(title)
    # Triple P's phone calls (weeks 5 to 7) happen on the phone, not at the venue.
    phone_calls = [e for e in parsed if not hasattr(e, "location")]
    assert len(phone_calls) == 3

    # A venue's new address changes the feed, its tag, and so what the calendar app fetches.
    venue.street = "Kerkplein 9"
    await db.commit()
    changed = await client.get(_path(feed), headers={"If-None-Match": got.headers["etag"]})
    assert changed.status_code == 200
    assert changed.headers["etag"] != got.headers["etag"]
    assert sorted(vevents(changed.content), key=lambda e: e.dtstart.value)[0].location.value.startswith(
        f"{venue.name}, Kerkplein 9"
    )


async def test_participant_feed_is_in_her_language_and_ends_when_she_stops(client, db):
    org, pid, cohort, venue, token, coordinator = await _running_group(client, db, "triple-stop")
    await client.post("/api/v1/auth/sign-out")
    feed = (await client.post(f"/api/v1/my/{token}/feed")).json()
    got = await client.get(_path(feed))
    assert got.status_code == 200
    first = sorted(vevents(got.content), key=lambda e: e.dtstart.value)[0]
    assert first.summary.value.startswith(TOPIC_WEEK_1["tr"])
    assert (await client.post(f"/api/v1/my/{token}/withdraw")).status_code == 200
    assert (await client.get(_path(feed))).status_code == 404
    assert (await client.head(_path(feed))).status_code == 404


async def test_erased_participants_feed_is_gone(client, db):
    org, pid, cohort, venue, token, coordinator = await _running_group(client, db, "triple-erase")
    feed = (await client.post(f"/api/v1/my/{token}/feed")).json()
    assert (await client.get(_path(feed))).status_code == 200
    assert (await client.delete(f"/api/v1/my/{token}")).status_code == 204
    assert (await client.get(_path(feed))).status_code == 404
    assert await db.scalar(select(Registration.status)) == "withdrawn"


async def test_a_disabled_staff_members_feed_is_gone(client, db):
    org, pid, cohort, venue, token, coordinator = await _running_group(client, db, "triple-staff")
    trainer = await make_staff(db, org, "trainer")
    assert (
        await client.post(f"/api/v1/cohorts/{cohort.id}/facilitators", json={"staff_id": trainer.id, "role": "trainer"})
    ).status_code == 200
    client.cookies.clear()
    client.cookies.set("ga_csrf", "test-csrf-token")
    await sign_in(client, trainer)
    feed = (await client.post("/api/v1/me/feed")).json()
    assert len(vevents((await client.get(_path(feed))).content)) == 8
    trainer = await db.get(Staff, trainer.id)
    trainer.active = False
    await db.commit()
    assert (await client.get(_path(feed))).status_code == 404
    assert (await client.head(_path(feed))).status_code == 404


async def test_a_person_who_loses_one_organisations_roles_loses_its_meetings(client, db):
    """Roles in A and B; B takes its roles away (the account stays active): B's meetings
    leave the feed; with no role anywhere the feed is gone."""
    org_a, _, cohort_a, _, _, coordinator_a = await _running_group(client, db, "triple-a")
    org_b, pid_b = await published_programme(db, "triple-p-group", "triple-b", revision={"min_group_size": 1})
    await signed_up_token(client, db, "triple-b", 2, child_birth_date="2021-01-01")
    cohort_b = await db.scalar(select(Cohort).where(Cohort.programme_id == pid_b))
    trainer = await make_staff(db, org_a, "trainer")
    db.add(Role(staff_id=trainer.id, organisation_id=org_b.id, role="trainer"))
    await db.commit()
    assert (
        await client.post(
            f"/api/v1/cohorts/{cohort_a.id}/facilitators", json={"staff_id": trainer.id, "role": "trainer"}
        )
    ).status_code == 200
    client.cookies.clear()
    client.cookies.set("ga_csrf", "test-csrf-token")
    await sign_in(client, await make_staff(db, org_b, "coordinator"))
    assert (
        await client.post(
            f"/api/v1/cohorts/{cohort_b.id}/schedule",
            json={"weekday": 3, "start_time": "10:00", "start_date": "2027-03-04"},
        )
    ).status_code == 200
    assert (
        await client.post(
            f"/api/v1/cohorts/{cohort_b.id}/facilitators", json={"staff_id": trainer.id, "role": "trainer"}
        )
    ).status_code == 200
    client.cookies.clear()
    client.cookies.set("ga_csrf", "test-csrf-token")
    await sign_in(client, trainer)
    feed = (await client.post("/api/v1/me/feed")).json()
    both = await client.get(_path(feed))
    assert len(vevents(both.content)) == 16

    await db.execute(delete(Role).where(Role.staff_id == trainer.id, Role.organisation_id == org_b.id))
    await db.commit()
    only_a = await client.get(_path(feed), headers={"If-None-Match": both.headers["etag"]})
    assert only_a.status_code == 200
    assert only_a.headers["etag"] != both.headers["etag"]
    uids = {e.uid.value for e in vevents(only_a.content)}
    a_sessions = set(await db.scalars(select(Session.id).where(Session.cohort_id == cohort_a.id)))
    assert uids == {f"session-{i}@groepsaanbod" for i in a_sessions}

    await db.execute(delete(Role).where(Role.staff_id == trainer.id))
    await db.commit()
    assert (await client.get(_path(feed))).status_code == 404


async def test_csv_export_has_one_charset(client, db):
    org = await make_organisation(db, "CJG Export")
    await make_venue(db, org)
    await sign_in(client, await make_staff(db, org, "coordinator"))
    got = await client.get("/nl/staff/reports", params={"format": "csv", "start": "2026-01-01", "end": "2026-06-30"})
    assert got.status_code == 200, got.text[:300]
    assert got.headers["content-type"] == "text/csv; charset=utf-8"
    assert date(2026, 1, 1).isoformat() in got.headers["content-disposition"]


async def test_pages_and_metrics_have_one_charset_too(client):
    """Litestar adds the charset to text/ types itself; naming it in the type doubled it."""
    for path in ("/nl/privacy", "/metrics"):
        got = await client.get(path)
        assert got.status_code == 200, path
        assert got.headers["content-type"].count("charset") == 1, (path, got.headers["content-type"])
