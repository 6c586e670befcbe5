"""What the coordinators' page and API show of a programme's groups: programme_groups (the page)
and cohort_view (one group, as the API gives it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.cohorts.formation import Unplaced
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.cohorts.services import due_dates, forming
from groepsaanbod.cohorts.services.school_classes import ClassMentor, class_mentors
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate
from groepsaanbod.programmes.services.set_up import get_programme, published_template
from groepsaanbod.programmes.templates import Formation
from groepsaanbod.registration.models import Registration
from groepsaanbod.registration.services.on_behalf import signed_up_by
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.registration.support import SupportCounts, count_support

#: Whose support needs a group's counts hold: its members (not its waiting list, not who stopped).
_COUNTED = (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED)


@dataclass(frozen=True)
class ProgrammeGroups:
    """A programme's registrations and groups, as the coordinators' page shows them."""

    programme: Programme
    #: The published template version; None before publishing.
    template: ProgrammeTemplate | None
    registrations: list[Registration]
    groups: list[Cohort]
    #: A school class's mentor, per cohort id.
    mentors: dict[int, ClassMentor]
    #: The registrations per cohort id (None: in no group).
    members: dict[int | None, list[Registration]]
    #: Programmes formed by due date: who cohort formation would leave out now, and the
    #: largest spread of due dates in a group, in weeks. None otherwise.
    unplaced: tuple[Unplaced, ...] | None
    spread_weeks: int | None
    #: Proposed groups by due date, per cohort id: their due date, the meetings each member would
    #: miss, and the part of the day the members asked for.
    outlooks: dict[int, due_dates.GroupOutlook] = field(default_factory=dict)
    #: Who signed a person up on her behalf, per registration id (assisted sign-up).
    signed_up_by: dict[int, str] = field(default_factory=dict)
    #: The members' support needs counted, per cohort id (None: those waiting for a group).
    support: dict[int | None, SupportCounts] = field(default_factory=dict)


async def programme_groups(
    session: AsyncSession,
    viewer: Viewer,
    programme_id: int,
    *,
    now: datetime | None = None,
    today: date | None = None,
) -> ProgrammeGroups:
    """Given `now`, the reading of the people's data is audited (as the registrations page); given
    `today`, groups by due date show who is too far along and which meetings each member would miss."""
    programme = await get_programme(session, viewer, programme_id)
    template = published_template(programme)
    registrations = await forming.list_registrations(
        session, viewer, programme_id, now=now, shown_as="registrations_page"
    )
    groups = await forming.list_cohorts(session, viewer, programme_id)
    mentors = await class_mentors(session, groups, now)
    members: dict[int | None, list[Registration]] = {}
    for registration in registrations:
        members.setdefault(registration.cohort_id, []).append(registration)
    unplaced, spread_weeks, outlooks = None, None, {}
    if template is not None and template.formation == Formation.DUE_DATE:
        unplaced = (await forming.current_unplaced(session, viewer, programme_id, today)).unplaced
        spread_weeks = forming.formation_rules(template).max_spread_days // 7
        if today is not None:
            outlooks = due_dates.group_outlooks(groups, members, template, today)
    support = {
        cohort_id: count_support(r.support for r in people if r.status in _COUNTED)
        for cohort_id, people in members.items()
    }
    return ProgrammeGroups(
        programme,
        template,
        registrations,
        groups,
        mentors,
        members,
        unplaced,
        spread_weeks,
        outlooks,
        await signed_up_by(session, programme_id),
        support,
    )


@dataclass(frozen=True)
class CohortView:
    """One group with its members and waiting list (registration ids, in waiting-list order)."""

    cohort: Cohort
    members: list[int]
    waitlist: list[int]
    #: A school class's mentor; None for other groups.
    mentor: ClassMentor | None
    #: The members' support needs, counted.
    support: SupportCounts = field(default_factory=SupportCounts)


async def cohort_view(session: AsyncSession, cohort: Cohort) -> CohortView:
    rows = (
        await session.execute(
            select(Registration.id, Registration.status, Registration.support)
            .where(Registration.cohort_id == cohort.id)
            .order_by(Registration.waitlist_position, Registration.id)
        )
    ).all()
    mentor = (await class_mentors(session, [cohort])).get(cohort.id)
    return CohortView(
        cohort,
        [i for i, s, _ in rows if s in (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED)],
        [i for i, s, _ in rows if s == RegistrationStatus.WAITLISTED],
        mentor,
        count_support(support for _, s, support in rows if s in _COUNTED),
    )
