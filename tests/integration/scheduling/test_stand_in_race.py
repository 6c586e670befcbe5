"""Guest teachers of lessons at the same hour all say "I can't come" at once, each request with its
own connection and transaction (as in production): a free stand-in takes at most one of those
lessons, the lessons nobody can take are cancelled and everyone is told, and nobody gets a server
error (scheduling/services/guest_teachers.py take_over_lesson locks before it chooses)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.migrate import upgrade
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.scheduling.models import Session, SessionStaff
from tests.conftest import backends
from tests.databases import run_async, separate_database
from tests.factories import make_staff, sign_in
from tests.integration.registration import parallel
from tests.integration.registration.helpers import published_programme

CLASSES = 4
STAND_INS = 2


def _csv() -> bytes:
    rows = "".join(f"1{chr(65 + n)};2026-2027;Mentor {n};mentor{n}@school.example;25\n" for n in range(CLASSES))
    return ("klas;schooljaar;naam mentor;e-mail mentor;aantal leerlingen\n" + rows).encode()


async def _world_and_race(url: str, *, one_lesson: bool = False):
    """CLASSES classes with their first lesson at the same hour, each with a guest teacher of its own,
    and STAND_INS guest teachers free then; then every guest teacher is reported absent at once.
    With `one_lesson`, the first lesson's guest teacher is reported absent CLASSES times at once instead
    (a double tap, two coordinators). Gives the answers, the lessons, their guest teachers and the stand-ins."""
    async with parallel.database(url) as db:
        org, pid = await published_programme(db, "think-op-school", "think-race", languages=("nl",), city="Zwolle")
        org_row = await db.get(Organisation, org.id)
        coordinator = await make_staff(db, org_row, "coordinator")
        guests = [await make_staff(db, org_row, "guest_teacher") for _ in range(CLASSES)]
        stand_ins = [await make_staff(db, org_row, "guest_teacher") for _ in range(STAND_INS)]
        guest_ids, stand_in_ids = [g.id for g in guests], [s.id for s in stand_ins]
    async with parallel.app_client(url) as client:
        await sign_in(client, coordinator)
        uploaded = await client.post(
            f"/api/v1/programmes/{pid}/school-classes?region=noord&contact_email=office@school.example",
            content=_csv(),
            headers={"Content-Type": "text/csv", "Accept-Language": "en"},
        )
        assert uploaded.status_code == 200, uploaded.text
        async with parallel.database(url) as db:
            cohorts = list(await db.scalars(select(Cohort.id).where(Cohort.programme_id == pid).order_by(Cohort.id)))
        assert len(cohorts) == CLASSES
        lessons = []
        for cohort, guest in zip(cohorts, guest_ids, strict=True):
            planned = await client.post(
                f"/api/v1/cohorts/{cohort}/schedule",
                json={"weekday": 3, "start_time": "10:00", "start_date": "2027-02-04"},
            )
            assert planned.status_code == 200, planned.text
            added = await client.post(
                f"/api/v1/cohorts/{cohort}/facilitators", json={"staff_id": guest, "role": "guest_teacher"}
            )
            assert added.status_code == 200, added.text
            lessons.append(planned.json()["sessions"][0]["id"])
        pairs = [(lessons[0], guest_ids[0])] * CLASSES if one_lesson else list(zip(lessons, guest_ids, strict=True))
        responses = await parallel.at_once(
            [
                lambda lesson=lesson, guest=guest: client.post(
                    f"/api/v1/sessions/{lesson}/absence", json={"staff_id": guest, "reason": "ziek"}
                )
                for lesson, guest in pairs
            ]
        )
    return responses, lessons, guest_ids, stand_in_ids


async def _rows(url: str, lessons: list[int]) -> tuple[dict[int, str], dict[int, list[int]], list[str]]:
    async with parallel.database(url) as db:
        status = dict((await db.execute(select(Session.id, Session.status).where(Session.id.in_(lessons)))).all())
        on: dict[int, list[int]] = {lesson: [] for lesson in lessons}
        for lesson, staff in await db.execute(
            select(SessionStaff.session_id, SessionStaff.staff_id).where(
                SessionStaff.session_id.in_(lessons), SessionStaff.role == "guest_teacher"
            )
        ):
            on[lesson].append(staff)
        told = list(await db.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.kind == "lesson_taken_over")))
        return status, on, told


@pytest.mark.parametrize("backend", backends())
def test_guest_teachers_absent_at_once_never_book_a_stand_in_twice(backend, tmp_path):
    url = separate_database(backend, tmp_path, "stand_ins")
    upgrade(url)
    responses, lessons, guests, stand_ins = run_async(_world_and_race(url))
    assert parallel.server_errors(responses) == []
    assert [r.status_code for r in responses] == [200] * CLASSES, [r.text for r in responses]
    status, on, told = run_async(_rows(url, lessons))
    taken = [lesson for lesson in lessons if status[lesson] == "planned"]
    # Each stand-in takes one lesson at that hour; the absent ones give none of them.
    assert sorted(staff for lesson in taken for staff in on[lesson]) == sorted(stand_ins)
    assert all(len(on[lesson]) == 1 for lesson in taken)
    assert not {staff for lesson in taken for staff in on[lesson]} & set(guests)
    # The others are cancelled (the answers say so too), and each stand-in is told once.
    assert sorted(status.values()) == ["cancelled"] * (CLASSES - STAND_INS) + ["planned"] * STAND_INS
    assert sum(r.json()["cancelled"] for r in responses) == CLASSES - STAND_INS
    assert len(told) == STAND_INS


@pytest.mark.parametrize("backend", backends())
def test_one_absence_reported_many_times_at_once_gives_the_lesson_one_stand_in(backend, tmp_path):
    url = separate_database(backend, tmp_path, "stand_in_taps")
    upgrade(url)
    responses, lessons, guests, stand_ins = run_async(_world_and_race(url, one_lesson=True))
    assert parallel.server_errors(responses) == []
    # The first is done; the others find it done (taken over already) or are told it is not theirs any more.
    assert all(r.status_code in (200, 422) for r in responses), [r.text for r in responses]
    assert all(r.json()["outcome"] == "taken_over" for r in responses if r.status_code == 200)
    status, on, told = run_async(_rows(url, lessons))
    assert status[lessons[0]] == "planned"
    assert len(on[lessons[0]]) == 1
    assert on[lessons[0]][0] in stand_ins
    assert len(told) == 1
