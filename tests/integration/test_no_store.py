"""Nothing personal is kept in a cache: every answer but a static file and the open data's
successful answers (the public offer) says `Cache-Control: no-store`.

Walks the app's own route list (as test_route_protection.py does), signed in as staff of an
organisation with a participant, with real ids and secrets in the paths, so the staff pages,
the staff API, the participant's private page, their data export and calendar files all answer
with their data; and again signed out. A new route cannot be forgotten.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.programmes.models import ProgrammeTemplate
from tests.factories import make_staff, sign_in
from tests.integration.registration.helpers import person, published_programme, sign_up
from tests.integration.test_route_protection import handlers

UNSAFE_LAST = {"GET": 0, "HEAD": 0, "POST": 1, "PUT": 1, "PATCH": 1, "DELETE": 2}


def concrete(path: str, ids: dict[str, str]) -> str:
    path = re.sub(r"\{[a-z_]+:path\}", "site.css", path.replace("{lang:str}", "nl"))
    path = re.sub(r"\{([a-z_]+):int\}", lambda m: ids.get(m.group(1), "1"), path)
    return re.sub(r"\{([a-z_]+):str\}", lambda m: ids.get(m.group(1), "x"), path)


async def _world(client, db) -> dict[str, str]:
    org, pid = await published_programme(db, "triple-p-group", "nostore-test", revision={"min_group_size": 1})
    mine = await sign_up(client, db, "nostore-test", person(1, child_birth_date="2021-01-01"))
    cohort = await db.scalar(select(Cohort).where(Cohort.programme_id == pid))
    template = await db.scalar(select(ProgrammeTemplate.id).where(ProgrammeTemplate.programme_id == pid))
    staff = await make_staff(db, org, "coordinator", "admin", "cjg_staff")
    await sign_in(client, staff)
    planned = await client.post(
        f"/api/v1/cohorts/{cohort.id}/schedule", json={"weekday": 1, "start_time": "19:30", "start_date": "2027-03-02"}
    )
    session_id = planned.json()["sessions"][0]["id"]
    feed = (await client.post(f"/api/v1/my/{mine['token']}/feed")).json()["url"].rsplit("/", 1)[1]
    return {
        "token": mine["token"],
        "slug": "nostore-test",
        "name": feed,
        "programme_id": str(pid),
        "cohort_id": str(cohort.id),
        "session_id": str(session_id),
        "organisation_id": str(org.id),
        "template_id": str(template),
        "registration_id": str(mine["registration_id"]),
        "staff_id": str(staff.id),
    }


async def test_every_answer_but_static_files_is_no_store(app, client, db):
    ids = await _world(client, db)
    routes = sorted(handlers(app), key=lambda r: UNSAFE_LAST.get(r[1], 1))
    answered, personal = 0, 0
    for signed_in in (True, False):
        if not signed_in:
            client.cookies.delete("ga_session")
        for path, method, _handler in routes:
            url = concrete(path, ids)
            response = await client.request(method, url, json={} if path.startswith("/api/") else None)
            caching = response.headers.get("cache-control", "")
            if path.startswith("/static") or path == "/favicon.ico":
                assert "no-store" not in caching, url  # our CSS and icon may be kept
                continue
            where = (method, url, response.status_code, caching)
            if path.startswith("/api/v1/open/") and response.status_code == 200:
                # The open data: the public offer, no personal data, no cookie; kept for 5 minutes.
                assert caching == "public, max-age=300", where
                assert "set-cookie" not in response.headers, where
                continue
            assert "no-store" in caching.split(", "), where
            assert response.headers.get("pragma") == "no-cache", where
            answered += 1
            personal += signed_in and response.status_code == 200 and method == "GET"
    # Not only refusals: staff pages and API, the private page, the export and the calendar files answered.
    assert answered > 150, (answered, personal)
    assert personal > 30, (answered, personal)
    for private in (f"/nl/my/{ids['token']}", f"/api/v1/my/{ids['token']}/calendar.ics"):
        assert (await client.get(private)).headers["cache-control"] == "no-store", private
