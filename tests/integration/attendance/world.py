"""Known attendance, built by hand: the figures every report must give back.

Triple P in Eindhoven (completion: 6 meetings), group A, 8 weekly meetings from
Monday 7 September 2026; meeting 3 is cancelled ("Trainer ziek"), so 7 are held.

    person  lang  area  child born   signed up   marks at meetings 1 2 4 5 6 7 8
    P1      ar    5621  2024-01-01   2026-08-24  P P P P P P P   dose 7, completed
    P2      nl    5621  2021-01-01   2026-08-31  P P P A P P P   dose 6 (ill), completed
    P3      tr    5622  2025-07-01   2026-07-27  P P A A - - -   dose 2, then withdrew
    P4      nl    5614  2018-01-01   2026-09-15  - - P P P P P   joined late: dose 5
    P5      nl    -     -            2026-09-01  A A A A A A A   dose 0 (excused), not reached
    P6      nl    5621  2023-01-01   2026-06-01  P P P P P P A   dose 6, completed

Kids & Koffie, another provider in Eindhoven: two drop-ins counted (12 + 9 adults,
15 + 11 children) and P7 (so, 5621, child born 2025-03-01) checked in by name once.
One held meeting of group A in 2025 lies outside the period and must not count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.attendance.models import Attendance
from groepsaanbod.attendance.rules import Mark
from groepsaanbod.attendance.services import registers as services
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.programmes.models import ProgrammeTemplate
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.scheduling.models import Session
from tests.factories import make_staff
from tests.integration.registration.helpers import published_programme

FIRST = datetime(2026, 9, 7, 8, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
PERIOD = (date(2026, 1, 1), date(2026, 12, 31))

PEOPLE = {
    # name: (language, postcode, child born, signed up, confirmed)
    "P1": ("ar", "5621 JD", date(2024, 1, 1), datetime(2026, 8, 24, 8, tzinfo=UTC), FIRST - timedelta(days=7)),
    "P2": ("nl", "5621 AB", date(2021, 1, 1), datetime(2026, 8, 31, 8, tzinfo=UTC), FIRST - timedelta(days=7)),
    "P3": ("tr", "5622 HC", date(2025, 7, 1), datetime(2026, 7, 27, 8, tzinfo=UTC), FIRST - timedelta(days=7)),
    "P4": ("nl", "5614 AR", date(2018, 1, 1), datetime(2026, 9, 15, 8, tzinfo=UTC), datetime(2026, 9, 20, tzinfo=UTC)),
    "P5": ("nl", None, None, datetime(2026, 9, 1, 8, tzinfo=UTC), FIRST - timedelta(days=7)),
    "P6": ("nl", "5621 XX", date(2023, 1, 1), datetime(2026, 6, 1, 8, tzinfo=UTC), FIRST - timedelta(days=7)),
}
# meeting number -> {person: present? or absence reason}
MARKS = {
    1: {"P1": True, "P2": True, "P3": True, "P5": "excused", "P6": True},
    2: {"P1": True, "P2": True, "P3": True, "P5": "excused", "P6": True},
    4: {"P1": True, "P2": True, "P3": "no_reason", "P4": True, "P5": "excused", "P6": True},
    5: {"P1": True, "P2": "ill", "P3": "no_reason", "P4": True, "P5": "excused", "P6": True},
    6: {"P1": True, "P2": True, "P4": True, "P5": "excused", "P6": True},
    7: {"P1": True, "P2": True, "P4": True, "P5": "excused", "P6": True},
    8: {"P1": True, "P2": True, "P4": True, "P5": "excused", "P6": "other"},
}


@dataclass
class World:
    org_id: int
    drop_in_org_id: int
    programme_id: int
    cohort_id: int
    coordinator: Viewer
    people: dict[str, int]
    sessions: dict[int, int]


async def _template_id(db, programme_id: int) -> int:
    return await db.scalar(
        select(ProgrammeTemplate.id)
        .where(ProgrammeTemplate.programme_id == programme_id)
        .order_by(ProgrammeTemplate.version.desc())
    )


def _participant(name: str, language: str, postcode: str | None, child: date | None) -> Participant:
    return Participant(
        full_name=name,
        email=f"{name.lower()}@example.org",
        language=language,
        postcode=postcode,
        child_birth_date=child,
    )


async def build_world(db, slug: str = "triple-p-reports") -> World:
    org, programme_id = await published_programme(db, "triple-p-group", slug, city="Eindhoven")
    staff = await make_staff(db, org, "coordinator")
    coordinator = Viewer(staff.id, staff.full_name, staff.email, {org.id: frozenset({"coordinator"})})
    template_id = await _template_id(db, programme_id)
    cohort = Cohort(programme_id=programme_id, template_id=template_id, name="Groep A", language="nl", status="running")
    old = Cohort(
        programme_id=programme_id, template_id=template_id, name="Groep 2025", language="nl", status="completed"
    )
    db.add_all([cohort, old])
    await db.flush()
    people: dict[str, int] = {}
    for name, (language, postcode, child, signed_up, confirmed) in PEOPLE.items():
        person = _participant(name, language, postcode, child)
        db.add(person)
        await db.flush()
        people[name] = person.id
        db.add(
            Registration(
                participant_id=person.id,
                programme_id=programme_id,
                cohort_id=cohort.id,
                status="confirmed",
                language=language,
                contact_email=person.email,
                consented_at=signed_up,
                confirmed_at=confirmed,
                created_at=signed_up,
            )
        )
    sessions: dict[int, int] = {}
    for number in range(1, 9):
        s = Session(
            programme_id=programme_id,
            cohort_id=cohort.id,
            local_start=(FIRST + timedelta(weeks=number - 1, hours=2)).replace(tzinfo=None),
            starts_at=FIRST + timedelta(weeks=number - 1),
            duration_minutes=120,
            topic={},
            number=number,
            status="cancelled" if number == 3 else "planned",
            cancel_reason="Trainer ziek" if number == 3 else None,
        )
        db.add(s)
        await db.flush()
        sessions[number] = s.id
    outside = Session(
        programme_id=programme_id,
        cohort_id=old.id,
        local_start=datetime(2025, 6, 2, 10),
        starts_at=datetime(2025, 6, 2, 8, tzinfo=UTC),
        duration_minutes=120,
        topic={},
        number=1,
    )
    db.add(outside)
    await db.commit()
    for number, marks in MARKS.items():
        if number == 6:
            await _withdraw(db, programme_id, people["P3"])
        await services.take_register(
            db,
            coordinator,
            sessions[number],
            [Mark(people[n], value is True, None if value is True else value) for n, value in marks.items()],
            now=NOW,
        )
    # The 2025 meeting: held, P1 present; outside the period.
    outside.status = "held"
    db.add(Attendance(session_id=outside.id, participant_id=people["P1"], status="present", recorded_at=NOW))
    await db.commit()
    drop_in_org_id = await _drop_ins(db, people)
    return World(org.id, drop_in_org_id, programme_id, cohort.id, coordinator, people, sessions)


async def _withdraw(db, programme_id: int, participant_id: int) -> None:
    registration = await db.scalar(
        select(Registration).where(
            Registration.participant_id == participant_id, Registration.programme_id == programme_id
        )
    )
    registration.status, registration.withdrawn_at = "withdrawn", FIRST + timedelta(weeks=4, days=2)
    await db.commit()


async def _drop_ins(db, people: dict[str, int]) -> int:
    org, programme_id = await published_programme(db, "kids-en-koffie", "kids-en-koffie-reports", city="Eindhoven")
    staff = await make_staff(db, org, "cjg_staff")
    viewer = Viewer(staff.id, staff.full_name, staff.email, {org.id: frozenset({"cjg_staff"})})
    template_id = await _template_id(db, programme_id)
    series = Cohort(programme_id=programme_id, template_id=template_id, name="Inloop", language="nl", status="running")
    db.add(series)
    await db.flush()
    visitor = _participant("P7", "so", "5621 KK", date(2025, 3, 1))
    db.add(visitor)
    await db.flush()
    people["P7"] = visitor.id
    db.add(
        Registration(
            participant_id=visitor.id,
            programme_id=programme_id,
            status="confirmed",
            language="so",
            contact_email=visitor.email,
            consented_at=datetime(2026, 10, 1, tzinfo=UTC),
            confirmed_at=datetime(2026, 10, 1, tzinfo=UTC),
            created_at=datetime(2026, 10, 1, tzinfo=UTC),
        )
    )
    ids = []
    for week in range(2):
        starts = datetime(2026, 11, 23, 8, 30, tzinfo=UTC) + timedelta(weeks=week)
        s = Session(
            programme_id=programme_id,
            cohort_id=series.id,
            local_start=(starts + timedelta(hours=1)).replace(tzinfo=None),
            starts_at=starts,
            duration_minutes=90,
            topic={"nl": "Slapen"},
            number=week + 1,
        )
        db.add(s)
        await db.flush()
        ids.append(s.id)
    await db.commit()
    await services.record_head_count(
        db, viewer, ids[0], services.HeadCount(12, 15, "Slapen", "Jeugdverpleegkundige", (), (visitor.id,)), now=NOW
    )
    await services.record_head_count(db, viewer, ids[1], services.HeadCount(9, 11, "Voorlezen"), now=NOW)
    return org.id
