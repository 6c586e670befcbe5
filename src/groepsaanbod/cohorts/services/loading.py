"""load_cohort: a cohort with its programme and template, for a viewer who may see it. The one loader
the cohort's use cases (forming, scheduling) share."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.cohorts.errors import CohortNotFound
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.programmes.errors import ProgrammeNotFound
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate
from groepsaanbod.programmes.services.set_up import get_programme


class LoadedCohort(NamedTuple):
    cohort: Cohort
    programme: Programme
    #: The version the cohort started with, with its meetings and rules loaded.
    template: ProgrammeTemplate


async def load_cohort(session: AsyncSession, viewer: Viewer, cohort_id: int) -> LoadedCohort:
    """Read fresh from the database (a lock taken earlier may have waited for a change).
    Another organisation's cohort is not found, as an unknown one: we say nothing about it."""
    cohort = await session.get(Cohort, cohort_id, populate_existing=True)
    if cohort is None:
        raise CohortNotFound()
    try:
        programme = await get_programme(session, viewer, cohort.programme_id)
    except ProgrammeNotFound as hidden:
        raise CohortNotFound() from hidden
    template = (
        await session.scalars(
            select(ProgrammeTemplate)
            .options(selectinload(ProgrammeTemplate.session_specs), selectinload(ProgrammeTemplate.constraints))
            .where(ProgrammeTemplate.id == cohort.template_id)
        )
    ).one()
    return LoadedCohort(cohort, programme, template)
