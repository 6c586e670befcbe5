"""The municipality report over a year of a large city, on PostgreSQL.

    GROEPSAANBOD_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/attendance_report.py

Creates its own database (ga_bench_<run>_attendance, dropped at the end) on that server and
migrates it.
One city, 30 providers with 4 programmes each (Triple P, CenteringPregnancy, Baby in huis
through the real services; Kids & Koffie drop-ins), then with Core bulk inserts: 3,000
groups of 10 members (30,000 participants and registrations in seven languages), 11
meetings per group over the year of which 1 cancelled, and one mark per member per held
meeting: 300,000 attendance records (plus the drop-ins' head counts). Then it computes
the municipality report through the service layer (build_municipality_report), three
times, and prints the figures. Checked: every record is in the database, and the report
counts every cancelled meeting, every member and every mark. --small: 2 providers, 20 groups,
5 weeks of drop-ins.
Ends with: BENCH attendance_report records=<n> seconds=<median of the three runs>
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import Checks, bench_databases, postgres_server, small  # noqa: E402

from groepsaanbod.access.viewer import Viewer  # noqa: E402
from groepsaanbod.attendance.models import Attendance  # noqa: E402
from groepsaanbod.attendance.services import reports
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.db import make_engine, make_session_factory  # noqa: E402
from groepsaanbod.migrate import upgrade  # noqa: E402
from groepsaanbod.organisations.models import Organisation  # noqa: E402
from groepsaanbod.programmes.models import ProgrammeTemplate  # noqa: E402
from groepsaanbod.programmes.services import set_up as programmes
from groepsaanbod.registration.models import Participant, Registration  # noqa: E402
from groepsaanbod.scheduling.models import Session
from groepsaanbod.settings import normalise_database_url  # noqa: E402

CITY = "Rotterdam"
PROVIDERS = 30
GROUPS = 3_000
MEMBERS = 10
MEETINGS = 11  # one of them cancelled: 10 held, 10 marks per member
DROP_IN_WEEKS = 50
LANGUAGES = ("nl", "nl", "nl", "tr", "ar", "pl", "es", "so", "en")
END = date(2026, 11, 30)
START = END - timedelta(days=364)
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BATCH = 10_000
if small():
    PROVIDERS, GROUPS, DROP_IN_WEEKS = 2, 20, 5


async def insert_rows(conn, table, rows: list[dict]) -> None:
    for i in range(0, len(rows), BATCH):
        await conn.execute(insert(table), rows[i : i + BATCH])


async def make_programmes(factory) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(programme, template) of the group programmes, and of the drop-ins."""
    groups, drop_ins = [], []
    async with factory() as db:
        for n in range(PROVIDERS):
            org = Organisation(slug=f"bench-{n}", name=f"Aanbieder {n}", kind="cjg", city=CITY)
            db.add(org)
            await db.flush()
            editor = Viewer(staff_id=0, full_name="bench", email="", roles={org.id: frozenset({"coordinator"})})
            for key in ("triple-p-group", "centering-pregnancy", "baby-in-huis", "kids-en-koffie"):
                new = programmes.NewProgramme(org.id, key, f"{key}-{n}", ["nl", "tr", "ar", "pl", "es", "so", "en"])
                programme = await programmes.create_programme(db, editor, new, NOW)
                await programmes.publish_programme(db, editor, programme.id, NOW)
                template_id = await db.scalar(
                    select(ProgrammeTemplate.id).where(ProgrammeTemplate.programme_id == programme.id)
                )
                (drop_ins if key == "kids-en-koffie" else groups).append((programme.id, template_id))
        await db.commit()
    return groups, drop_ins


