"""Bounded input (issue 14, item 2): every id, date, time and text has a range the domain
allows, checked where it enters, refused in the person's language with a 4xx, never a 500;
and what older rows already hold still renders. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.organisations.models import VenueClosure
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.scheduling.models import Session
from tests.factories import make_organisation, make_staff, sign_in
from tests.integration.registration.helpers import person, published_programme
from tests.integration.scheduling.test_changes import drop_in_with_volunteers

BIG = 2**40
EN = {"Accept-Language": "en"}


def fields(response) -> dict[str, str]:
    return {e["field"]: e["detail"] for e in response.json().get("errors", [])}


async def coordinator_with_meetings(client, db):
    org, pid, cohort, coordinator, people, venue = await drop_in_with_volunteers(client, db)
    sessions = (await client.get(f"/api/v1/cohorts/{cohort.id}/sessions")).json()
    return org, pid, cohort, venue, sessions


# Dates and times


@pytest.mark.parametrize("moment", ["9999-12-31T23:30:00", "0001-01-01T00:30:00", "2029-01-01T10:00:00"])
async def test_a_meeting_cannot_move_beyond_two_years_and_keeps_its_time(client, db, moment):
    _, _, cohort, _, sessions = await coordinator_with_meetings(client, db)
    first = sessions[0]
    sequence = (await db.get(Session, first["id"])).sequence
    moved = await client.post(f"/api/v1/sessions/{first['id']}/reschedule", json={"local_start": moment}, headers=EN)
    assert moved.status_code == 422, moved.text
    assert fields(moved) == {"local_start": "Choose a date from Nov 30, 2024 to Nov 30, 2028."}
    row = await db.get(Session, first["id"], populate_existing=True)
    assert row.local_start.isoformat() == first["local_start"]
    assert row.sequence == sequence
    assert await db.scalar(select(func.count()).where(OutboxMessage.kind == "session_moved")) == 0


async def test_the_schedule_page_refuses_a_far_move_in_the_persons_language(client, db):
    _, _, cohort, _, sessions = await coordinator_with_meetings(client, db)
    first = sessions[0]
    page = await client.post(
        f"/en/staff/cohorts/{cohort.id}/sessions/{first['id']}",
        data={"action": "move", "local_start": "9999-12-31T23:30"},
    )
    assert page.status_code == 400
    assert "Choose a date from Nov 30, 2024 to Nov 30, 2028." in page.text
    row = await db.get(Session, first["id"], populate_existing=True)
    assert row.local_start.isoformat() == first["local_start"]


@pytest.mark.parametrize(("year", "utc"), [(9999, datetime(9999, 12, 31, 22, 30, tzinfo=UTC)), (1, None)])
async def test_a_meeting_stored_at_the_edge_of_time_still_renders(client, db, year, utc):
    """Rows from before the bounds: the pages, the API and the feed must still answer."""
    _, pid, cohort, venue, sessions = await coordinator_with_meetings(client, db)
    feed = (await client.post(f"/api/v1/cohorts/{cohort.id}/feed")).json()["url"]
    row = await db.get(Session, sessions[0]["id"])
    row.local_start = datetime(year, 12, 31, 23, 30) if year == 9999 else datetime(1, 1, 1, 0, 30)
    row.starts_at = utc or datetime(1, 1, 1, 0, 30, tzinfo=UTC)
    await db.commit()
    for url in (
        f"/api/v1/cohorts/{cohort.id}/sessions",
        f"/en/staff/cohorts/{cohort.id}/schedule",
        f"/api/v1/sessions/{row.id}/register",
        f"/en/staff/sessions/{row.id}/register",
        f"/api/v1/programmes/{pid}/conflicts",
        f"/en/staff/programmes/{pid}/conflicts",
        f"/api/v1/sessions/{row.id}/proposals",
        "/feeds/" + feed.rsplit("/feeds/", 1)[1],
    ):
        answer = await client.get(url)
        assert answer.status_code == 200, (url, answer.status_code, answer.text[:300])


async def test_plan_dates_are_bounded(client, db):
    _, _, cohort, venue, _ = await coordinator_with_meetings(client, db)
    plan = {"weekday": 0, "start_time": "09:30", "start_date": "9999-03-22", "end_date": "9999-12-31"}
    answer = await client.post(f"/api/v1/cohorts/{cohort.id}/schedule", json=plan | {"venue_id": venue}, headers=EN)
    assert answer.status_code == 422
    assert set(fields(answer)) == {"start_date", "end_date"}
    for bad_time in ("24:00", "09:30+05:00", "9:5:1", "x" * 10_000):
        answer = await client.post(
            f"/api/v1/cohorts/{cohort.id}/schedule",
            json={"weekday": 0, "start_time": bad_time, "start_date": "2027-03-22", "end_date": "2027-05-31"},
            headers=EN,
        )
        assert answer.status_code == 422, bad_time
        assert "start_time" in fields(answer), bad_time


async def test_a_venue_week_outside_the_window_is_refused(client, db):
    _, _, _, venue, _ = await coordinator_with_meetings(client, db)
    for monday in ("9999-12-27", "0001-01-01"):
        answer = await client.get(f"/api/v1/venues/{venue}/week?monday={monday}", headers=EN)
        assert answer.status_code == 422
        assert set(fields(answer)) == {"monday"}
        page = await client.get(f"/en/staff/venues/{venue}/week?monday={monday}")
        assert page.status_code == 400
        assert "Choose a date from" in page.text


async def test_venue_closures_from_year_1_to_9999_are_refused_and_nothing_is_saved(client, db):
    _, _, _, venue, _ = await coordinator_with_meetings(client, db)
    closure = {"starts_at": "0001-01-01T00:00:00", "ends_at": "9999-12-31T00:00:00", "reason": "verbouwing"}
    answer = await client.post(f"/api/v1/venues/{venue}/closures", json=closure, headers=EN)
    assert answer.status_code == 422
    assert set(fields(answer)) == {"starts_at", "ends_at"}
    page = await client.post(
        f"/en/staff/venues/{venue}/closures",
        data={"closed_from": "0001-01-01T00:00", "closed_until": "9999-12-31T00:00", "reason": "x"},
    )
    assert page.status_code in (303, 400)
    assert page.status_code < 500
    assert await db.scalar(select(func.count()).select_from(VenueClosure)) == 0


@pytest.mark.parametrize("audience", ["provider", "municipality"])
async def test_report_periods_are_bounded_and_a_reversed_one_says_so(client, db, audience):
    org = await make_organisation(db, city="Eindhoven")
    await sign_in(client, await make_staff(db, org, "cjg_staff", "coordinator"))
    api = f"/api/v1/organisations/{org.id}/report" if audience == "provider" else "/api/v1/reports/municipality"
    page = "/en/staff/reports" if audience == "provider" else "/en/staff/reports/municipality"
    huge = await client.get(f"{api}?start=0001-01-01&end=9999-12-31", headers=EN)
    assert huge.status_code == 422, huge.text
    assert set(fields(huge)) == {"start", "end"}, huge.text
    reversed_ = await client.get(f"{api}?start=2026-12-01&end=2026-01-01", headers=EN)
    assert reversed_.status_code == 422
    assert fields(reversed_) == {"end": "The start must be on or before the end."}
    shown = await client.get(f"{page}?start=2026-12-01&end=2026-01-01")
    assert shown.status_code == 400
    assert "The start must be on or before the end." in shown.text
    assert "<table" not in shown.text  # no report of zeros
    huge_page = await client.get(f"{page}?start=0001-01-01&end=9999-12-31&format=xlsx")
    assert huge_page.status_code == 400
    assert "Choose a date from" in huge_page.text


# Ids


def _id_cases(ids: dict[str, int]) -> list[tuple[str, str, dict | None, str]]:
    """(method, url, JSON body, the field the refusal must name)."""
    c, s, v, p, o = ids["cohort"], ids["session"], ids["venue"], ids["programme"], ids["organisation"]
    return [
        ("GET", f"/api/v1/organisations/{o}/report?programme_id={BIG}", None, "programme_id"),
        ("GET", f"/api/v1/organisations/{o}/report?cohort_id={BIG}", None, "cohort_id"),
        ("GET", f"/api/v1/organisations/{o}/report?cohort_id=0", None, "cohort_id"),
        ("GET", f"/api/v1/programmes/{p}/template?version={BIG}", None, "version"),
        ("POST", f"/api/v1/cohorts/{c}/facilitators", {"staff_id": BIG, "role": "volunteer"}, "staff_id"),
        ("POST", f"/api/v1/sessions/{s}/staff", {"staff_id": BIG, "role": "volunteer"}, "staff_id"),
        (
            "POST",
            f"/api/v1/sessions/{s}/staff",
            {"staff_id": 1, "role": "volunteer", "replace_staff_id": -1},
            "replace_staff_id",
        ),
        ("POST", f"/api/v1/cohorts/{c}/members", {"registration_id": BIG}, "registration_id"),
        ("POST", f"/api/v1/cohorts/{c}/merge", {"other_cohort_id": BIG}, "other_cohort_id"),
        (
            "POST",
            "/api/v1/programmes",
            {"organisation_id": BIG, "template_key": "triple-p-group", "slug": "x-y"},
            "organisation_id",
        ),
        ("PATCH", f"/api/v1/programmes/{p}", {"venue_ids": [v, BIG]}, "venue_ids[1]"),
        (
            "POST",
            f"/api/v1/cohorts/{c}/schedule",
            {
                "weekday": 0,
                "start_time": "09:30",
                "start_date": "2027-03-22",
                "end_date": "2027-05-31",
                "venue_id": BIG,
            },
            "venue_id",
        ),
        (
            "POST",
            f"/api/v1/sessions/{s}/head-count",
            {"adults": 1, "children": 1, "volunteer_ids": [BIG]},
            "volunteer_ids[0]",
        ),
        ("POST", f"/api/v1/sessions/{s}/head-count", {"adults": BIG, "children": 1}, "adults"),
        (
            "POST",
            f"/api/v1/sessions/{s}/head-count",
            {"adults": 1, "children": 1, "checked_in": [BIG]},
            "checked_in[0]",
        ),
        (
            "POST",
            f"/api/v1/sessions/{s}/register",
            {"marks": [{"participant_id": BIG, "present": True}]},
            "marks[0].participant_id",
        ),
        ("POST", f"/api/v1/sessions/{s}/absence", {"staff_id": BIG}, "staff_id"),
        ("POST", "/api/v1/me/availability", {"staff_id": BIG, "hours": []}, "staff_id"),
        (
            "POST",
            f"/api/v1/programmes/{p}/guest-teacher-plan",
            {"teachers": [{"staff_id": BIG, "topics": ["x"], "weekdays": [0]}]},
            "teachers[0].staff_id",
        ),
        (
            "POST",
            "/api/v1/venues",
            {"organisation_id": BIG, "name": "a", "street": "b", "postcode": "1234 AB", "city": "c", "capacity": 5},
            "organisation_id",
        ),
    ]


async def test_ids_beyond_what_the_database_holds_are_refused_naming_the_field(client, db):
    """One request after another on the same database session: a PostgreSQL error in one
    would break the next, so every answer must come before the database is asked."""
    org, pid, cohort, venue, sessions = await coordinator_with_meetings(client, db)
    ids = {"cohort": cohort.id, "session": sessions[0]["id"], "venue": venue, "programme": pid, "organisation": org.id}
    for method, url, body, field in _id_cases(ids):
        answer = await client.request(method, url, json=body, headers=EN)
        assert answer.status_code == 422, (url, body, answer.status_code, answer.text[:300])
        assert field in fields(answer), (url, body, answer.text)
    assert (await client.get(f"/api/v1/cohorts/{cohort.id}/sessions")).status_code == 200


async def test_huge_ids_in_page_forms_and_queries_do_not_break(client, db):
    org, pid, cohort, venue, sessions = await coordinator_with_meetings(client, db)
    pages = [
        ("GET", f"/en/staff/reports?programme_id={BIG}", None),
        ("POST", f"/en/staff/cohorts/{cohort.id}/facilitators", {"staff_role": f"{BIG}:volunteer"}),
        (
            "POST",
            f"/en/staff/cohorts/{cohort.id}/sessions/{sessions[0]['id']}",
            {"action": "assign", "staff_role": f"{BIG}:volunteer"},
        ),
        (
            "POST",
            "/en/staff/venues",
            {
                "organisation_id": str(BIG),
                "name": "a",
                "street": "b",
                "postcode": "1234 AB",
                "city": "c",
                "capacity": "5",
            },
        ),
        # "²" is a digit to str.isdigit(), but int() refuses it.
        ("POST", "/en/staff/agenda/hours", {"organisation_id": "\u00b2", "hours-weekday": "0"}),
        ("POST", "/en/staff/agenda/hours", {"organisation_id": str(BIG)}),
    ]
    for method, url, form in pages:
        answer = await client.request(method, url, data=form)
        assert 300 <= answer.status_code < 500, (url, answer.status_code)
    assert (await client.get(pages[1][1].removesuffix("/facilitators") + "/schedule")).status_code == 200


async def test_a_malformed_date_or_body_is_refused_in_the_persons_language(client, db):
    """The decoder's own refusals (msgspec, in English) reach the person in their language."""
    from groepsaanbod.i18n.translations import gettext

    _, _, _, _, sessions = await coordinator_with_meetings(client, db)
    url = f"/api/v1/sessions/{sessions[0]['id']}/reschedule"
    for moment in ("9999-12-31T25:99:00", "morgen"):
        answer = await client.post(url, json={"local_start": moment}, headers={"Accept-Language": "nl"})
        assert answer.status_code == 400
        assert fields(answer) == {
            "local_start": gettext("nl", "Give a date and time, for example 2027-03-15T10:00:00.")
        }
    missing = await client.post(url, json={}, headers={"Accept-Language": "tr"})
    assert missing.status_code == 400
    assert fields(missing) == {"local_start": "Bu alan zorunludur."}
    broken = await client.post(url, content=b"{bad", headers={"content-type": "application/json"} | EN)
    assert broken.status_code == 400
    assert "not valid JSON" in broken.json()["detail"]


