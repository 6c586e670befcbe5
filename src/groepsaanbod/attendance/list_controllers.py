"""JSON API of the list of registers: the meetings the /staff/registers page offers (today and the
past 7 days, of the person's organisations; helpers only their own), each with whether it was taken."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from litestar import Response, get

from groepsaanbod.attendance.controllers import REGISTER_TAKERS
from groepsaanbod.attendance.services import meetings
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.i18n.text import pick
from groepsaanbod.paged import NEXT_LINK, PAGED, paged_response
from groepsaanbod.paging import PageRequest, page_list
from groepsaanbod.scheduling.models import Session
from groepsaanbod.web import Context


@dataclass
class RegisterListItemOut:
    session_id: int
    cohort_id: int
    cohort_name: str
    programme_id: int
    #: The programme's name in the request's language (else Dutch).
    programme_name: str
    topic: str
    starts_at: datetime
    #: The meeting's own time zone (IANA), to show its local time.
    timezone: str
    register_taken: bool


@get(
    "/api/v1/registers",
    opt={**REGISTER_TAKERS, "scope": "attendance:read"},
    tags=["attendance"],
    dependencies=PAGED,
    response_headers=NEXT_LINK,
)
async def api_registers(ctx: Context, page: PageRequest) -> Response[list[RegisterListItemOut]]:
    """Meetings of today and the past 7 days whose register you may take, newest first (by meeting
    id); take one with GET/POST /api/v1/sessions/{id}/register."""
    recent = await meetings.recent_sessions(ctx.db, ctx.staff, ctx.now())
    programmes = await meetings.programmes_by_id(ctx.db)
    language = ctx.language

    def out(row: tuple[Session, Cohort, bool]) -> RegisterListItemOut:
        s, cohort, taken = row
        return RegisterListItemOut(
            s.id,
            cohort.id,
            cohort.name,
            s.programme_id,
            pick(programmes[s.programme_id].name, language),
            pick(s.topic, language),
            s.starts_at,
            s.timezone,
            taken,
        )

    return paged_response(ctx.request, page_list(recent, page, lambda r: r[0].id, newest_first=True), out)


ROUTES = [api_registers]
