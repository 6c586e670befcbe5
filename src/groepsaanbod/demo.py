"""Demo data from the field. `load_demo` is idempotent: a second run changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import Staff
from groepsaanbod.accounts.services.staff import NewStaff, create_staff
from groepsaanbod.cohorts.models import Cohort, CohortStatus, SchoolClass
from groepsaanbod.db import engine_for, make_session_factory
from groepsaanbod.demo_attendance import load_demo_attendance
from groepsaanbod.demo_open_groups import load_demo_open_groups
from groepsaanbod.demo_pregnancy import load_demo_pregnancy
from groepsaanbod.demo_venues import place_demo_meetings
from groepsaanbod.organisations.models import Organisation, Venue
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate
from groepsaanbod.programmes.services import set_up as programmes
from groepsaanbod.scheduling.models import Session
from groepsaanbod.scheduling.services import planning, rota, series
from groepsaanbod.settings import Settings

DEMO_PASSWORD = "groepsaanbod-demo-2026"


@dataclass(frozen=True)
class DemoVenue:
    name: str
    street: str
    postcode: str
    city: str
    capacity: int
    accessibility: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoStaff:
    email: str
    full_name: str
    roles: tuple[str, ...]
    spoken: tuple[str, ...] = ("nl",)


@dataclass(frozen=True)
class DemoProgramme:
    template_key: str
    slug: str
    languages: tuple[str, ...]


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    kind: str
    city: str
    venues: tuple[DemoVenue, ...]
    staff: tuple[DemoStaff, ...]
    programmes: tuple[DemoProgramme, ...]
    classes: tuple[tuple[str, str], ...] = ()  # (class name, mentor email)


STEP_FREE = {
    "nl": "Goed bereikbaar met rolstoel of kinderwagen.",
    "en": "Easy to reach with a wheelchair or pushchair.",
}

ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        slug="verloskunde-huizen",
        name="Verloskundigenpraktijk Huizen",
        kind="midwifery_practice",
        city="Huizen",
        venues=(DemoVenue("Gezondheidscentrum De Kostmand", "Kostmand 2", "1271 AB", "Huizen", 16, STEP_FREE),),
        staff=(
            DemoStaff("coordinator@verloskunde-huizen.example", "Anouk de Vries", ("coordinator",)),
            DemoStaff("midwife@verloskunde-huizen.example", "Fatma Yilmaz", ("midwife",), ("nl", "tr", "en")),
        ),
        programmes=(DemoProgramme("centering-pregnancy", "centering-pregnancy-huizen", ("nl", "en")),),
    ),
    DemoOrganisation(
        slug="cjg-sliedrecht",
        name="CJG Sliedrecht",
        kind="cjg",
        city="Sliedrecht",
        venues=(DemoVenue("Kinderboerderij De Merwehoeve", "Parkweg 12", "3363 BK", "Sliedrecht", 30, STEP_FREE),),
        staff=(
            DemoStaff("coordinator@cjg-sliedrecht.example", "Marieke Bos", ("coordinator",)),
            DemoStaff("cjg@cjg-sliedrecht.example", "Sanne Visser", ("cjg_staff",)),
            DemoStaff("admin@cjg-sliedrecht.example", "Jeroen Smit", ("admin",)),
            DemoStaff("volunteer@cjg-sliedrecht.example", "Riet van Dijk", ("volunteer",)),
            DemoStaff("volunteer2@cjg-sliedrecht.example", "Hanneke Mulder", ("volunteer",)),
            DemoStaff("volunteer3@cjg-sliedrecht.example", "Amina Ali", ("volunteer",), ("nl", "so")),
            DemoStaff("trainer@cjg-sliedrecht.example", "Ilse Verhoeven", ("trainer",), ("nl", "en")),
        ),
        programmes=(
            DemoProgramme("kids-en-koffie", "kids-en-koffie-sliedrecht", ("nl", "en", "tr", "ar", "pl", "es", "so")),
            DemoProgramme("triple-p-group", "triple-p-sliedrecht", ("nl",)),
        ),
    ),
    DemoOrganisation(
        slug="vechtcollege-zwolle",
        name="Vechtcollege Zwolle",
        kind="school",
        city="Zwolle",
        venues=(DemoVenue("Vechtcollege, lokaal 1.12", "Schoolstraat 5", "8011 AA", "Zwolle", 32),),
        staff=(
            DemoStaff("coordinator@vechtcollege-zwolle.example", "Peter Jansen", ("coordinator",)),
            DemoStaff("mentor@vechtcollege-zwolle.example", "Lotte Bakker", ("mentor",)),
            DemoStaff("mentor-1b@vechtcollege-zwolle.example", "Rik Meijer", ("mentor",)),
            DemoStaff("mentor-1c@vechtcollege-zwolle.example", "Nadia El Amrani", ("mentor",), ("nl", "ar")),
            DemoStaff("guest-teacher@vechtcollege-zwolle.example", "Tom de Graaf", ("guest_teacher",)),
        ),
        programmes=(DemoProgramme("think-op-school", "think-op-school-zwolle", ("nl",)),),
        classes=(
            ("1A", "mentor@vechtcollege-zwolle.example"),
            ("1B", "mentor-1b@vechtcollege-zwolle.example"),
            ("1C", "mentor-1c@vechtcollege-zwolle.example"),
        ),
    ),
    DemoOrganisation(
        slug="opvoeden-samen-eindhoven",
        name="Stichting Opvoeden Samen Eindhoven",
        kind="foundation",
        city="Eindhoven",
        venues=(
            DemoVenue("Buurthuis Woensel", "Boschdijk 400", "5621 JD", "Eindhoven", 20, STEP_FREE),
            DemoVenue("Moskee Eindhoven, zaal", "Otterstraat 2", "5614 AR", "Eindhoven", 25),
            DemoVenue("Basisschool De Boog", "Hendrik Casimirstraat 9", "5622 HC", "Eindhoven", 18),
        ),
        staff=(
            DemoStaff("coordinator@opvoeden-samen.example", "Yusuf Demir", ("coordinator",), ("nl", "tr")),
            DemoStaff("trainer@opvoeden-samen.example", "Leila Haddad", ("trainer",), ("nl", "ar", "tr")),
        ),
        programmes=(DemoProgramme("triple-p-group", "triple-p-eindhoven", ("nl", "tr", "ar")),),
    ),
)


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    organisation: str


@dataclass(frozen=True)
class DemoResult:
    created: bool
    password: str
    logins: list[DemoLogin]


@dataclass(frozen=True)
class _Loaded:
    """One demo organisation once its rows exist: its id, its staff's ids by email, and its
    coordinator to act as."""

    org: DemoOrganisation
    organisation_id: int
    staff_ids: dict[str, int]
    coordinator: Viewer


def current_school_year(today: datetime) -> str:
    start = today.year if today.month >= 8 else today.year - 1
    return f"{start}-{start + 1}"


async def _ensure_organisation(session: AsyncSession, org: DemoOrganisation, now: datetime) -> bool:
    """Create what is missing of one organisation; True when anything was created."""
    created = False
    row = await session.scalar(select(Organisation).where(Organisation.slug == org.slug))
    if row is None:
        row = Organisation(slug=org.slug, name=org.name, kind=org.kind, city=org.city)
        session.add(row)
        await session.flush()
        created = True
    venues = {v.name: v for v in await session.scalars(select(Venue).where(Venue.organisation_id == row.id))}
    for venue in org.venues:
        if venue.name not in venues:
            venues[venue.name] = Venue(
                organisation_id=row.id,
                name=venue.name,
                street=venue.street,
                postcode=venue.postcode,
                city=venue.city,
                capacity=venue.capacity,
                accessibility=dict(venue.accessibility),
            )
            session.add(venues[venue.name])
            created = True
    staff_ids: dict[str, int] = {}
    for person in org.staff:
        existing = await session.scalar(select(Staff).where(Staff.email == person.email))
        if existing is None:
            existing = await create_staff(
                session,
                NewStaff(person.email, person.full_name, DEMO_PASSWORD, spoken_languages=person.spoken),
                {row.id: list(person.roles)},
            )
            created = True
        staff_ids[person.email] = existing.id
    await session.flush()
    year = current_school_year(now)
    if org.classes and row.school_region is None:
        row.school_region = "noord"  # the demo school is in Zwolle
    for class_name, mentor_email in org.classes:
        found = await session.scalar(
            select(SchoolClass).where(
                SchoolClass.organisation_id == row.id,
                SchoolClass.class_name == class_name,
                SchoolClass.school_year == year,
            )
        )
        if found is None:
            session.add(
                SchoolClass(
                    organisation_id=row.id,
                    school_name=org.name,
                    class_name=class_name,
                    school_year=year,
                    region=row.school_region or "noord",
                    mentor_id=staff_ids[mentor_email],
                    pupils=28,
                )
            )
            created = True
    await session.commit()

    coordinator_id = next(staff_ids[p.email] for p in org.staff if "coordinator" in p.roles)
    coordinator = Viewer(
        staff_id=coordinator_id, full_name="demo", email="", roles={row.id: frozenset({"coordinator"})}
    )
    for demo in org.programmes:
        if await session.scalar(select(Programme.id).where(Programme.slug == demo.slug)) is not None:
            continue
        programme = await programmes.create_programme(
            session,
            coordinator,
            programmes.NewProgramme(row.id, demo.template_key, demo.slug, list(demo.languages)),
            now,
        )
        await programmes.change_programme(
            session, coordinator, programme.id, programmes.ProgrammeChanges(venue_ids=[v.id for v in venues.values()])
        )
        await programmes.publish_programme(session, coordinator, programme.id, now)
        created = True
        if org.classes:
            loaded = _Loaded(org, row.id, staff_ids, coordinator)
            await _plan_class_lessons(session, loaded, programme.id, now)
        if demo.template_key == "kids-en-koffie":
            await _start_drop_in(session, _Loaded(org, row.id, staff_ids, coordinator), programme.id, now)
    return created


async def _start_drop_in(session: AsyncSession, loaded: _Loaded, programme_id: int, now: datetime) -> None:
    """Kids & Koffie: Mondays 9:30 at the petting farm from next week, open-ended, with the
    volunteers on the rota of the first weeks (one week a volunteer short, so the coordinator's
    alert has something to say)."""
    venue = await session.scalar(
        select(Venue).where(Venue.organisation_id == loaded.organisation_id).order_by(Venue.id)
    )
    monday = now.date() + timedelta(days=7 - now.weekday())
    new = series.NewSeries(programme_id, "Inloop Merwehoeve", 0, time(9, 30), monday, None, venue.id if venue else None)
    cohort = await series.create_series(session, loaded.coordinator, new, now=now)
    meetings = list(
        await session.scalars(select(Session.id).where(Session.cohort_id == cohort.id).order_by(Session.starts_at))
    )
    volunteers = [p for p in loaded.org.staff if "volunteer" in p.roles]
    for index, person in enumerate(volunteers):
        staff_id = loaded.staff_ids[person.email]
        viewer = Viewer(
            staff_id=staff_id, full_name="demo", email="", roles={loaded.organisation_id: frozenset({"volunteer"})}
        )
        for week, meeting_id in enumerate(meetings[:6]):
            if week == 1 and index == len(volunteers) - 1:
                continue
            await rota.take_meeting(session, viewer, meeting_id, now=now)


async def _plan_class_lessons(session: AsyncSession, loaded: _Loaded, programme_id: int, now: datetime) -> None:
    """Each first-year class gets its THINK lessons, from next week on, with mentor and guest teacher."""
    org, coordinator = loaded.org, loaded.coordinator
    template = await session.scalar(select(ProgrammeTemplate).where(ProgrammeTemplate.programme_id == programme_id))
    assert template is not None  # the programme was just made from its template
    guest = next(loaded.staff_ids[p.email] for p in org.staff if "guest_teacher" in p.roles)
    classes = list(
        await session.scalars(
            select(SchoolClass)
            .where(
                SchoolClass.organisation_id == loaded.organisation_id,
                SchoolClass.school_year == current_school_year(now),
            )
            .order_by(SchoolClass.class_name)
        )
    )
    monday = now.date() + timedelta(days=7 - now.weekday())
    for index, school_class in enumerate(classes):
        cohort = Cohort(
            programme_id=programme_id,
            template_id=template.id,
            status=CohortStatus.CONFIRMED,
            name=f"{school_class.class_name} {school_class.school_year}",
            language="nl",
            place=org.city,
            school_class_id=school_class.id,
        )
        session.add(cohort)
        await session.commit()
        assert school_class.mentor_id is not None  # every demo class has its mentor
        await planning.set_facilitator(
            session, coordinator, cohort.id, planning.Facilitator(school_class.mentor_id, "mentor"), now=now
        )
        await planning.set_facilitator(
            session, coordinator, cohort.id, planning.Facilitator(guest, "guest_teacher"), now=now
        )
        await planning.plan_cohort_sessions(
            session,
            coordinator,
            cohort.id,
            planning.PlanRequest(weekday=index % 5, start_time=time(9 + index, 0), start_date=monday),
            now=now,
        )


async def load_demo(
    settings: Settings, now: datetime | None = None, on_organisation_done: Callable[[], None] | None = None
) -> DemoResult:
    """Load the demo organisations (idempotent); `on_organisation_done` hears after each (for progress)."""
    moment = now or datetime.now(UTC)
    engine = engine_for(settings)
    try:
        factory = make_session_factory(engine)
        created = False
        async with factory() as session:
            for org in ORGANISATIONS:
                created = await _ensure_organisation(session, org, moment) or created
                if on_organisation_done is not None:
                    on_organisation_done()
            created = await load_demo_attendance(session, moment) or created
            created = await load_demo_open_groups(session, moment) or created
            created = await load_demo_pregnancy(session, moment) or created
            # Last, so the meetings every other demo piece made get a place too.
            await place_demo_meetings(session, (o.slug for o in ORGANISATIONS))
    finally:
        await engine.dispose()
    logins = [DemoLogin(", ".join(p.roles), p.email, o.name) for o in ORGANISATIONS for p in o.staff]
    return DemoResult(created=created, password=DEMO_PASSWORD, logins=logins)