# JSON shape


@pytest.mark.parametrize("shape", ["array", "object", "field"])
async def test_json_nested_100000_deep_is_a_400_with_a_message(client, db, shape):
    _, pid, cohort, _, _ = await coordinator_with_meetings(client, db)
    deep = {
        "array": "[" * 100_000 + "]" * 100_000,
        # 40,000 deep keeps the body under the API's 256 kB, so depth is what refuses it
        # (100,000 deep is a 413 for its size: tests/integration/protection/test_body_size.py).
        "object": '{"a":' * 40_000 + "1" + "}" * 40_000,
        "field": '{"rules":' + '{"a":' * 40 + "1" + "}" * 40 + "}",
    }[shape]
    url = f"/api/v1/programmes/{pid}/template" if shape == "field" else f"/api/v1/cohorts/{cohort.id}/facilitators"
    method = "PATCH" if shape == "field" else "POST"
    answer = await client.request(method, url, content=deep, headers=EN | {"content-type": "application/json"})
    assert answer.status_code == 400, answer.text[:300]
    assert "at most 32 levels" in answer.text


# Second factor


@pytest.mark.parametrize("secret", ["", "not base32!", "A" * 10_000, "\x00"])
async def test_second_factor_form_with_an_empty_or_malformed_secret_is_refused(client, db, secret):
    org = await make_organisation(db)
    admin = await make_staff(db, org, "admin")
    admin.totp_secret = None
    await db.commit()
    await client.post("/en/staff/sign-in", data={"email": admin.email, "password": "a long enough test password"})
    answer = await client.post("/en/staff/second-factor", data={"secret": secret, "code": "123456", "next": ""})
    assert 400 <= answer.status_code < 500, answer.status_code
    assert (await db.get(type(admin), admin.id, populate_existing=True)).totp_secret is None


