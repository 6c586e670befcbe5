"""Use cases of school-class programmes: import_school_classes (all or nothing)."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.accounts.models import Role, Staff
from groepsaanbod.accounts.services import NewStaff, create_staff
from groepsaanbod.accounts.viewer import Viewer
from groepsaanbod.programmes.services import get_programme, published_template
from groepsaanbod.registration.services import record
from groepsaanbod.scheduling import errors
from groepsaanbod.scheduling.models import Cohort, SchoolClass
from groepsaanbod.scheduling.school_classes import decode_upload, read_school_classes_csv

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportSummary:
    classes: int
    new_classes: int
    new_mentors: int
    new_cohorts: int


async def import_school_classes(
    session: AsyncSession, viewer: Viewer, programme_id: int, data: bytes, now: datetime, region: str = "noord"
) -> ImportSummary:
    """Each class of the file becomes a cohort of the programme, with its mentor.

    A file with any bad row is refused whole, each problem naming line and field.
    Mentors new to the organisation get an account with the mentor role and no
    usable password (they are invited separately).
    """
    programme = await get_programme(session, viewer, programme_id)
    template = published_template(programme)
    if template is None or template.formation != "school_class":
        raise errors.ImportRefused.single("programme", errors.NOT_FOR_SCHOOL_CLASSES)
    parsed = read_school_classes_csv(decode_upload(data))
    if not parsed.ok:
        raise errors.ImportRefused(parsed.problems)
    org_id, school = programme.organisation_id, programme.organisation.name
    new_classes = new_mentors = new_cohorts = 0
    for row in parsed.rows:
        mentor = await session.scalar(select(Staff).where(Staff.email == row.mentor_email))
        if mentor is None:
            mentor = await create_staff(
                session, NewStaff(row.mentor_email, row.mentor_name, secrets.token_urlsafe(32)), {org_id: ["mentor"]}
            )
            new_mentors += 1
        elif not await session.scalar(
            select(Role.id).where(Role.staff_id == mentor.id, Role.organisation_id == org_id, Role.role == "mentor")
        ):
            session.add(Role(staff_id=mentor.id, organisation_id=org_id, role="mentor"))
        school_class = await session.scalar(
            select(SchoolClass).where(
                SchoolClass.organisation_id == org_id,
                SchoolClass.class_name == row.class_name,
                SchoolClass.school_year == row.school_year,
            )
        )
        if school_class is None:
            school_class = SchoolClass(
                organisation_id=org_id,
                school_name=school,
                class_name=row.class_name,
                school_year=row.school_year,
                region=region,
            )
            session.add(school_class)
            new_classes += 1
        school_class.mentor_id, school_class.pupils = mentor.id, row.pupils
        await session.flush()
        cohort = await session.scalar(
            select(Cohort).where(Cohort.programme_id == programme_id, Cohort.school_class_id == school_class.id)
        )
        if cohort is None:
            session.add(
                Cohort(
                    programme_id=programme_id,
                    template_id=template.id,
                    status="confirmed",
                    name=f"{row.class_name} {row.school_year}",
                    language="nl",
                    place=programme.organisation.city,
                    school_class_id=school_class.id,
                )
            )
            new_cohorts += 1
    record(
        session,
        now,
        programme_id,
        "school_classes_imported",
        actor=viewer.staff_id,
        classes=len(parsed.rows),
        new_cohorts=new_cohorts,
    )
    await session.commit()
    log.info(
        "school classes imported",
        extra={"programme_id": programme_id, "classes": len(parsed.rows), "by": viewer.staff_id},
    )
    return ImportSummary(len(parsed.rows), new_classes, new_mentors, new_cohorts)
