"""Her support needs on her own side: the form "Help to come" and its answer
(participants/services/support.py)."""

from __future__ import annotations

from typing import Any

from litestar import Response, Router, get, post

from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.i18n.text import shown
from groepsaanbod.participants.services.support import change_support, own_support
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.registration.support import INTERPRETER_LANGUAGES, SUPPORT_FIELDS, answers_from_fields, form_values
from groepsaanbod.web import Context, act


async def _support_page(
    ctx: Context, token: str, *, values: dict[str, Any] | None = None, problems: list[dict[str, Any]] | None = None
) -> Response:
    registration = await own_support(ctx.db, token, ctx.now())
    if registration.status == RegistrationStatus.WITHDRAWN:
        return ctx.redirect(f"/my/{token}")
    return ctx.render(
        "participants/support.html",
        status_code=400 if problems else 200,
        token=token,
        programme_name=shown(registration.programme.name, ctx.language),
        values=values if values is not None else form_values(registration.support),
        interpreter_languages=INTERPRETER_LANGUAGES,
        problems=problems or [],
    )


@get("/my/{token:str}/support", opt=PUBLIC)
async def support_page(ctx: Context, token: str) -> Response:
    return await _support_page(ctx, token)


@post("/my/{token:str}/support", opt=PUBLIC)
async def support_submit(ctx: Context, token: str) -> Response:
    form = await ctx.request.form()
    shown: dict[str, Any] = {key: str(form.get(key, "")) for key in SUPPORT_FIELDS}
    answers = answers_from_fields(shown, form.getall("support_access", []))
    shown["support_access"] = list(answers.access)

    async def show_form(problems: list[dict[str, Any]]) -> Response:
        return await _support_page(ctx, token, values=shown, problems=problems)

    return await act(
        ctx,
        lambda: change_support(ctx.db, token, answers, ctx.now()),
        done=lambda _: ctx.redirect(f"/my/{token}?done=support"),
        form=show_form,
    )


ROUTES = [Router(path="/{lang:str}", route_handlers=[support_page, support_submit], include_in_schema=False)]
