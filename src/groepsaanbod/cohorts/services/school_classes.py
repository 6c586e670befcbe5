"""Use cases of school-class programmes: import_school_classes (all or nothing)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import InvitationStatus, Role, Staff, StaffInvitation
from groepsaanbod.accounts.services.invitations import (
    NewInvitation,
    find_open_invitation,
    invite_to_organisation,
    shown_status,
)
from groepsaanbod.accounts.services.links import send_first_password_link
from groepsaanbod.accounts.services.staff import NewStaff, create_staff
from groepsaanbod.cohorts import errors
from groepsaanbod.cohorts.class_list import (
    REGION_NEEDED,
    SchoolClassRow,
    decode_upload,
    read_school_classes_csv,
    school_problems,
)
from groepsaanbod.cohorts.models import Cohort, CohortFacilitator, CohortStatus, SchoolClass
from groepsaanbod.history.services import Subject, record
from groepsaanbod.i18n.text import Message
from groepsaanbod.programmes.services.set_up import get_programme, published_template
from groepsaanbod.programmes.templates import Formation
from groepsaanbod.refusals import Problem

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SchoolDetails:
    """What the coordinator says about the school with its file; None keeps what the school has."""

    #: noord | midden | zuid: the school holidays its classes' lessons skip.
    region: str | None = None
    #: Who at the school is told when a lesson is cancelled.
    contact_email: str | None = None


@dataclass(frozen=True)
class ImportSummary:
    classes: int
    new_classes: int
    new_mentors: int
    new_cohorts: int
    #: Mentors whose address has an account not (yet) on this organisation's staff: invited.
    invited_mentors: int = 0


@dataclass(frozen=True)
class _Mentor:
    staff: Staff | None
    invitation: StaffInvitation | None
    new: bool = False


async def _mentor(
    session: AsyncSession, row: SchoolClassRow, org_id: int, viewer: Viewer, now: datetime, base_url: str
) -> _Mentor:
    """The class's mentor: a new account of this organisation, one of its staff, or, for an
    account it does not employ (another organisation's), an invitation: never a role."""
    staff = await session.scalar(select(Staff).where(Staff.email == row.mentor_email))
    if staff is None:
        staff = await create_staff(session, NewStaff(row.mentor_email, row.mentor_name, None), {org_id: ["mentor"]})
        await send_first_password_link(
            session, staff, inviter=viewer.full_name, organisation_id=org_id, now=now, base_url=base_url
        )
        return _Mentor(staff, None, new=True)
    held = set(
        await session.scalars(select(Role.role).where(Role.staff_id == staff.id, Role.organisation_id == org_id))
    )
    if held:
        if "mentor" not in held:
            session.add(Role(staff_id=staff.id, organisation_id=org_id, role="mentor"))
            await session.flush()
        return _Mentor(staff, None)
    invitation = await find_open_invitation(session, org_id, row.mentor_email, now)
    if invitation is None:
        invitation = await invite_to_organisation(
            session,
            NewInvitation(org_id, row.mentor_email, row.mentor_name, ("mentor",), "nl"),
            invited_by=viewer,
            now=now,
            base_url=base_url,
        )
    elif "mentor" not in invitation.roles:
        invitation.roles = sorted({*invitation.roles, "mentor"})
    return _Mentor(None, invitation)


async def _place_mentor(session: AsyncSession, cohort_id: int, mentor_id: int | None) -> None:
    """The class's mentor leads its group as mentor (planning puts the group's people on every lesson);
    a mentor the file replaced no longer does."""
    await session.execute(
        delete(CohortFacilitator).where(
            CohortFacilitator.cohort_id == cohort_id,
            CohortFacilitator.role == "mentor",
            CohortFacilitator.staff_id != (mentor_id or 0),
        )
    )
    if mentor_id is not None and await session.get(CohortFacilitator, (cohort_id, mentor_id, "mentor")) is None:
        session.add(CohortFacilitator(cohort_id=cohort_id, staff_id=mentor_id, role="mentor"))
    await session.flush()


async def import_school_classes(
    session: AsyncSession,
    viewer: Viewer,
    programme_id: int,
    data: bytes,
    *,
    now: datetime,
    base_url: str,
    school: SchoolDetails | None = None,
) -> ImportSummary:
    """Each class of the file becomes a cohort of the programme, with its mentor.

    A file with any bad row is refused whole, each problem naming line and field.
    A mentor address new to the service gets an account with the mentor role and a
    link to choose a password; one of this organisation's staff gets the mentor role;
    any other account is invited (the class shows its mentor as invited until they
    accept), so a file never adds a role to another organisation's person.

    Each class gets the school's holiday region (given now, or kept from before: the
    place alone does not say it reliably, so without one the file is refused), and a
    mentor of the organisation is put on their class's group, so every lesson planned
    for it has the mentor (an invited mentor is put there when they accept).
    """
    details = school or SchoolDetails()
    programme = await get_programme(session, viewer, programme_id)
    template = published_template(programme)
    if template is None or template.formation != Formation.SCHOOL_CLASS:
        raise errors.ImportRefused.single("programme", errors.NOT_FOR_SCHOOL_CLASSES)
    problems, contact = school_problems(details.region, details.contact_email)
    organisation = programme.organisation
    region = details.region or organisation.school_region
    if region is None and not problems:
        problems.append(Problem("region", Message(REGION_NEEDED)))
    parsed = read_school_classes_csv(decode_upload(data))
    if problems or not parsed.ok:
        raise errors.ImportRefused((*problems, *parsed.problems))
    assert region is not None  # refused above otherwise
    organisation.school_region = region
    if contact is not None:
        organisation.contact_email = contact
    org_id, school_name = programme.organisation_id, organisation.name
    new_classes = new_mentors = new_cohorts = 0
    invited: set[int] = set()
    for row in parsed.rows:
        mentor = await _mentor(session, row, org_id, viewer, now, base_url)
        new_mentors += mentor.new
        if mentor.invitation is not None:
            invited.add(mentor.invitation.id)
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
                school_name=school_name,
                class_name=row.class_name,
                school_year=row.school_year,
                region=region,
            )
            session.add(school_class)
            new_classes += 1
        school_class.region = region
        school_class.mentor_id = mentor.staff.id if mentor.staff else None
        school_class.mentor_invitation_id = mentor.invitation.id if mentor.invitation else None
        school_class.pupils = row.pupils
        await session.flush()
        cohort = await session.scalar(
            select(Cohort).where(Cohort.programme_id == programme_id, Cohort.school_class_id == school_class.id)
        )
        if cohort is None:
            cohort = Cohort(
                programme_id=programme_id,
                template_id=template.id,
                status=CohortStatus.CONFIRMED,
                name=f"{row.class_name} {row.school_year}",
                language="nl",
                place=organisation.city,
                school_class_id=school_class.id,
            )
            session.add(cohort)
            await session.flush()
            new_cohorts += 1
        await _place_mentor(session, cohort.id, school_class.mentor_id)
    record(
        session,
        now,
        Subject(programme_id),
        "school_classes_imported",
        actor=viewer.staff_id,
        classes=len(parsed.rows),
        new_cohorts=new_cohorts,
        region=region,
    )
    await session.commit()
    log.info(
        "school classes imported",
        extra={"programme_id": programme_id, "classes": len(parsed.rows), "by": viewer.staff_id},
    )
    return ImportSummary(len(parsed.rows), new_classes, new_mentors, new_cohorts, len(invited))