# Text


async def _register(client, db, **changes):
    if await db.scalar(select(func.count()).where(Registration.id > 0)) is None:
        pass
    return await client.post(
        "/api/v1/catalogue/tp-bounds/registrations",
        json=person(1, child_birth_date="2024-01-01", **changes),
        headers=EN,
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"full_name": "Eva\x00C"}, "full_name", "invisible"),
        ({"full_name": "E" * 10_000}, "full_name", "Use at most 200 characters."),
        ({"full_name": "Eva \u202eevil"}, "full_name", "invisible"),
        ({"full_name": "Eva\r\nBcc: attacker@example.org"}, "full_name", "one line"),
        ({"email": "eva@example.org\r\nBcc: attacker@example.org"}, "email", "one line"),
        ({"place": "p" * 10_000}, "place", "Use at most 120 characters."),
        ({"postcode": "1234\x00AB"}, "postcode", "invisible"),
        ({"phone": "\x00" * 100}, "phone", "invisible"),
        ({"part_of_day": "x" * 10_000}, "part_of_day", "Choose a part of the day from the list."),
    ],
)
async def test_hostile_text_in_a_sign_up_is_refused_and_nothing_is_stored(client, db, changes, field, message):
    await published_programme(db, "triple-p-group", "tp-bounds")
    answer = await _register(client, db, **changes)
    assert answer.status_code == 422, answer.text[:300]
    assert message in fields(answer)[field], answer.text[:300]
    assert await db.scalar(select(func.count()).select_from(Participant)) == 0


