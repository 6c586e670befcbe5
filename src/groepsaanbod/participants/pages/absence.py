"""Pages of "I can't come": from her private page (per coming meeting) and from a reminder's
one-meeting link. Opening the link changes nothing (link scanners open links too): it shows the
meeting and one button."""

from __future__ import annotations

from typing import Any

from litestar import Response, Router, get, post

from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.i18n.text import shown
from groepsaanbod.participants.pages.own_page import _my_page
from groepsaanbod.participants.services import absences
from groepsaanbod.registration.services.registrations import find_registration
from groepsaanbod.web import Context, act


def _answer(form: Any) -> tuple[str, str]:
    return str(form.get("action", ""))[:20], str(form.get("reason", ""))[:20]


@post("/my/{token:str}/meetings/{session_id:int}/absence", opt=PUBLIC)
async def absence_from_page(ctx: Context, token: str, session_id: int) -> Response:
    """On her page: "I can't come" (with an optional reason) or "I can come after all"."""
    action, reason = _answer(await ctx.request.form())
    registration = await find_registration(ctx.db, token, ctx.now())

    async def change() -> str:
        if action == "take_back":
            await absences.take_back_cannot_come(ctx.db, registration, session_id, now=ctx.now())
            return "coming"
        await absences.tell_cannot_come(ctx.db, registration, session_id, reason=reason, via="page", now=ctx.now())
        return "cannot_come"

    async def again(problems: list[dict[str, Any]]) -> Response:
        return await _my_page(ctx, token, problems=problems)

    return await act(ctx, change, done=lambda done: ctx.redirect(f"/my/{token}?done={done}#cant-come"), form=again)


async def _link_page(
    ctx: Context, token: str, *, problems: list[dict[str, Any]] | None = None, done: str = ""
) -> Response:
    found = await absences.meeting_of_link(ctx.db, token)
    return ctx.render(
        "participants/absence.html",
        status_code=400 if problems else 200,
        link=token,
        meeting=found.meeting,
        notice=found.notice,
        started=found.started(ctx.now()) or found.meeting.status == "cancelled",
        cancelled=found.meeting.status == "cancelled",
        programme_name=shown(found.registration.programme.name, ctx.language),
        reasons=absences.HER_REASONS,
        problems=problems or [],
        done=done,
        started_message=absences.STARTED,
    )


@get("/my/absence/{token:str}", opt=PUBLIC)
async def absence_link_page(ctx: Context, token: str, done: str = "") -> Response:
    """The reminder's link: the meeting and one button. Opening it changes nothing."""
    return await _link_page(ctx, token, done=done[:20])


@post("/my/absence/{token:str}", opt=PUBLIC)
async def absence_link_submit(ctx: Context, token: str) -> Response:
    action, reason = _answer(await ctx.request.form())
    found = await absences.meeting_of_link(ctx.db, token)

    async def change() -> str:
        if action == "take_back":
            await absences.take_back_cannot_come(ctx.db, found.registration, found.meeting.id, now=ctx.now())
            return "coming"
        await absences.tell_cannot_come(
            ctx.db, found.registration, found.meeting.id, reason=reason, via="link", now=ctx.now()
        )
        return "cannot_come"

    async def again(problems: list[dict[str, Any]]) -> Response:
        return await _link_page(ctx, token, problems=problems)

    return await act(ctx, change, done=lambda done: ctx.redirect(f"/my/absence/{token}?done={done}"), form=again)


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[absence_from_page, absence_link_page, absence_link_submit],
        include_in_schema=False,
    )
]
