"""Groups by due date, as the coordinator proposes them: who is too far along to join, the due
date a group is planned around, which meetings each member would miss, and the part of the day
the members asked for (a soft preference: it suggests the meeting time, it never splits a group).
The rules themselves are pure, in programmes.pregnancy_weeks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.cohorts.formation import PendingRegistration, Unplaced
from groepsaanbod.cohorts.models import Cohort, CohortStatus
from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.programmes.models import ProgrammeTemplate
from groepsaanbod.programmes.pregnancy_weeks import (
    PartOfDayWish,
    PlannedWeek,
    group_due_date,
    latest_join_week,
    missed_meetings,
    part_of_day_wish,
    pregnancy_meetings,
    too_far_along,
)
from groepsaanbod.registration.models import Registration

TOO_LATE = N_(
    "%(count)s registrations in %(language)s in %(place)s, due between %(first)s and %(last)s, are more than "
    "%(weeks)s weeks pregnant: too late to join a group, most meetings would be over. "
    "Ask the midwife to see them on their own."
)
#: The meeting time a proposed group gets for the part of the day most of its members asked for.
PART_OF_DAY_TIMES = {"morning": time(9, 30), "afternoon": time(13, 30), "evening": time(19, 0)}


def split_too_late(
    pending: Sequence[PendingRegistration], template: ProgrammeTemplate, today: date | None
) -> tuple[list[PendingRegistration], tuple[Unplaced, ...]]:
    """Those who may still join a group, and per language and place those who are too far along."""
    latest = latest_join_week(template.rules)
    if today is None or latest is None:
        return list(pending), ()
    fits: list[PendingRegistration] = []
    late: dict[tuple[str, str], list[PendingRegistration]] = {}
    for r in pending:
        if too_far_along(r.due_date, today, latest):
            late.setdefault((r.language, r.place), []).append(r)
        else:
            fits.append(r)
    unplaced = []
    for (language, place), people in sorted(late.items()):
        people.sort(key=lambda r: (r.due_date, r.registration_id))
        first, last = people[0].due_date, people[-1].due_date
        params = {"count": len(people), "language": language, "place": place, "first": first, "last": last}
        unplaced.append(
            Unplaced(
                language,
                place,
                tuple(r.registration_id for r in people),
                first,
                last,
                Message(TOO_LATE, {**params, "weeks": latest}),
            )
        )
    return fits, tuple(unplaced)


async def wishes(session: AsyncSession, registration_ids: Iterable[int]) -> dict[int, str]:
    """The part of the day each registration asked for ("any" when none)."""
    ids = list(registration_ids)
    if not ids:
        return {}
    rows = await session.execute(select(Registration.id, Registration.preferences).where(Registration.id.in_(ids)))
    return {i: str((prefs or {}).get("part_of_day", "any")) for i, prefs in rows}


def suggested_time(wish: PartOfDayWish) -> time | None:
    return PART_OF_DAY_TIMES.get(wish.best)


@dataclass(frozen=True)
class GroupOutlook:
    """What a coordinator sees of a proposed group by due date before confirming it."""

    #: The due date its meetings are planned around (the middle of the members' due dates).
    due_date: date
    #: Per registration id, the meetings (number, pregnancy week) that member would miss.
    missed: dict[int, tuple[PlannedWeek, ...]]
    wish: PartOfDayWish


def group_outlooks(
    groups: Sequence[Cohort],
    members: dict[int | None, list[Registration]],
    template: ProgrammeTemplate,
    today: date,
) -> dict[int, GroupOutlook]:
    """Per proposed group: its due date, who would miss which meetings, and the part of the day wished."""
    meetings = pregnancy_meetings(
        [(s.timing, s.week) for s in sorted(template.session_specs, key=lambda s: s.position)]
    )
    found = {}
    for group in groups:
        if group.status != CohortStatus.PROPOSED:
            continue
        people = [(r, r.participant.due_date) for r in members.get(group.id, []) if r.participant.due_date]
        due = group_due_date(own for _, own in people)
        if due is None:
            continue
        found[group.id] = GroupOutlook(
            due,
            {r.id: missed_meetings(meetings, due, own, today) for r, own in people},
            part_of_day_wish(str((r.preferences or {}).get("part_of_day", "any")) for r, _ in people),
        )
    return found
