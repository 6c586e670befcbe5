"""JSON API of "I can't come": by her private link (per meeting of her group) or by a reminder's
one-meeting link."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import delete, get, post
from litestar.params import JSONBody

from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.participants.services import absences
from groepsaanbod.registration.services.registrations import find_registration
from groepsaanbod.web import Context


@dataclass
class CannotComeIn:
    #: Optional: ill | excused | gave_birth | other (the register's reasons); none means excused.
    reason: str = ""


@dataclass
class AbsenceOut:
    session_id: int
    cannot_come: bool
    reason: str | None = None


def _out(session_id: int, notice: object | None) -> AbsenceOut:
    return AbsenceOut(session_id, notice is not None, getattr(notice, "reason", None))


@post("/api/v1/my/{token:str}/meetings/{session_id:int}/absence", opt=PUBLIC, tags=["registration"], status_code=200)
async def api_cannot_come(ctx: Context, token: str, session_id: int, data: JSONBody[CannotComeIn]) -> AbsenceOut:
    """I can't come to this meeting of my group (until it starts). Saying it again keeps one notice."""
    registration = await find_registration(ctx.db, token, ctx.now())
    notice = await absences.tell_cannot_come(
        ctx.db, registration, session_id, reason=data.reason[:20], via="page", now=ctx.now()
    )
    return _out(session_id, notice)


@delete("/api/v1/my/{token:str}/meetings/{session_id:int}/absence", opt=PUBLIC, tags=["registration"], status_code=200)
async def api_take_back_cannot_come(ctx: Context, token: str, session_id: int) -> AbsenceOut:
    """I can come after all (until the meeting starts)."""
    registration = await find_registration(ctx.db, token, ctx.now())
    await absences.take_back_cannot_come(ctx.db, registration, session_id, now=ctx.now())
    return _out(session_id, None)


@get("/api/v1/my/absence/{token:str}", opt=PUBLIC, tags=["registration"])
async def api_absence_link(ctx: Context, token: str) -> AbsenceOut:
    """What a reminder's link is for: its meeting, and whether you told us you can't come."""
    found = await absences.meeting_of_link(ctx.db, token)
    return _out(found.meeting.id, found.notice)


@post("/api/v1/my/absence/{token:str}", opt=PUBLIC, tags=["registration"], status_code=200)
async def api_cannot_come_by_link(ctx: Context, token: str, data: JSONBody[CannotComeIn]) -> AbsenceOut:
    """The reminder's link: I can't come to this meeting."""
    found = await absences.meeting_of_link(ctx.db, token)
    notice = await absences.tell_cannot_come(
        ctx.db, found.registration, found.meeting.id, reason=data.reason[:20], via="link", now=ctx.now()
    )
    return _out(found.meeting.id, notice)


@delete("/api/v1/my/absence/{token:str}", opt=PUBLIC, tags=["registration"], status_code=200)
async def api_take_back_by_link(ctx: Context, token: str) -> AbsenceOut:
    """The reminder's link: I can come after all."""
    found = await absences.meeting_of_link(ctx.db, token)
    await absences.take_back_cannot_come(ctx.db, found.registration, found.meeting.id, now=ctx.now())
    return _out(found.meeting.id, None)


ROUTES = [
    api_cannot_come,
    api_take_back_cannot_come,
    api_absence_link,
    api_cannot_come_by_link,
    api_take_back_by_link,
]
