"""Pages of signing up: the form and its answer (the person's own page is in participants/)."""

from __future__ import annotations

from typing import Any

from litestar import Response, Router, get, post

from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.accounts.guards import client_address
from groepsaanbod.i18n.text import shown
from groepsaanbod.registration.eligibility import PARTS_OF_DAY, RegistrationForm
from groepsaanbod.registration.services import registrations as services
from groepsaanbod.registration.services import sign_up
from groepsaanbod.registration.services.registrations import PrivateLinks
from groepsaanbod.registration.services.sign_up_limits import address_limits, counted_sign_up
from groepsaanbod.registration.support import (
    INTERPRETER_LANGUAGES,
    SUPPORT_FIELDS,
    SupportAnswers,
    answers_from_fields,
)
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context, act

FORM_FIELDS = (
    "full_name",
    "email",
    "phone",
    "language",
    "place",
    "part_of_day",
    "due_date",
    "child_birth_date",
    "postcode",
)


async def _form_page(
    ctx: Context,
    slug: str,
    *,
    values: dict[str, Any] | None = None,
    problems: list[dict[str, Any]] | None = None,
) -> Response:
    shown = await services.sign_up_form(ctx.db, slug)
    facts = shown.facts
    defaults = {
        "language": ctx.language if ctx.language in facts.languages else facts.languages[0],
        "part_of_day": "any",
        "place": facts.places[0] if len(facts.places) == 1 else "",
    }
    return ctx.render(
        "registration/register.html",
        status_code=400 if problems else 200,
        programme=shown.programme,
        organisation=shown.organisation,
        facts=facts,
        parts_of_day=PARTS_OF_DAY,
        interpreter_languages=INTERPRETER_LANGUAGES,
        values={**defaults, **(values or {})},
        problems=problems or [],
    )


def support_fields(form: Any) -> tuple[dict[str, Any], SupportAnswers]:
    """The "help to come" fields of a sign-up form (public or the desk's): as typed, to show the
    form again, and as answers to check."""
    shown: dict[str, Any] = {key: str(form.get(key, "")) for key in SUPPORT_FIELDS}
    support = answers_from_fields(shown, form.getall("support_access", []))
    shown["support_access"] = list(support.access)
    return shown, support


@get("/programmes/{slug:str}/register", opt=PUBLIC)
async def register_page(ctx: Context, slug: str) -> Response:
    return await _form_page(ctx, slug)


@post("/programmes/{slug:str}/register", opt=PUBLIC)
async def register_submit(ctx: Context, slug: str, settings: Settings) -> Response:
    form = await ctx.request.form()
    values: dict[str, Any] = {key: str(form.get(key, "")) for key in FORM_FIELDS}
    values["consent"] = form.get("consent") == "yes"
    shown, support = support_fields(form)
    moment = ctx.now()

    async def show_form(problems: list[dict[str, Any]]) -> Response:
        return await _form_page(ctx, slug, values={**values, **shown}, problems=problems)

    return await act(
        ctx,
        # Counted per address; a refused form does not use up the address's sign-ups (sign_up_limits.py).
        lambda: counted_sign_up(
            ctx.db,
            address_limits(settings),
            client_address(ctx.request),
            moment,
            lambda: sign_up.register_participant(
                ctx.db,
                slug,
                # She reads the language of the page she signs up on; the form's language is her group's.
                RegistrationForm(**values, reads_language=ctx.language, support=support),
                now=moment,
                links=PrivateLinks.of(settings),
                shown_language=ctx.language,
            ),
        ),
        # The same page for everyone, signed up before or not: the message tells the person how it went.
        done=lambda _: ctx.redirect(f"/programmes/{slug}/register/sent"),
        form=show_form,
    )


@get("/programmes/{slug:str}/register/sent", opt=PUBLIC)
async def register_sent_page(ctx: Context, slug: str, settings: Settings) -> Response:
    programme, _ = await services.published_programme(ctx.db, slug)
    return ctx.render(
        "registration/sent.html", programme_name=shown(programme.name, ctx.language), dev_mailbox=settings.debug
    )


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[register_page, register_submit, register_sent_page],
        include_in_schema=False,
    )
]
