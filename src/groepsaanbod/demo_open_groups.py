"""Demo of an open group's life (Triple P, see README "An open group's life"): in Eindhoven a full
Dutch group that meets from next week and takes people until meeting 2; one member stopped, so the
first on its waiting list has been offered the place (answer within two days) and two more wait.
In Sliedrecht the running group Merwehoeve (demo_attendance.py) is closed for joining since its
meeting 2, and three people wait for the next group. Loaded once: a second run changes nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.cohorts.models import Cohort, CohortStatus
from groepsaanbod.i18n.formatting import local_date
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate, SessionSpec
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.scheduling.models import Session
from groepsaanbod.scheduling.sessions import to_utc

GROUP_NAME = "Eindhoven – Nederlands – 4"
NAMES = ["Mila", "Lucas", "Julia", "Finn", "Tess", "Levi", "Saar", "Luuk", "Fenna", "Jesse", "Nina", "Gijs"]
#: The Eindhoven group: who is in it, in sign-up order (status, waiting-list position).
MEMBERS = (
    [(RegistrationStatus.CONFIRMED, None)] * 11
    + [(RegistrationStatus.WITHDRAWN, None)]
    + [(RegistrationStatus.OFFERED, None), (RegistrationStatus.WAITLISTED, 1), (RegistrationStatus.WAITLISTED, 2)]
)
TIMEZONE = "Europe/Amsterdam"


async def _template(session: AsyncSession, programme_id: int) -> ProgrammeTemplate:
    template = await session.scalar(
        select(ProgrammeTemplate)
        .where(ProgrammeTemplate.programme_id == programme_id)
        .order_by(ProgrammeTemplate.version.desc())
    )
    assert template is not None  # every demo programme is made from its template
    return template


def _person(slug: str, index: int, name: str, signed_up: datetime) -> Participant:
    return Participant(
        full_name=f"{name} {chr(75 + index % 12)}.",
        email=f"demo-open-{slug}-{index}@example.org",
        language="nl",
        postcode="5621 AB",
        child_birth_date=local_date(signed_up) - timedelta(days=500 + 97 * index),
    )


async def _registration(session: AsyncSession, programme: Programme, person: Participant, at: datetime) -> Registration:
    session.add(person)
    await session.flush()
    registration = Registration(
        participant_id=person.id,
        programme_id=programme.id,
        language="nl",
        contact_email=person.email,
        consented_at=at,
        created_at=at,
    )
    session.add(registration)
    return registration


async def _eindhoven(session: AsyncSession, now: datetime) -> bool:
    programme = await session.scalar(select(Programme).where(Programme.slug == "triple-p-eindhoven"))
    if programme is None or await session.scalar(select(Cohort.id).where(Cohort.name == GROUP_NAME)):
        return False
    template = await _template(session, programme.id)
    cohort = Cohort(
        programme_id=programme.id,
        template_id=template.id,
        name=GROUP_NAME,
        language="nl",
        place="Eindhoven",
        status=CohortStatus.FORMING,
        accepts_registrations=True,
    )
    session.add(cohort)
    await session.flush()
    for index, (status, position) in enumerate(MEMBERS):
        at = now - timedelta(days=20 - index)
        person = _person(programme.slug, index, NAMES[index % len(NAMES)], at)
        registration = await _registration(session, programme, person, at)
        registration.place, registration.cohort_id = "Eindhoven", cohort.id
        registration.status, registration.waitlist_position = status, position
        if status == RegistrationStatus.CONFIRMED:
            registration.confirmed_at = at
        elif status == RegistrationStatus.WITHDRAWN:
            registration.withdrawn_at = now - timedelta(hours=8)
        elif status == RegistrationStatus.OFFERED:
            registration.offered_until = now + timedelta(hours=40)
    specs = list(
        await session.scalars(
            select(SessionSpec).where(SessionSpec.template_id == template.id).order_by(SessionSpec.position)
        )
    )
    first_day = local_date(now) + timedelta(days=7 - local_date(now).weekday() + 1)  # Tuesday next week
    for number, spec in enumerate(specs, start=1):
        local = datetime.combine(first_day + timedelta(weeks=number - 1), time(19, 30))
        session.add(
            Session(
                programme_id=programme.id,
                cohort_id=cohort.id,
                spec_id=spec.id,
                local_start=local,
                starts_at=to_utc(local, TIMEZONE),
                duration_minutes=spec.duration_minutes,
                topic=dict(spec.topic),
                number=number,
            )
        )
    await session.commit()
    return True


async def _sliedrecht(session: AsyncSession, now: datetime) -> bool:
    programme = await session.scalar(select(Programme).where(Programme.slug == "triple-p-sliedrecht"))
    if programme is None:
        return False
    slug = programme.slug
    if await session.scalar(select(Participant.id).where(Participant.email == f"demo-open-{slug}-0@example.org")):
        return False
    for index, name in enumerate(("Roos", "Milan", "Yara")):
        at = now - timedelta(days=3 - index)
        registration = await _registration(session, programme, _person(slug, index, name, at), at)
        registration.place, registration.status = "Sliedrecht", RegistrationStatus.PENDING
    await session.commit()
    return True


async def load_demo_open_groups(session: AsyncSession, now: datetime) -> bool:
    eindhoven = await _eindhoven(session, now)
    return await _sliedrecht(session, now) or eindhoven
