"""The volunteers' rota page: the coming drop-in meetings, taking one, withdrawing, asking
another volunteer to swap, and answering such a request."""

from __future__ import annotations

from typing import Any

from litestar import Response, Router, get, post

from groepsaanbod import bounds
from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.scheduling.services import rota
from groepsaanbod.web import Context, act

VOLUNTEERS = needs_roles(rota.VOLUNTEER)


@get("/staff/rota", opt=VOLUNTEERS)
async def rota_page(ctx: Context, done: str = "") -> Response:
    view = await rota.volunteer_rota(ctx.db, ctx.staff, ctx.now())
    return ctx.render("scheduling/rota.html", view=view, done=done)


async def _refused(ctx: Context, _problems: list[dict[str, Any]]) -> Response:
    """The rota's forms are one button each: a refusal is said at the top of the rota."""
    return ctx.redirect("/staff/rota?done=refused")


@post("/staff/rota/{session_id:int}", opt=VOLUNTEERS)
async def rota_submit(ctx: Context, session_id: int) -> Response:
    form = await ctx.request.form()
    action = str(form.get("action", ""))
    if action == "take":
        return await act(
            ctx,
            lambda: rota.take_meeting(ctx.db, ctx.staff, session_id, now=ctx.now()),
            done=lambda s: ctx.redirect(f"/staff/rota?done=taken#meeting-{s.id}"),
            form=lambda problems: _refused(ctx, problems),
        )
    if action == "withdraw":
        return await act(
            ctx,
            lambda: rota.withdraw_from_meeting(ctx.db, ctx.staff, session_id, now=ctx.now()),
            done=lambda s: ctx.redirect(f"/staff/rota?done=withdrawn#meeting-{s.id}"),
            form=lambda problems: _refused(ctx, problems),
        )
    if action == "swap":
        other = bounds.form_id(form.get("to_staff_id", ""))
        return await act(
            ctx,
            lambda: rota.ask_swap(ctx.db, ctx.staff, session_id, other, now=ctx.now()),
            done=lambda _: ctx.redirect("/staff/rota?done=asked"),
            form=lambda problems: _refused(ctx, problems),
        )
    return ctx.redirect("/staff/rota")


@post("/staff/rota/swaps/{swap_id:int}", opt=VOLUNTEERS)
async def swap_answer_submit(ctx: Context, swap_id: int) -> Response:
    form = await ctx.request.form()
    accept = str(form.get("answer", "")) == "yes"
    return await act(
        ctx,
        lambda: rota.answer_swap(ctx.db, ctx.staff, swap_id, accept, now=ctx.now()),
        done=lambda _: ctx.redirect(f"/staff/rota?done={'accepted' if accept else 'declined'}"),
        form=lambda problems: _refused(ctx, problems),
    )


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[rota_page, rota_submit, swap_answer_submit],
        include_in_schema=False,
    )
]
