"""Sign-up day on PostgreSQL with two real app processes: 200 people sign up at once for an
open-enrolment programme (Triple P) that has no group yet in any of its languages and places.

Before: "deadlock detected" on the programme's lock; 199 of 200 answered 500. Now: no errors, each
group starts once, capacity holds, and every person has exactly one registration. Outcomes are read
from the database (the public answer is the same for every sign-up)."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter

import httpx
import pytest
from sqlalchemy import func, select

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.migrate import upgrade
from groepsaanbod.programmes.services import set_up as programmes
from groepsaanbod.registration.models import Participant
from tests.conftest import NOW, backends
from tests.databases import run_async, separate_database
from tests.factories import make_organisation, make_staff, make_venue
from tests.integration.operations.served import served
from tests.integration.registration import parallel
from tests.integration.registration.helpers import person

SLUG = "sign-up-day"
PEOPLE = 200
LANGUAGES = ("nl", "tr")
PLACES = ("Eindhoven", "Helmond")
MAX = 12  # Triple P: at most 12 parents


async def _prepare(url: str) -> int:
    """Triple P in two languages and two places, published, no group yet; a coordinator to be told."""
    async with parallel.database(url) as db:
        org = await make_organisation(db, "Stichting Opvoeden", "Eindhoven")
        venues = [await make_venue(db, org, f"Buurthuis {place}", place) for place in PLACES]
        await make_staff(db, org, "coordinator")
        editor = Viewer(staff_id=0, full_name="test", email="", roles={org.id: frozenset({"coordinator"})})
        created = await programmes.create_programme(
            db, editor, programmes.NewProgramme(org.id, "triple-p-group", SLUG, list(LANGUAGES)), NOW
        )
        await programmes.change_programme(
            db, editor, created.id, programmes.ProgrammeChanges(venue_ids=[v.id for v in venues])
        )
        await programmes.publish_programme(db, editor, created.id, NOW)
        return created.id


def _body(n: int) -> dict:
    return person(n, child_birth_date="2020-06-01", language=LANGUAGES[n % 2], place=PLACES[(n // 2) % 2])


async def _sign_up_day(ports: list[int]) -> tuple[list[httpx.Response], float]:
    """All 200 at once, person n to process n % 2, each on a connection of its own."""
    limits = httpx.Limits(max_connections=PEOPLE, max_keepalive_connections=PEOPLE)
    async with httpx.AsyncClient(limits=limits, timeout=120) as client:
        started = time.monotonic()
        url = "http://127.0.0.1:{port}/api/v1/catalogue/" + SLUG + "/registrations"
        responses = await asyncio.gather(
            *(client.post(url.format(port=ports[n % 2]), json=_body(n)) for n in range(PEOPLE))
        )
        return list(responses), time.monotonic() - started


async def _outcome(url: str, pid: int):
    async with parallel.database(url) as db:
        return (
            await parallel.registrations(db, pid),
            await parallel.cohorts(db, pid),
            await parallel.events(db, pid, "cohort_started"),
            Counter(e.registration_id for e in await parallel.events(db, pid, "registered")),
            Counter(await db.scalars(select(OutboxMessage.kind))),
            set(await db.scalars(select(OutboxMessage.dedupe_key))),
            await db.scalar(select(func.count()).select_from(Participant)),
        )


@pytest.mark.heavy
@pytest.mark.parametrize("backend", [b for b in backends() if b == "postgresql"])
def test_two_hundred_sign_ups_at_once_into_groups_that_must_start(backend, tmp_path):
    url = separate_database(backend, tmp_path, "groepsaanbod_sign_up_day_test")
    upgrade(url)
    pid = run_async(_prepare(url))
    env = {"GROEPSAANBOD_RATE_LIMIT_REGISTER": "1000000"}  # everyone comes from 127.0.0.1 here
    with served(url, tmp_path, env, count=2) as app:
        responses, seconds = run_async(_sign_up_day(app.ports))
        codes = Counter(r.status_code for r in responses)
        print(f"{PEOPLE} sign-ups over 2 processes in {seconds:.2f} s: {dict(codes)}")
        assert set(codes) <= {201, 202}, app.log_text()[-5000:]

    registrations, cohorts, started, registered, told, keys, people = run_async(_outcome(url, pid))
    # Each language and place has one group, started once; its coordinator was told once.
    assert sorted((c.language, c.place) for c in cohorts) == sorted((lang, p) for lang in LANGUAGES for p in PLACES)
    assert len(started) == len(cohorts) == told["cohort_can_start"] == 4
    # Every person has exactly one registration, with one "registered" event and a message of its own.
    assert len(registrations) == PEOPLE == people == len({r.participant_id for r in registrations})
    assert set(registered) == {r.id for r in registrations}
    assert set(registered.values()) == {1}
    assert all(any(k.startswith(f"registration:{r.id}:") for k in keys) for r in registrations)
    # Capacity holds: 50 per group, 12 in it, 38 waiting in a numbered line.
    for cohort in cohorts:
        members = [r for r in registrations if r.cohort_id == cohort.id]
        assert Counter(r.status for r in members) == {"confirmed": MAX, "waitlisted": PEOPLE // 4 - MAX}
    assert all(r.cohort_id is not None for r in registrations)
    parallel.check_waiting_lines(registrations, MAX)
    for log in app.logs:
        errors = [
            line
            for line in log.read_text().splitlines()
            if line.startswith("{") and json.loads(line)["level"] in ("error", "critical")
        ]
        assert errors == []