async def test_a_10000_character_language_is_not_echoed_back(client, db):
    await published_programme(db, "triple-p-group", "tp-bounds")
    answer = await _register(client, db, language="x" * 10_000)
    assert answer.status_code == 422
    assert len(answer.content) < 2_000
    assert fields(answer)["language"] == "Choose a language from the list."


async def test_the_sign_up_page_refuses_a_nul_and_a_long_name_in_the_persons_language(client, db):
    await published_programme(db, "triple-p-group", "tp-bounds")
    form = {k: str(v) for k, v in person(1, child_birth_date="2024-01-01").items()} | {"consent": "1"}
    for name, words in (("Eva\x00C", "invisible"), ("E" * 10_000, "Use at most 200 characters.")):
        page = await client.post("/en/programmes/tp-bounds/register", data=form | {"full_name": name})
        assert page.status_code == 400, page.text[:500]
        assert words in page.text, page.text[:500]
    assert await db.scalar(select(func.count()).select_from(Participant)) == 0


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/sessions/{s}/cancel", {"reason": "ziek\x00"}, "reason"),
        ("/api/v1/sessions/{s}/cancel", {"reason": "x" * 10_000}, "reason"),
        ("/api/v1/sessions/{s}/cancel", {"reason": "ziek\r\nBcc: a@example.org"}, "reason"),
        (
            "/api/v1/venues/{v}/closures",
            {"starts_at": "2027-04-05T00:00:00", "ends_at": "2027-04-06T00:00:00", "reason": "x" * 10_000},
            "reason",
        ),
        ("/api/v1/sessions/{s}/head-count", {"adults": 1, "children": 1, "theme": "x" * 10_000}, "theme"),
        ("/api/v1/sessions/{s}/head-count", {"adults": 1, "children": 1, "speaker": "Eva\u202e"}, "speaker"),
        (
            "/api/v1/venues",
            {
                "organisation_id": 0,
                "name": "Buurthuis\r\nX",
                "street": "b",
                "postcode": "1234 AB",
                "city": "c",
                "capacity": 5,
            },
            "name",
        ),
        (
            "/api/v1/programmes/{p}/guest-teacher-plan",
            {"teachers": [{"staff_id": 1, "topics": ["x\n" * 5000], "weekdays": [0]}]},
            "teachers[0].topics[0]",
        ),
    ],
)
async def test_hostile_text_in_staff_requests_is_refused_naming_the_field(client, db, url, body, field):
    org, pid, cohort, venue, sessions = await coordinator_with_meetings(client, db)
    if body.get("organisation_id") == 0:
        body = body | {"organisation_id": org.id}
    answer = await client.post(url.format(s=sessions[0]["id"], v=venue, p=pid), json=body, headers=EN)
    assert answer.status_code == 422, answer.text[:300]
    assert field in fields(answer), answer.text[:300]
    row = await db.get(Session, sessions[0]["id"], populate_existing=True)
    assert row.status == "planned"
    assert await db.scalar(select(func.count()).select_from(VenueClosure)) == 0


