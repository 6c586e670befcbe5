"""Every figure of every report, against attendance built by hand (see world.py)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.attendance import figures as f
from groepsaanbod.attendance.errors import RegisterRefused
from groepsaanbod.attendance.rules import Mark
from groepsaanbod.attendance.services import exports, reports
from groepsaanbod.attendance.services.registers import take_register
from tests.integration.attendance.world import NOW, PERIOD, build_world

EXPECTED_SUMMARY = {
    "sessions_planned": 8,
    "sessions_held": 7,
    "sessions_cancelled": 1,
    "sessions_open": 0,
    "attendance_rate": f.Rate(26, 37),
    "people_reached": 5,
    "members": 6,
    "completed": 3,
    "completion_rate": f.Rate(3, 6),
    "partners": 0,
    "babies": 0,
    "drop_in_sessions": 0,
    "drop_in_adults": 0,
    "drop_in_children": 0,
    "median_wait_weeks": 2,
    "absences_excused": 7,
    "absences_unexcused": 4,
}
EXPECTED_TABLES = {
    "cancel_reasons": {"Trainer ziek": (1,)},
    "dose": {"0": (1,), "1": (0,), "2": (1,), "3": (0,), "4": (0,), "5": (1,), "6": (2,), "7": (1,)},
    "reach_language": {"nl": (3,), "ar": (1,), "tr": (1,)},
    "reach_postcode": {"5614": (1,), "5621": (3,), "5622": (1,)},
    "reach_age": {"0-1": (1,), "1-4": (2,), "4-12": (2,)},
    "waiting": {"0-1": (2,), "2-3": (1,), "4-7": (1,), "8-11": (0,), "12+": (1,)},
}


def as_dict(table: f.Table) -> dict[str, tuple]:
    return {row.key: row.values for row in table.rows}


async def test_provider_report_reconciles(db):
    world = await build_world(db)
    request = reports.ReportRequest(*PERIOD, organisation_id=world.org_id)
    report = await reports.build_provider_report(db, world.coordinator, request, NOW)
    assert dict(report.summary) == EXPECTED_SUMMARY
    for key, rows in EXPECTED_TABLES.items():
        assert as_dict(report.table(key)) == rows, key
    groups = report.table("groups")
    assert [r.label for r in groups.rows] == ["Groep A"]
    group_a = next(r for r in groups.rows if r.label == "Groep A")
    assert group_a.values == (7, 1, 6, f.Rate(26, 37), 3, f.Rate(3, 6))
    assert report.figure("attendance_rate").percent == 70.3
    assert report.figure("completion_rate").percent == 50.0

    # One programme, one group: the same figures; another period: nothing.
    one_group = reports.ReportRequest(*PERIOD, world.org_id, world.programme_id, world.cohort_id)
    same = await reports.build_provider_report(db, world.coordinator, one_group, NOW)
    assert dict(same.summary) == EXPECTED_SUMMARY
    year_2025 = reports.ReportRequest(PERIOD[0].replace(year=2025), PERIOD[1].replace(year=2025), world.org_id)
    old = await reports.build_provider_report(db, world.coordinator, year_2025, NOW)
    assert old.figure("sessions_held") == 1
    assert old.figure("people_reached") == 1
    # The drop-in provider sees its own head counts and the named check-in.
    drop_in_reader = Viewer(0, "x", "", {world.drop_in_org_id: frozenset({"cjg_staff"})})
    drop_in = await reports.build_provider_report(
        db, drop_in_reader, reports.ReportRequest(*PERIOD, organisation_id=world.drop_in_org_id), NOW
    )
    assert {k: drop_in.figure(k) for k in ("drop_in_sessions", "drop_in_adults", "drop_in_children")} == {
        "drop_in_sessions": 2,
        "drop_in_adults": 21,
        "drop_in_children": 26,
    }
    assert drop_in.figure("people_reached") == 1
    assert drop_in.figure("members") == 0
    assert as_dict(drop_in.table("reach_language")) == {"so": (1,)}


async def test_municipality_report_reconciles_with_suppression(db):
    world = await build_world(db)
    reader = Viewer(0, "x", "", {world.drop_in_org_id: frozenset({"cjg_staff"})})
    request = reports.ReportRequest(*PERIOD, place="Eindhoven")
    report = await reports.build_municipality_report(db, reader, request, NOW)
    assert report.suppressed
    expected = {
        **EXPECTED_SUMMARY,
        "people_reached": 6,
        "completed": f.SUPPRESSED,
        "completion_rate": f.HIDDEN,  # 3 of 6: both parts under five
        "drop_in_sessions": 2,
        "drop_in_adults": 21,
        "drop_in_children": 26,
        "sessions_planned": 10,
        "sessions_held": 9,
        "median_wait_weeks": 2,
        "absences_unexcused": f.SUPPRESSED,
    }
    assert dict(report.summary) == expected
    language = as_dict(report.table("reach_language"))
    assert language == {"nl": (f.SUPPRESSED,), "ar": (f.SUPPRESSED,), "tr": (f.SUPPRESSED,), "so": (f.SUPPRESSED,)}
    assert as_dict(report.table("waiting"))["8-11"] == (0,)
    assert all(not (isinstance(v, int) and 0 < v < 5) for v in f.people_cells(report))


async def test_late_joiner_cannot_be_marked_before_joining(db):
    world = await build_world(db, "triple-p-late")
    with pytest.raises(RegisterRefused) as refused:
        await take_register(db, world.coordinator, world.sessions[1], [Mark(world.people["P4"], True)], now=NOW)
    assert refused.value.problems[0].field == "marks[0].participant_id"


async def test_xlsx_and_csv_hold_the_same_numbers(db):
    world = await build_world(db, "triple-p-export")
    request = reports.ReportRequest(*PERIOD, organisation_id=world.org_id)
    report = await reports.build_provider_report(db, world.coordinator, request, NOW)
    book = openpyxl.load_workbook(io.BytesIO(exports.report_xlsx(report, "en")))
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(min_row=3, values_only=True) if row[0]}
    assert summary["Meetings held"] == 7
    assert summary["Completion rate"] == 50.0
    assert summary["Attendance (share of members present)"] == 70.3
    dose = book.worksheets[2]
    assert [r for r in dose.iter_rows(min_row=4, values_only=True)][6] == ("6", 2)
    text = exports.report_csv(report, "en").decode("utf-8-sig")
    assert "Completion rate,50.0" in text
    assert "Trainer ziek,1" in text