async def fill(engine, groups, drop_ins) -> int:
    rng = random.Random(2026)
    year_start = datetime.combine(START, datetime.min.time(), tzinfo=UTC)
    async with engine.begin() as conn:
        cohorts, first_meeting = [], []
        for n in range(GROUPS):
            programme_id, template_id = groups[n % len(groups)]
            cohorts.append(
                {
                    "programme_id": programme_id,
                    "template_id": template_id,
                    "name": f"Groep {n}",
                    "language": LANGUAGES[n % len(LANGUAGES)],
                    "status": "completed",
                    "place": CITY,
                    "accepts_registrations": False,
                }
            )
            first_meeting.append(year_start + timedelta(days=rng.randrange(0, 365 - 7 * MEETINGS), hours=8))
        cohort_ids = list((await conn.execute(insert(Cohort).returning(Cohort.id), cohorts)).scalars())
        people = [
            {
                "full_name": f"Deelnemer {i}",
                "email": f"p{i}@example.org",
                "language": LANGUAGES[rng.randrange(len(LANGUAGES))],
                "postcode": f"30{rng.randrange(10, 90)} AB",
                "child_birth_date": date(2026, 1, 1) - timedelta(days=rng.randrange(0, 12 * 365)),
            }
            for i in range(GROUPS * MEMBERS)
        ]
        person_ids = []
        for i in range(0, len(people), BATCH):
            chunk = people[i : i + BATCH]
            person_ids += list((await conn.execute(insert(Participant).returning(Participant.id), chunk)).scalars())
        registrations, sessions = [], []
        for g, cohort_id in enumerate(cohort_ids):
            programme_id = cohorts[g]["programme_id"]
            for m in range(MEMBERS):
                pid = person_ids[g * MEMBERS + m]
                signed_up = first_meeting[g] - timedelta(days=rng.randrange(3, 120))
                registrations.append(
                    {
                        "participant_id": pid,
                        "programme_id": programme_id,
                        "cohort_id": cohort_id,
                        "status": "withdrawn" if m == 9 and g % 5 == 0 else "confirmed",
                        "language": cohorts[g]["language"],
                        "contact_email": f"p{pid}@example.org",
                        "confirmed_at": signed_up,
                        "created_at": signed_up,
                        "preferences": {},
                    }
                )
            for k in range(MEETINGS):
                starts = first_meeting[g] + timedelta(weeks=k)
                sessions.append(
                    {
                        "programme_id": programme_id,
                        "cohort_id": cohort_id,
                        "local_start": starts.replace(tzinfo=None) + timedelta(hours=1),
                        "starts_at": starts,
                        "duration_minutes": 120,
                        "topic": {},
                        "status": "cancelled" if k == 5 else "held",
                        "cancel_reason": rng.choice(("Trainer ziek", "Zaal niet beschikbaar")) if k == 5 else None,
                        "number": k + 1,
                    }
                )
        await insert_rows(conn, Registration.__table__, registrations)
        session_ids = list((await conn.execute(insert(Session).returning(Session.id), sessions)).scalars())
        marks, records = [], 0
        for g in range(GROUPS):
            for k in range(MEETINGS):
                if k == 5:
                    continue
                session_id = session_ids[g * MEETINGS + k]
                for m in range(MEMBERS):
                    present = rng.random() < (0.85 if m < 8 else 0.45)
                    marks.append(
                        {
                            "session_id": session_id,
                            "participant_id": person_ids[g * MEMBERS + m],
                            "status": "present" if present else "absent",
                            "absence_reason": None if present else rng.choice(("ill", "excused", "no_reason")),
                            "recorded_at": NOW,
                        }
                    )
            if len(marks) >= BATCH:
                await conn.execute(insert(Attendance), marks)
                records += len(marks)
                marks = []
        if marks:
            await conn.execute(insert(Attendance), marks)
            records += len(marks)
        drop_in_sessions, heads = [], []
        for programme_id, template_id in drop_ins:
            series = await conn.scalar(
                insert(Cohort).returning(Cohort.id),
                {"programme_id": programme_id, "template_id": template_id, "name": "Inloop", "language": "nl"},
            )
            for week in range(DROP_IN_WEEKS):
                starts = year_start + timedelta(weeks=week, hours=8)
                drop_in_sessions.append(
                    {
                        "programme_id": programme_id,
                        "cohort_id": series,
                        "local_start": starts.replace(tzinfo=None),
                        "starts_at": starts,
                        "duration_minutes": 90,
                        "topic": {},
                        "status": "held",
                        "number": week + 1,
                    }
                )
        ids = list((await conn.execute(insert(Session).returning(Session.id), drop_in_sessions)).scalars())
        for session_id in ids:
            heads.append(
                {
                    "session_id": session_id,
                    "participant_id": None,
                    "status": "head_count",
                    "adults": rng.randrange(6, 20),
                    "children": rng.randrange(6, 25),
                    "recorded_at": NOW,
                }
            )
        await conn.execute(insert(Attendance), heads)
    async with engine.connect() as conn:
        await conn.execute(text("COMMIT"))
        await conn.execute(text("ANALYZE"))
    return records + len(heads)


async def measure(url: str) -> tuple[int, int, list[float], object]:
    """Load the data, then time the report: records loaded and in the database, timings, the report."""
    await asyncio.to_thread(upgrade, url)
    engine = make_engine(normalise_database_url(url))
    try:
        factory = make_session_factory(engine)
        started = time.perf_counter()
        groups, drop_ins = await make_programmes(factory)
        records = await fill(engine, groups, drop_ins)
        print(f"loaded {records:,} attendance records in {time.perf_counter() - started:.1f} s")
        async with factory() as db:
            in_db = await db.scalar(select(func.count()).select_from(Attendance))
        reader = Viewer(staff_id=0, full_name="gemeente", email="", roles={1: frozenset({"cjg_staff"})})
        request = reports.ReportRequest(START, END, place=CITY)
        timings, report = [], None
        for _ in range(3):
            async with factory() as db:
                begun = time.perf_counter()
                report = await reports.build_municipality_report(db, reader, request, NOW, language="nl")
                timings.append(time.perf_counter() - begun)
    finally:
        await engine.dispose()
    return records, in_db, timings, report


def main() -> None:
    checks = Checks()
    server = postgres_server(required=True)
    with bench_databases(server) as databases:
        records, in_db, timings, report = asyncio.run(measure(databases.create("attendance")))
    print(f"municipality report {CITY}, {START} to {END}: runs " + ", ".join(f"{t:.3f} s" for t in timings))
    for key, value in report.summary:
        print(f"  {key}: {getattr(value, 'percent', value)}")
    for table in report.tables:
        if table.key in ("reach_language", "dose", "waiting", "reach_age"):
            cells = ", ".join(f"{row.key}={getattr(row.values[0], 'percent', row.values[0])}" for row in table.rows)
            print(f"  {table.key}: {cells}")
    marks = GROUPS * MEMBERS * (MEETINGS - 1)
    attendance = report.figure("attendance_rate")
    checks.expect(in_db == records == marks + PROVIDERS * DROP_IN_WEEKS, f"every record loaded ({in_db})")
    checks.expect(report.figure("sessions_cancelled") == GROUPS, "every cancelled meeting counted")
    checks.expect(report.figure("members") == GROUPS * MEMBERS, "every member counted")
    checks.expect(getattr(attendance, "whole", None) == marks, "every mark counted")
    checks.expect(report.figure("drop_in_sessions") == PROVIDERS * DROP_IN_WEEKS, "every drop-in counted")
    checks.finish(f"BENCH attendance_report records={in_db} seconds={statistics.median(timings):.3f}")


if __name__ == "__main__":
    main()
