"""What the scheduling use cases share: a meeting with its group, programme and template;
who may manage it; the template's rules; the region whose school holidays apply; the
outcome of checking a meeting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.cohorts.models import Cohort, SchoolClass
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate
from groepsaanbod.programmes.templates import ConstraintData
from groepsaanbod.scheduling.constraints import Violation
from groepsaanbod.scheduling.errors import SessionNotFound
from groepsaanbod.scheduling.models import Session

TIMEZONE = "Europe/Amsterdam"


class MeetingContext(NamedTuple):
    meeting: Session
    cohort: Cohort | None
    programme: Programme
    #: The cohort's template, with its meetings and rules loaded; None for a drop-in meeting.
    template: ProgrammeTemplate | None


async def session_context(session: AsyncSession, session_id: int) -> MeetingContext:
    s = await session.get(Session, session_id, populate_existing=True)
    if s is None:
        raise SessionNotFound()
    cohort = await session.get(Cohort, s.cohort_id) if s.cohort_id else None
    programme = await session.get_one(Programme, s.programme_id)
    template_id = cohort.template_id if cohort else None
    template = (
        await session.scalar(
            select(ProgrammeTemplate)
            .options(selectinload(ProgrammeTemplate.session_specs), selectinload(ProgrammeTemplate.constraints))
            .where(ProgrammeTemplate.id == template_id)
        )
        if template_id
        else None
    )
    return MeetingContext(s, cohort, programme, template)


def may_manage(viewer: Viewer, programme: Programme) -> bool:
    return programme.organisation_id in viewer.organisations_with({"coordinator", "admin"})


def rules_of(template: ProgrammeTemplate) -> list[ConstraintData]:
    """The template's rules; nobody and no room is ever booked twice at once, whatever it lists."""
    rules = [ConstraintData(c.kind, dict(c.params), c.hard) for c in template.constraints]
    if not any(r.kind == "no_double_booking" for r in rules):
        rules.append(ConstraintData("no_double_booking", {}, hard=True))
    return rules


async def region_of(session: AsyncSession, cohort: Cohort) -> str | None:
    if cohort.school_class_id is None:
        return None
    return (await session.get_one(SchoolClass, cohort.school_class_id)).region


def uses_school_holidays(template: ProgrammeTemplate) -> bool:
    return any(c.kind == "no_school_holidays" for c in template.constraints)


@dataclass(frozen=True)
class SessionCheck:
    session: Session
    violations: tuple[Violation, ...]

    @property
    def hard(self) -> tuple[Violation, ...]:
        return tuple(v for v in self.violations if v.hard)
