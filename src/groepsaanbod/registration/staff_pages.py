"""Pages of assisted sign-up: a desk, a midwife or a trainer signs a person up on her behalf
(registration/services/on_behalf.py): the programmes to choose from, the form, and the answer."""

from __future__ import annotations

from typing import Any

from litestar import Response, Router, get, post

from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.access.roles import SIGN_UP_ASSISTANTS
from groepsaanbod.i18n.languages import LANGUAGE_CODES
from groepsaanbod.i18n.text import shown as text_shown
from groepsaanbod.registration.eligibility import PARTS_OF_DAY, RegistrationForm
from groepsaanbod.registration.pages import FORM_FIELDS, support_fields
from groepsaanbod.registration.services import on_behalf
from groepsaanbod.registration.services.registrations import PrivateLinks
from groepsaanbod.registration.services.sign_up_limits import counted_sign_up, staff_limits
from groepsaanbod.registration.support import INTERPRETER_LANGUAGES
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context, act

ASSISTANTS = needs_roles(*SIGN_UP_ASSISTANTS)


@get("/staff/sign-up", opt=ASSISTANTS)
async def assisted_programmes_page(ctx: Context) -> Response:
    programmes = await on_behalf.programmes_for_assisted_sign_up(ctx.db, ctx.staff)
    return ctx.render("registration/assisted_programmes.html", programmes=programmes)


async def _form_page(
    ctx: Context,
    programme_id: int,
    *,
    values: dict[str, Any] | None = None,
    problems: list[dict[str, Any]] | None = None,
) -> Response:
    shown = await on_behalf.assisted_sign_up_form(ctx.db, ctx.staff, programme_id)
    facts = shown.facts
    defaults = {
        "language": ctx.language if ctx.language in facts.languages else facts.languages[0],
        "reads_language": ctx.language,
        "part_of_day": "any",
        "place": facts.places[0] if len(facts.places) == 1 else "",
    }
    return ctx.render(
        "registration/assisted.html",
        status_code=400 if problems else 200,
        programme=shown.programme,
        organisation=shown.organisation,
        facts=facts,
        parts_of_day=PARTS_OF_DAY,
        reading_languages=LANGUAGE_CODES,
        interpreter_languages=INTERPRETER_LANGUAGES,
        values={**defaults, **(values or {})},
        problems=problems or [],
    )


@get("/staff/programmes/{programme_id:int}/sign-up", opt=ASSISTANTS)
async def assisted_form_page(ctx: Context, programme_id: int) -> Response:
    return await _form_page(ctx, programme_id)


@post("/staff/programmes/{programme_id:int}/sign-up", opt=ASSISTANTS)
async def assisted_submit(ctx: Context, programme_id: int, settings: Settings) -> Response:
    form = await ctx.request.form()
    values: dict[str, Any] = {key: str(form.get(key, "")) for key in FORM_FIELDS}
    values["consent"] = form.get("consent") == "yes"
    reads = str(form.get("reads_language", ""))
    shown, support = support_fields(form)
    moment = ctx.now()

    async def show_form(problems: list[dict[str, Any]]) -> Response:
        return await _form_page(
            ctx, programme_id, values={**values, **shown, "reads_language": reads}, problems=problems
        )

    return await act(
        ctx,
        lambda: counted_sign_up(
            ctx.db,
            staff_limits(settings),
            str(ctx.staff.staff_id),
            moment,
            lambda: on_behalf.sign_up_on_behalf(
                ctx.db,
                ctx.staff,
                programme_id,
                on_behalf.OnBehalf(RegistrationForm(**values, support=support), reads),
                now=moment,
                links=PrivateLinks.of(settings),
            ),
        ),
        done=lambda done: ctx.redirect(f"/staff/programmes/{programme_id}/sign-up/sent?reads={done.reads_language}"),
        form=show_form,
    )


@get("/staff/programmes/{programme_id:int}/sign-up/sent", opt=ASSISTANTS)
async def assisted_sent_page(ctx: Context, programme_id: int, reads: str = "") -> Response:
    shown = await on_behalf.assisted_sign_up_form(ctx.db, ctx.staff, programme_id)
    return ctx.render(
        "registration/assisted_sent.html",
        programme=shown.programme,
        programme_name=text_shown(shown.programme.name, ctx.language),
        reads=reads if reads in LANGUAGE_CODES else None,
    )


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[assisted_programmes_page, assisted_form_page, assisted_submit, assisted_sent_page],
        include_in_schema=False,
    )
]
