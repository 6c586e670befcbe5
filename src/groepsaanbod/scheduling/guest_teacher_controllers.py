"""JSON API of THINK op school's guest teachers: what the guest-teacher page shows of each (set it
with PUT /api/v1/programmes/{id}/guest-teachers/{staff_id}, plan with …/guest-teacher-plan)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from litestar import Response, get

from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS
from groepsaanbod.paged import NEXT_LINK, PAGED, paged_response
from groepsaanbod.paging import PageRequest, page_list
from groepsaanbod.scheduling.services.think_availability import PoolTeacher, guest_teacher_pool
from groepsaanbod.web import Context


@dataclass
class AvailabilityOut:
    #: Topics as the programme names them in Dutch (what PUT takes).
    topics: list[str]
    #: School days: 0 = Monday .. 4 = Friday.
    weekdays: list[int]
    #: The Monday of each week off.
    weeks_off: list[date]
    max_lessons_per_week: int


@dataclass
class GuestTeacherOut:
    staff_id: int
    name: str
    #: None while nothing was said: the planner then does not use this teacher.
    availability: AvailabilityOut | None


def teacher_out(t: PoolTeacher) -> GuestTeacherOut:
    a = t.availability
    return GuestTeacherOut(
        t.staff_id,
        t.name,
        AvailabilityOut(list(a.topics), list(a.weekdays), list(a.weeks_off), a.max_lessons_per_week) if a else None,
    )


@get(
    "/api/v1/programmes/{programme_id:int}/guest-teachers",
    opt={**needs_roles(*PROGRAMME_EDITORS), "scope": "sessions:read"},
    tags=["schedules"],
    dependencies=PAGED,
    response_headers=NEXT_LINK,
)
async def api_guest_teacher_pool(ctx: Context, programme_id: int, page: PageRequest) -> Response[list[GuestTeacherOut]]:
    """The guest teachers of the programme's organisation (by staff id) with what each gives and when.
    A programme not given to school classes: 422; another organisation's: 404."""
    pool = await guest_teacher_pool(ctx.db, ctx.staff, programme_id, ctx.language)
    return paged_response(ctx.request, page_list(pool.teachers, page, lambda t: t.staff_id), teacher_out)


ROUTES = [api_guest_teacher_pool]
