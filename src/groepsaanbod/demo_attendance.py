"""Demo attendance, so the reports have something to show: Triple P groups in Eindhoven
(Dutch, Turkish, Arabic) that ran in the past weeks, a running Triple P group of 12 at CJG
Sliedrecht whose latest meeting still waits for its register (its trainer offers times for
the phone calls, and some parents chose theirs), and Kids & Koffie drop-ins
with head counts. Loaded once: a second run finds the groups and changes nothing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import Role, Staff
from groepsaanbod.attendance.rules import Mark
from groepsaanbod.attendance.services import registers as services
from groepsaanbod.cohorts.models import Cohort, CohortStatus
from groepsaanbod.i18n.formatting import local_date
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate, SessionSpec
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.scheduling.models import Appointment, Session
from groepsaanbod.scheduling.services import appointments, planning
from groepsaanbod.scheduling.services.appointment_checks import SlotOffer
from groepsaanbod.scheduling.sessions import to_utc

TIMEZONE = "Europe/Amsterdam"
FIRST_NAMES = {
    "nl": ["Sanne", "Joris", "Eva", "Daan", "Lotte", "Bram", "Iris", "Ruben", "Femke", "Thijs", "Noor", "Sem"],
    "tr": ["Ayşe", "Mehmet", "Elif", "Emre", "Zeynep", "Murat", "Fatma", "Ali"],
    "ar": ["Fatima", "Youssef", "Mariam", "Omar", "Salma", "Karim", "Layla"],
    "pl": ["Anna", "Piotr"],
    "so": ["Hodan", "Abdi"],
    "en": ["Grace"],
}
#: (programme slug, group name, language mix, postcodes, weeks ago of the first meeting, meetings held, status)
GROUPS = (
    (
        "triple-p-eindhoven",
        "Triple P voorjaar (nl)",
        ["nl"] * 10,
        ("5621", "5622", "5623"),
        12,
        8,
        CohortStatus.COMPLETED,
    ),
    ("triple-p-eindhoven", "Triple P voorjaar (tr)", ["tr"] * 8, ("5621", "5624"), 12, 8, CohortStatus.COMPLETED),
    ("triple-p-eindhoven", "Triple P voorjaar (ar)", ["ar"] * 7, ("5622", "5625"), 11, 8, CohortStatus.COMPLETED),
    (
        "triple-p-sliedrecht",
        "Triple P Merwehoeve",
        ["nl"] * 6 + ["pl"] * 2 + ["so"] * 2 + ["ar", "en"],
        ("3361", "3362", "3363"),
        2,
        2,
        CohortStatus.RUNNING,
    ),
)


def _absent(member: int, meeting: int) -> bool:
    """A fixed pattern: now and then someone misses a meeting; every fourth stops after four."""
    return (member * 3 + meeting) % 7 == 0 or (member % 4 == 3 and meeting > 4)


async def _coordinator(session: AsyncSession, programme: Programme) -> Viewer:
    staff_id = await session.scalar(
        select(Staff.id)
        .join(Role, Role.staff_id == Staff.id)
        .where(Role.organisation_id == programme.organisation_id, Role.role == "coordinator")
        .order_by(Staff.id)
    )
    assert staff_id is not None  # demo.py gives every organisation a coordinator
    return Viewer(staff_id, "demo", "", {programme.organisation_id: frozenset({"coordinator"})})


async def _template(session: AsyncSession, programme: Programme) -> ProgrammeTemplate:
    template = await session.scalar(
        select(ProgrammeTemplate)
        .where(ProgrammeTemplate.programme_id == programme.id)
        .order_by(ProgrammeTemplate.version.desc())
    )
    assert template is not None  # a programme is made with its first version
    return template


def _meeting(day: date, hour: int = 10) -> tuple[datetime, datetime]:
    local = datetime.combine(day, time(hour, 0))
    return local, to_utc(local, TIMEZONE)


async def _group(session: AsyncSession, group: tuple, now: datetime) -> bool:
    slug, name, languages, areas, weeks_ago, held, status = group
    programme = await session.scalar(select(Programme).where(Programme.slug == slug))
    if programme is None or await session.scalar(
        select(Cohort.id).where(Cohort.programme_id == programme.id, Cohort.name == name)
    ):
        return False
    template = await _template(session, programme)
    specs = list(
        await session.scalars(
            select(SessionSpec).where(SessionSpec.template_id == template.id).order_by(SessionSpec.position)
        )
    )
    cohort = Cohort(
        programme_id=programme.id,
        template_id=template.id,
        name=name,
        language=languages[0],
        status=status,
        place=await session.scalar(select(Organisation.city).where(Organisation.id == programme.organisation_id)),
    )
    session.add(cohort)
    await session.flush()
    first_day = local_date(now) - timedelta(weeks=weeks_ago, days=1)
    members = []
    for i, language in enumerate(languages):
        first = FIRST_NAMES[language][i % len(FIRST_NAMES[language])]
        person = Participant(
            full_name=f"{first} {chr(65 + i)}.",
            email=f"demo-{slug}-{cohort.id}-{i}@example.org",
            language=language,
            postcode=f"{areas[i % len(areas)]} A{chr(65 + i)}",
            child_birth_date=first_day - timedelta(days=200 + 331 * i),
        )
        session.add(person)
        await session.flush()
        signed_up = _meeting(first_day - timedelta(days=10 + 4 * i))[1]
        session.add(
            Registration(
                participant_id=person.id,
                programme_id=programme.id,
                cohort_id=cohort.id,
                status=RegistrationStatus.CONFIRMED,
                language=language,
                place=cohort.place,
                contact_email=person.email,
                consented_at=signed_up,
                confirmed_at=signed_up,
                created_at=signed_up,
            )
        )
        members.append(person.id)
    sessions = []
    for number, spec in enumerate(specs, start=1):
        local, starts = _meeting(first_day + timedelta(weeks=number - 1))
        row = Session(
            programme_id=programme.id,
            cohort_id=cohort.id,
            spec_id=spec.id,
            local_start=local,
            starts_at=starts,
            duration_minutes=spec.duration_minutes,
            topic=dict(spec.topic),
            number=number,
        )
        session.add(row)
        sessions.append(row)
    await session.commit()
    coordinator = await _coordinator(session, programme)
    for number, row in enumerate(sessions[:held], start=1):
        marks = [
            Mark(pid, present=not _absent(i, number), reason="ill" if _absent(i, number) else None)
            for i, pid in enumerate(members)
        ]
        await services.take_register(session, coordinator, row.id, marks, now=now)
    return True


async def _drop_ins(session: AsyncSession, now: datetime) -> bool:
    """The weeks before the demo's drop-in series (demo.py starts it through create_series), with
    head counts; a series of its own when there is none."""
    programme = await session.scalar(select(Programme).where(Programme.slug == "kids-en-koffie-sliedrecht"))
    name = "Inloop Merwehoeve"
    if programme is None:
        return False
    cohort = await session.scalar(select(Cohort).where(Cohort.programme_id == programme.id, Cohort.name == name))
    if cohort is not None and await session.scalar(
        select(Session.id).where(Session.cohort_id == cohort.id, Session.starts_at < now)
    ):
        return False
    template = await _template(session, programme)
    if cohort is None:
        cohort = Cohort(
            programme_id=programme.id,
            template_id=template.id,
            name=name,
            language="nl",
            status=CohortStatus.RUNNING,
            place="Sliedrecht",
        )
        session.add(cohort)
        await session.flush()
    themes = ["Slapen", "Voorlezen", "Eten en drinken", "Zindelijkheid", "Spelen", "Tandenpoetsen", "Taal", "Ruzie"]
    # The past weeks come first: the planned meetings are numbered after them.
    await session.execute(
        update(Session).where(Session.cohort_id == cohort.id).values(number=Session.number + len(themes))
    )
    today = local_date(now)
    weekday = cohort.weekday if cohort.weekday is not None else today.weekday()
    last = today - timedelta(days=(today.weekday() - weekday) % 7 or 7)
    rows = []
    for week, theme in enumerate(themes):
        local, starts = _meeting(last - timedelta(weeks=len(themes) - 1 - week), 9)
        row = Session(
            programme_id=programme.id,
            cohort_id=cohort.id,
            venue_id=cohort.venue_id,
            local_start=local.replace(minute=30),
            starts_at=starts + timedelta(minutes=30),
            duration_minutes=90,
            topic={"nl": theme},
            number=week + 1,
        )
        session.add(row)
        rows.append((row, theme))
    await session.commit()
    coordinator = await _coordinator(session, programme)
    for week, (row, theme) in enumerate(rows):
        count = services.HeadCount(
            8 + (week * 5) % 9, 10 + (week * 7) % 11, theme, "Jeugdverpleegkundige" if week % 2 else ""
        )
        await services.record_head_count(session, coordinator, row.id, count, now=now)
    return True


#: The running Triple P group whose phone calls (meetings 5 and 6) have times: of the first, four
#: parents chose one and four are still free; the second's times are all still open.
PHONE_GROUP = ("triple-p-sliedrecht", "Triple P Merwehoeve")


async def _phone_calls(session: AsyncSession, now: datetime) -> bool:
    slug, name = PHONE_GROUP
    cohort = await session.scalar(
        select(Cohort)
        .join(Programme, Programme.id == Cohort.programme_id)
        .where(Programme.slug == slug, Cohort.name == name)
    )
    if cohort is None:
        return False
    calls = list(
        await session.scalars(
            select(Session).where(Session.cohort_id == cohort.id, Session.number.in_((5, 6))).order_by(Session.number)
        )
    )
    if not calls or await session.scalar(select(Appointment.id).where(Appointment.session_id == calls[0].id)):
        return False
    programme = await session.get_one(Programme, cohort.programme_id)
    coordinator = await _coordinator(session, programme)
    trainer = await session.scalar(
        select(Role.staff_id).where(Role.organisation_id == programme.organisation_id, Role.role == "trainer")
    )
    if trainer is not None:
        await planning.set_facilitator(
            session, coordinator, cohort.id, planning.Facilitator(trainer, "trainer"), now=now
        )
    for call in calls:
        if call.starts_at <= now:
            continue
        offer = SlotOffer(call.local_start.date(), time(13, 0), count=8)
        await appointments.offer_slots(session, coordinator, call.id, offer, now=now)
    members = list(
        await session.scalars(
            select(Registration).where(Registration.cohort_id == cohort.id).order_by(Registration.id).limit(4)
        )
    )
    slots = list(
        await session.scalars(
            select(Appointment.id).where(Appointment.session_id == calls[0].id).order_by(Appointment.local_start)
        )
    )
    for registration, slot in zip(members, slots[::2], strict=False):
        await appointments.pick_appointment(session, registration, calls[0].id, slot, now=now)
    return True


async def load_demo_attendance(session: AsyncSession, now: datetime) -> bool:
    created = False
    for group in GROUPS:
        created = await _group(session, group, now) or created
    created = await _phone_calls(session, now) or created
    return await _drop_ins(session, now) or created
