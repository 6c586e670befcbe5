"""Demo CenteringPregnancy in Huizen, so every role sees it on the first run: a confirmed group of
12 women due about 24 weeks from now, led by the midwife and the coordinator, its coming meetings
planned (the intake and the first group meeting are already over, so they are left out), two free
places and two women waiting who could join late. Loaded once: a second run changes nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import Role
from groepsaanbod.cohorts.models import Cohort, CohortStatus
from groepsaanbod.i18n.formatting import local_date
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.scheduling.services import planning

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


def _person(session: AsyncSession, name: str, index: int, due: datetime) -> Participant:
    person = Participant(
        full_name=f"{name} {chr(65 + index)}.",
        email=f"demo-centering-{index}@example.org",
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
    cohort = Cohort(
        programme_id=programme.id,
        template_id=template.id,
        status=CohortStatus.CONFIRMED,
        name=f"Huizen nl {middle:%Y-%m} #1",
        language="nl",
        place="Huizen",
        reference_date=middle.date(),
    )
    session.add(cohort)
    await session.flush()
    people: list[tuple[str, int, int | None]] = [(name, i, cohort.id) for i, name in enumerate(NAMES)]
    people += [(name, len(NAMES) + i, None) for i, name in enumerate(WAITING)]
    for name, index, cohort_id in people:
        person = _person(session, name, index, middle + timedelta(days=(index % 12) * 3 - 15))
        await session.flush()
        signed_up = now - timedelta(weeks=8, days=index)
        session.add(
            Registration(
                participant_id=person.id,
                programme_id=programme.id,
                cohort_id=cohort_id,
                status=RegistrationStatus.CONFIRMED if cohort_id else RegistrationStatus.PENDING,
                language="nl",
                place="Huizen",
                preferences={"part_of_day": "morning" if index % 3 else "any"},
                contact_email=person.email,
                consented_at=signed_up,
                confirmed_at=signed_up if cohort_id else None,
                created_at=signed_up,
            )
        )
    await session.commit()
    coordinator_id = await _staff(session, programme.organisation_id, "coordinator")
    coordinator = Viewer(coordinator_id, "demo", "", {programme.organisation_id: frozenset({"coordinator"})})
    midwife_id = await _staff(session, programme.organisation_id, "midwife")
    for staff_id, role in ((midwife_id, "midwife"), (coordinator_id, "coordinator")):
        await planning.set_facilitator(session, coordinator, cohort.id, planning.Facilitator(staff_id, role), now=now)
    await planning.plan_cohort_sessions(
        session,
        coordinator,
        cohort.id,
        planning.PlanRequest(weekday=1, start_time=time(9, 30), due_date=middle.date(), leave_out_past=True),
        now=now,
    )
    return True
