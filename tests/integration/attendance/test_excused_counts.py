"""Reports count "she told us beforehand" as an excused absence, a figure of its own beside the other
absences; only meetings held (their register taken) count; the municipality's report hides small ones."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.attendance import figures as f
from groepsaanbod.attendance.models import AbsenceNotice
from groepsaanbod.attendance.services import exports, reports
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.registration.models import Registration
from tests.integration.attendance.world import NOW, PERIOD, build_world


async def _tell(db, world, person: str, number: int, reason: str, *, withdrawn: bool = False) -> None:
    registration = await db.scalar(
        select(Registration.id).where(
            Registration.participant_id == world.people[person], Registration.programme_id == world.programme_id
        )
    )
    db.add(
        AbsenceNotice(
            session_id=world.sessions[number],
            registration_id=registration,
            reason=reason,
            via="page",
            created_at=NOW - timedelta(days=200),
            withdrawn_at=NOW - timedelta(days=199) if withdrawn else None,
        )
    )
    await db.commit()


async def test_told_beforehand_counts_as_excused(db):
    world = await build_world(db)
    request = reports.ReportRequest(*PERIOD, organisation_id=world.org_id)
    before = await reports.build_provider_report(db, world.coordinator, request, NOW)
    # P5 was absent "excused" 7 times; P3 twice without a reason, P2 ill once, P6 once "other".
    assert (before.figure("absences_excused"), before.figure("absences_unexcused")) == (7, 4)
    # P2 told us beforehand she was ill (meeting 5): excused, whatever reason the register holds.
    await _tell(db, world, "P2", 5, "ill")
    # Told and taken back: she meant to come, so it does not count.
    await _tell(db, world, "P3", 4, "excused", withdrawn=True)
    # A notice for the cancelled meeting: no register, not counted; nor one for a meeting she came to.
    await _tell(db, world, "P1", 3, "excused")
    await _tell(db, world, "P1", 6, "excused")
    after = await reports.build_provider_report(db, world.coordinator, request, NOW)
    assert (after.figure("absences_excused"), after.figure("absences_unexcused")) == (8, 3)
    assert after.figure("attendance_rate") == before.figure("attendance_rate")
    # The figures have names in every language of the export.
    rows = dict(exports.summary_rows(after, "nl"))
    assert rows[gettext("nl", f.SUMMARY_NAMES["absences_excused"])] == 8


async def test_municipality_hides_a_small_count_of_absences(db):
    world = await build_world(db)
    reader = Viewer(0, "x", "", {world.drop_in_org_id: frozenset({"cjg_staff"})})
    report = await reports.build_municipality_report(db, reader, reports.ReportRequest(*PERIOD, place="Eindhoven"), NOW)
    assert report.figure("absences_excused") == 7
    assert report.figure("absences_unexcused") == f.SUPPRESSED