async def test_nul_in_a_query_is_refused(client, db):
    org = await make_organisation(db, city="Eindhoven")
    await sign_in(client, await make_staff(db, org, "cjg_staff"))
    for url in ("/api/v1/catalogue?place=%00x&lang=nl", "/api/v1/reports/municipality?place=%00"):
        answer = await client.get(url, headers=EN)
        assert answer.status_code == 422, (url, answer.text[:300])
    page = await client.get("/en/?place=%00")
    assert page.status_code == 400
    # Digits the route does not read as a number are no number (a client's cache-buster).
    assert (await client.get("/api/v1/catalogue?_=1733220000000")).status_code == 200


# Names shown to staff


async def test_a_stored_bidi_override_cannot_reverse_what_staff_read(client, db):
    """A name stored before the bounds: shown isolated, and without the override."""
    org, pid = await published_programme(db, "triple-p-group", "tp-bidi")
    await sign_in(client, await make_staff(db, org, "coordinator"))
    ok = await client.post("/api/v1/catalogue/tp-bidi/registrations", json=person(1, child_birth_date="2024-01-01"))
    assert ok.status_code < 300, ok.text
    participant = await db.scalar(select(Participant))
    participant.full_name = "Eva \u202eevil"
    await db.commit()
    page = await client.get(f"/en/staff/programmes/{pid}/registrations")
    assert page.status_code == 200
    assert "\u202e" not in page.text
    assert "<bdi>Eva evil</bdi>" in page.text
