"""Her reminders page: how (email, SMS, both, none) and, where the programme lets her, how many
hours before each meeting she is reminded (/{lang}/my/{token}/reminders)."""

from __future__ import annotations

from typing import Any

from litestar import Response, Router, get, post

from groepsaanbod import bounds
from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.i18n.text import shown
from groepsaanbod.participants.services import reminders
from groepsaanbod.web import Context, act


async def _page(
    ctx: Context, token: str, *, problems: list[dict[str, Any]] | None = None, saved: bool = False
) -> Response:
    own = await reminders.own_reminders(ctx.db, token, ctx.now())
    return ctx.render(
        "participants/reminders.html",
        status_code=400 if problems else 200,
        own=own,
        programme_name=shown(own.registration.programme.name, ctx.language),
        token=token,
        problems=problems or [],
        saved=saved,
    )


@get("/my/{token:str}/reminders", opt=PUBLIC)
async def reminders_page(ctx: Context, token: str, saved: int = 0) -> Response:
    return await _page(ctx, token, saved=bool(saved))


@post("/my/{token:str}/reminders", opt=PUBLIC)
async def reminders_submit(ctx: Context, token: str) -> Response:
    form = await ctx.request.form()
    raw_hours = str(form.get("hours", "")).strip()[:8]
    hours = bounds.form_number(raw_hours) if raw_hours else None
    if raw_hours and hours is None:
        hours = -1  # typed, not a number: refused like any time the programme does not offer
    choice = reminders.ReminderChoice(str(form.get("channels", ""))[:8], hours)

    async def show_form(problems: list[dict[str, Any]]) -> Response:
        return await _page(ctx, token, problems=problems)

    return await act(
        ctx,
        lambda: reminders.choose_reminders(ctx.db, token, choice, ctx.now()),
        done=lambda _: ctx.redirect(f"/my/{token}/reminders?saved=1"),
        form=show_form,
    )


ROUTES = [Router(path="/{lang:str}", route_handlers=[reminders_page, reminders_submit], include_in_schema=False)]
