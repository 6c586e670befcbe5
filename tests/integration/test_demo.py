"""`demo load` brings the four organisations of the field; a second run changes nothing."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from groepsaanbod.access.roles import ROLES
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import Role, Staff
from groepsaanbod.attendance import figures as f
from groepsaanbod.attendance.models import Attendance, SessionRegister
from groepsaanbod.attendance.services import exports, reports
from groepsaanbod.cohorts.models import Cohort, SchoolClass
from groepsaanbod.db import make_engine, make_session_factory
from groepsaanbod.demo import load_demo
from groepsaanbod.migrate import upgrade
from groepsaanbod.organisations.models import Organisation, Venue
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate
from groepsaanbod.programmes.services.catalogue import list_catalogue
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.scheduling.models import Appointment, Session
from groepsaanbod.settings import Settings
from tests.conftest import NOW, backends
from tests.databases import run_async, separate_database

COUNTED = (
    Organisation,
    Venue,
    Staff,
    Role,
    Programme,
    ProgrammeTemplate,
    SchoolClass,
    Cohort,
    Session,
    Participant,
    Registration,
    Attendance,
    SessionRegister,
    Appointment,
)


async def counts_and_catalogue(settings: Settings):
    engine = make_engine(settings.async_database_url)
    try:
        async with make_session_factory(engine)() as session:
            counts = {m.__name__: await session.scalar(select(func.count()).select_from(m)) for m in COUNTED}
            roles = set(await session.scalars(select(Role.role).distinct()))
            turkish = await list_catalogue(session, "tr")
            return counts, roles, turkish
    finally:
        await engine.dispose()


@pytest.mark.parametrize("backend", backends())
def test_demo_load_is_idempotent_and_covers_the_field(backend, tmp_path):
    url = separate_database(backend, tmp_path, "groepsaanbod_demo_test")
    upgrade(url)
    settings = Settings(database_url=url)
    first = run_async(load_demo(settings, NOW))
    assert first.created
    counts, roles, turkish = run_async(counts_and_catalogue(settings))
    assert counts["Organisation"] == 4
    assert counts["Programme"] == 5
    assert counts["SchoolClass"] == 3
    assert counts["Appointment"] == 16  # the Sliedrecht Triple P group's phone calls: 8 times each for two
    assert roles == set(ROLES), "one staff account per role at least"
    cities = {place for entry in turkish for place in entry.places}
    assert cities == {"Huizen", "Sliedrecht", "Zwolle", "Eindhoven"}
    triple_p = next(e for e in turkish if e.slug == "triple-p-eindhoven")
    assert set(triple_p.languages) == {"nl", "tr", "ar"}
    assert triple_p.offered_in("tr")
    assert turkish[0].offered_in("tr")  # offered in the reader's language first

    assert run_async(meetings_without_a_place(settings)) == 0, "every demo meeting has a place (feeds: LOCATION)"

    second = run_async(load_demo(settings, NOW))
    assert not second.created
    assert run_async(counts_and_catalogue(settings))[0] == counts
    assert {login.email for login in second.logins} == {login.email for login in first.logins}


async def meetings_without_a_place(settings: Settings) -> int:
    engine = make_engine(settings.async_database_url)
    try:
        async with make_session_factory(engine)() as session:
            return await session.scalar(
                select(func.count())
                .select_from(Session)
                .outerjoin(Cohort, Cohort.id == Session.cohort_id)
                .where(Session.venue_id.is_(None), Cohort.venue_id.is_(None))
            )
    finally:
        await engine.dispose()


async def municipality_report(settings: Settings):
    engine = make_engine(settings.async_database_url)
    try:
        async with make_session_factory(engine)() as session:
            cjg = Viewer(0, "cjg", "", {1: frozenset({"cjg_staff"})})
            request = reports.ReportRequest(NOW.date() - timedelta(days=364), NOW.date())
            return await reports.build_municipality_report(session, cjg, request, NOW, language="en")
    finally:
        await engine.dispose()


@pytest.mark.parametrize("backend", backends())
def test_demo_municipality_report_shows_reach_per_language_and_completion(backend, tmp_path):
    url = separate_database(backend, tmp_path, "groepsaanbod_demo_report_test")
    upgrade(url)
    settings = Settings(database_url=url)
    run_async(load_demo(settings, NOW))
    report = run_async(municipality_report(settings))
    reach = {row.key: row.values[0] for row in report.table("reach_language").rows}
    assert all(isinstance(reach[code], int) and reach[code] >= 5 for code in ("nl", "tr", "ar")), reach
    completion = report.figure("completion_rate")
    assert isinstance(completion, f.Rate)
    assert 0 < completion.percent < 100
    assert report.table("reach_language").chart is not None
    book = openpyxl.load_workbook(io.BytesIO(exports.report_xlsx(report, "en")))
    summary = {r[0]: r[1] for r in book.worksheets[0].iter_rows(min_row=3, values_only=True) if r[0]}
    assert summary["Completion rate"] == completion.percent
    sheet = next(s for s in book.worksheets if "Reach by language" in s.title)
    rows = {r[0]: r[1] for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows["Dutch"] == reach["nl"]
    assert rows["Turkish"] == reach["tr"]
    assert rows["Arabic"] == reach["ar"]