@dataclass(frozen=True)
class ClassMentor:
    """Who a class's mentor is, as the class's organisation may see it."""

    #: The mentor's name; for an invitation, the name as the school's file gave it.
    name: str
    #: mentor | invited | declined | withdrawn | expired | none
    status: str


async def class_mentors(
    session: AsyncSession, cohorts: list[Cohort], now: datetime | None = None
) -> dict[int, ClassMentor]:
    """The mentor of each school-class cohort: a person of the organisation, or the invitation
    that waits for an answer (never the stored name of another organisation's account)."""
    classes = {c.id: c.school_class_id for c in cohorts if c.school_class_id}
    if not classes:
        return {}
    rows = (
        await session.execute(
            select(SchoolClass, Staff.full_name, StaffInvitation)
            .outerjoin(Staff, Staff.id == SchoolClass.mentor_id)
            .outerjoin(StaffInvitation, StaffInvitation.id == SchoolClass.mentor_invitation_id)
            .where(SchoolClass.id.in_(set(classes.values())))
        )
    ).all()
    by_class: dict[int, ClassMentor] = {}
    for school_class, name, invitation in rows:
        if school_class.mentor_id is not None:
            by_class[school_class.id] = ClassMentor(name or "", "mentor")
        elif invitation is not None:
            status = shown_status(invitation, now) if now is not None else invitation.status
            by_class[school_class.id] = ClassMentor(
                invitation.full_name, "invited" if status == InvitationStatus.OPEN else status
            )
        else:
            by_class[school_class.id] = ClassMentor("", "none")
    return {cohort: by_class[class_id] for cohort, class_id in classes.items() if class_id in by_class}
