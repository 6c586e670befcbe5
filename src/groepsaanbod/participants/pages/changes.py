"""Her details page, behind her private link: her email, phone, the language she reads, her due
date and her answers to the sign-up questions, each to change (participants/services/changes.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Response, Router, get, post
from litestar.response import Redirect

from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.i18n.languages import LANGUAGE_CODES
from groepsaanbod.i18n.text import shown
from groepsaanbod.participants.details import FIELDS, DetailsChange
from groepsaanbod.participants.services import changes
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context, act

#: A page field is at most this long when read (the checks say what is allowed; this bounds the work).
LONGEST_FIELD = 1_000


def _shown(details: changes.OwnDetails) -> dict[str, str]:
    current = details.current
    shown = {}
    for field in FIELDS:
        value = getattr(current, field)
        shown[field] = value.isoformat() if isinstance(value, date) else str(value or "")
    return shown


async def _page(
    ctx: Context,
    token: str,
    *,
    values: dict[str, str] | None = None,
    problems: list[dict[str, Any]] | None = None,
    done: str = "",
) -> Response:
    details = await changes.own_details(ctx.db, token, ctx.now())
    registration = details.registration
    return ctx.render(
        "participants/details.html",
        status_code=400 if problems else 200,
        token=token,
        programme_name=shown(registration.programme.name, ctx.language),
        stopped=registration.status == "withdrawn",
        current=details.current,
        facts=details.facts,
        values={**_shown(details), **(values or {})},
        languages=LANGUAGE_CODES,
        problems=problems or [],
        done=done,
    )


@get("/my/{token:str}/details", opt=PUBLIC)
async def details_page(ctx: Context, token: str, done: str = "") -> Response:
    return await _page(ctx, token, done=done[:20])


@post("/my/{token:str}/details", opt=PUBLIC)
async def details_submit(ctx: Context, token: str, settings: Settings) -> Response:
    form = await ctx.request.form()
    values = {field: str(form.get(field, ""))[:LONGEST_FIELD] for field in FIELDS if field in form}
    change = DetailsChange(**values)

    async def save() -> changes.ChangeOutcome:
        return await changes.change_details(ctx.db, token, change, now=ctx.now(), base_url=settings.base_url)

    def saved(outcome: changes.ChangeOutcome) -> Response:
        # After a change of language the page follows her new language.
        language = values.get("language", "").strip() if "language" in outcome.changed else ctx.language
        done = "asked" if outcome.coordinator_asked else ("saved" if outcome.changed else "same")
        return Redirect(f"/{language}/my/{token}/details?done={done}", status_code=303)

    async def again(problems: list[dict[str, Any]]) -> Response:
        return await _page(ctx, token, values=values, problems=problems)

    return await act(ctx, save, done=saved, form=again)


ROUTES = [Router(path="/{lang:str}", route_handlers=[details_page, details_submit], include_in_schema=False)]
