"""Planning a group by due date cannot go wrong silently: the due date used lies among the
members' due dates, the time lies within the template's meeting hours, and a meeting that would
fall in the past is named (and only left out when the coordinator asks for it)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.cohorts.services.loading import load_cohort
from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.programmes.models import ProgrammeTemplate
from groepsaanbod.programmes.pregnancy_weeks import group_due_date
from groepsaanbod.programmes.templates import Schedule
from groepsaanbod.refusals import Problem
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.scheduling.errors import ScheduleRefused
from groepsaanbod.scheduling.models import Session
from groepsaanbod.scheduling.sessions import SessionPlan

#: Meetings start at 07:00 at the earliest and end by 22:00, unless the template says otherwise.
DEFAULT_MEETING_HOURS = (7, 22)

DUE_DATE_OUTSIDE = N_(
    "Give a due date from %(first)s to %(last)s: the members of this group are due between these dates."
)
OUTSIDE_HOURS = N_(
    "Choose a start time from %(first)s so that the meeting ends by %(last)s: "
    "the programme's meetings take place between these times."
)
IN_THE_PAST = N_(
    "Meetings %(numbers)s would be in the past (%(dates)s). Give a later due date, or tick "
    "“Leave out the meetings whose date has passed” to plan only the coming meetings."
)


async def member_due_dates(session: AsyncSession, cohort_id: int) -> list[date]:
    """The due dates of the group's members (pending or confirmed), earliest first."""
    rows = await session.scalars(
        select(Participant.due_date)
        .join(Registration, Registration.participant_id == Participant.id)
        .where(
            Registration.cohort_id == cohort_id,
            Registration.status.in_((RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING)),
            Participant.due_date.is_not(None),
        )
    )
    return sorted(d for d in rows if d is not None)


def check_group_due(due: date, members: list[date]) -> None:
    """A group's due date lies among its members' due dates (2026-01-01 for women due in May is a typo)."""
    if members and not members[0] <= due <= members[-1]:
        raise ScheduleRefused.single("due_date", DUE_DATE_OUTSIDE, first=members[0], last=members[-1])


def meeting_hours(template: ProgrammeTemplate) -> tuple[int, int]:
    hours = template.rules.get("meeting_hours")
    return (hours[0], hours[1]) if hours else DEFAULT_MEETING_HOURS


def check_meeting_hours(template: ProgrammeTemplate, start: time) -> None:
    """The start time, and the end of the longest meeting, lie within the template's meeting hours."""
    first, last = meeting_hours(template)
    longest = max((s.duration_minutes for s in template.session_specs), default=0)
    begins = timedelta(hours=start.hour, minutes=start.minute)
    if begins < timedelta(hours=first) or begins + timedelta(minutes=longest) > timedelta(hours=last):
        raise ScheduleRefused.single("start_time", OUTSIDE_HOURS, first=f"{first:02d}:00", last=f"{last:02d}:00")


def without_past(plan: SessionPlan, now: datetime, *, leave_out: bool) -> SessionPlan:
    """The plan, refused when a meeting would be in the past, or without those meetings when asked."""
    past = [s for s in plan.sessions if s.starts_at < now]
    if not past:
        return plan
    if not leave_out:
        raise ScheduleRefused(
            [
                Problem(
                    "due_date",
                    Message(
                        IN_THE_PAST,
                        {
                            "numbers": ", ".join(str(s.number) for s in past),
                            "dates": [s.local_start.date() for s in past],
                        },
                    ),
                )
            ]
        )
    return replace(plan, sessions=tuple(s for s in plan.sessions if s.starts_at >= now))


@dataclass(frozen=True)
class DueDates:
    """What the schedule form of a group by due date shows: the members' first, middle and last
    due date, and the one the meetings are planned around now (None before they are planned)."""

    first: date
    middle: date
    last: date
    used: date | None


async def due_dates_of(session: AsyncSession, viewer: Viewer, cohort_id: int) -> DueDates | None:
    """None for a group not planned by pregnancy weeks, or one without members' due dates."""
    cohort, _, template = await load_cohort(session, viewer, cohort_id)
    if template.schedule != Schedule.PREGNANCY_WEEK:
        return None
    dates = await member_due_dates(session, cohort.id)
    middle = group_due_date(dates)
    if middle is None:
        return None
    return DueDates(dates[0], middle, dates[-1], await _used(session, cohort))


async def _used(session: AsyncSession, cohort: Cohort) -> date | None:
    planned = await session.scalar(select(Session.id).where(Session.cohort_id == cohort.id).limit(1))
    return cohort.reference_date if planned else None
