"""Demo CenteringPregnancy in Huizen, so every role sees it on the first run: a confirmed group of
12 women due about 24 weeks from now, led by the midwife and the coordinator, its coming meetings
planned (the intake and the first group meeting are already over, so they are left out), two free
places and two women waiting who could join late; and a second group near its births ("#2"): its
meeting of pregnancy week 37 was yesterday (its register still open to the midwife) and its meeting
with the babies is planned, so a birth can be recorded on the register. Loaded once: a second run
changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import Role
from groepsaanbod.cohorts.models import Cohort, CohortStatus
from groepsaanbod.i18n.formatting import local_date
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate, SessionSpec
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.scheduling.models import Session, SessionStaff
from groepsaanbod.scheduling.services import planning
from groepsaanbod.scheduling.sessions import to_utc

SLUG = "centering-pregnancy-huizen"
NAMES = (
    "Sanne", "Lotte", "Iris", "Femke", "Noor", "Eva", "Ayşe", "Elif", "Zeynep", "Fatima", "Anna", "Grace",
)  # fmt: skip
WAITING = ("Mariam", "Hodan")
#: The group's middle due date is this far from today: pregnancy week 17, meetings from week 19 on.
GROUP_DUE_IN = timedelta(weeks=24)


async def _staff(session: AsyncSession, organisation_id: int, role: str) -> int:
    staff_id = await session.scalar(
        select(Role.staff_id).where(Role.organisation_id == organisation_id, Role.role == role).order_by(Role.staff_id)
    )
    assert staff_id is not None  # demo.py gives the practice a coordinator and a midwife
    return staff_id


#: Group #2: women due around three weeks from now, the last one later (she gives birth early).
NEAR_BIRTH = ("Julia", "Emma", "Sara", "Hanna", "Yasmin", "Meryem", "Ilse", "Maud")
#: Days from the group's due date: the others' latest is a week after it, so a birth of Maud moves
#: the meeting with the babies (8 weeks after the last birth or due date) a week on.
NEAR_BIRTH_DUE = (-14, -10, -7, -3, 0, 3, 7, 10)


def _person(session: AsyncSession, name: str, index: int, due: datetime, group: int = 1) -> Participant:
    person = Participant(
        full_name=f"{name} {chr(65 + index)}.",
        email=f"demo-centering-{index}@example.org" if group == 1 else f"demo-centering-{group}-{index}@example.org",
        language="nl",
        due_date=due.date(),
    )
    session.add(person)
    return person


async def load_demo_pregnancy(session: AsyncSession, now: datetime) -> bool:
    programme = await session.scalar(select(Programme).where(Programme.slug == SLUG))
    if programme is None or await session.scalar(select(Cohort.id).where(Cohort.programme_id == programme.id)):
        return False
    template = await session.scalar(
        select(ProgrammeTemplate)
        .where(ProgrammeTemplate.programme_id == programme.id, ProgrammeTemplate.published_at.is_not(None))
        .order_by(ProgrammeTemplate.version.desc())
    )
    assert template is not None  # demo.py publishes the programme
    middle = datetime.combine(local_date(now) + GROUP_DUE_IN, time(12))
    people: list[tuple[str, int, bool, datetime]] = [
        (name, i, True, middle + timedelta(days=(i % 12) * 3 - 15)) for i, name in enumerate(NAMES)
    ]
    people += [(name, len(NAMES) + i, False, middle + timedelta(days=-15)) for i, name in enumerate(WAITING)]
    group = _Group(programme, template, middle, 1, weekday=1)
    cohort_id = await _group(session, group, people, now)
    await _plan(session, group, cohort_id, now)
    # Group #2: week 37 began yesterday, on the group's weekday.
    yesterday = local_date(now) - timedelta(days=1)
    near = datetime.combine(yesterday + timedelta(weeks=3), time(12))
    second = _Group(programme, template, near, 2, weekday=yesterday.weekday())
    others = [(name, i, True, near + timedelta(days=NEAR_BIRTH_DUE[i])) for i, name in enumerate(NEAR_BIRTH)]
    second_id = await _group(session, second, others, now)
    await _plan(session, second, second_id, now)
    await _held_yesterday(session, second_id, yesterday)
    return True


@dataclass(frozen=True)
class _Group:
    programme: Programme
    template: ProgrammeTemplate
    middle: datetime
    number: int
    weekday: int


async def _group(
    session: AsyncSession, group: _Group, people: list[tuple[str, int, bool, datetime]], now: datetime
) -> int:
    cohort = Cohort(
        programme_id=group.programme.id,
        template_id=group.template.id,
        status=CohortStatus.CONFIRMED,
        name=f"Huizen nl {group.middle:%Y-%m} #{group.number}",
        language="nl",
        place="Huizen",
        reference_date=group.middle.date(),
    )
    session.add(cohort)
    await session.flush()
    for name, index, member, due in people:
        person = _person(session, name, index, due, group.number)
        await session.flush()
        signed_up = now - timedelta(weeks=8 if group.number == 1 else 26, days=index)
        session.add(
            Registration(
                participant_id=person.id,
                programme_id=group.programme.id,
                cohort_id=cohort.id if member else None,
                status=RegistrationStatus.CONFIRMED if member else RegistrationStatus.PENDING,
                language="nl",
                place="Huizen",
                preferences={"part_of_day": "morning" if index % 3 else "any"},
                contact_email=person.email,
                consented_at=signed_up,
                confirmed_at=signed_up if member else None,
                created_at=signed_up,
            )
        )
    await session.commit()
    return cohort.id


async def _plan(session: AsyncSession, group: _Group, cohort_id: int, now: datetime) -> None:
    organisation_id = group.programme.organisation_id
    coordinator_id = await _staff(session, organisation_id, "coordinator")
    coordinator = Viewer(coordinator_id, "demo", "", {organisation_id: frozenset({"coordinator"})})
    midwife_id = await _staff(session, organisation_id, "midwife")
    for staff_id, role in ((midwife_id, "midwife"), (coordinator_id, "coordinator")):
        await planning.set_facilitator(session, coordinator, cohort_id, planning.Facilitator(staff_id, role), now=now)
    request = planning.PlanRequest(group.weekday, time(9, 30), due_date=group.middle.date(), leave_out_past=True)
    await planning.plan_cohort_sessions(session, coordinator, cohort_id, request, now=now)


async def _held_yesterday(session: AsyncSession, cohort_id: int, yesterday: date) -> None:
    """The meeting of week 37, as planning had put it: yesterday (left out above as past)."""
    coming = list(await session.scalars(select(Session).where(Session.cohort_id == cohort_id).order_by(Session.number)))
    model = coming[0]
    cohort = await session.get(Cohort, cohort_id)
    assert cohort is not None  # made above
    week_37 = await session.scalar(
        select(SessionSpec.id).where(
            SessionSpec.template_id == cohort.template_id,
            SessionSpec.timing == "pregnancy_week",
            SessionSpec.kind == "group",
            SessionSpec.week == 37,
        )
    )
    local = datetime.combine(yesterday, time(9, 30))
    held = Session(
        programme_id=model.programme_id,
        cohort_id=cohort_id,
        spec_id=week_37,
        venue_id=model.venue_id,
        local_start=local,
        timezone=model.timezone,
        starts_at=to_utc(local, model.timezone),
        duration_minutes=120,
        topic={"nl": "Bijna bevallen", "en": "Nearly there"},
        number=model.number - 1,
    )
    session.add(held)
    await session.flush()
    staff = await session.scalars(select(SessionStaff).where(SessionStaff.session_id == model.id))
    for row in list(staff):
        session.add(SessionStaff(session_id=held.id, staff_id=row.staff_id, role=row.role))
    await session.commit()
