"""Pages of signing up: the form and its answer (the person's own page is in participants/)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.accounts.pages.sign_in import client_address
from groepsaanbod.i18n.text import pick
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.protection.rate_limits import take
from groepsaanbod.registration.eligibility import PARTS_OF_DAY, RegistrationForm
from groepsaanbod.registration.errors import RegistrationRefused
from groepsaanbod.registration.services import registrations as services
from groepsaanbod.registration.services import sign_up
from groepsaanbod.registration.services.private_links import register_limit
from groepsaanbod.settings import Settings
from groepsaanbod.web import problems_for_page, provide_language, render

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
    request: Request,
    language: str,
    db_session: AsyncSession,
    slug: str,
    values: dict[str, Any] | None = None,
    problems: list[dict[str, Any]] | None = None,
    status: int = 200,
) -> Response:
    loaded = await services.load_published_programme(db_session, slug)
    if loaded is None:
        raise NotFoundException()
    programme, template = loaded
    facts = services.programme_facts(programme, template)
    organisation = await db_session.get(Organisation, programme.organisation_id)
    defaults = {
        "language": language if language in facts.languages else facts.languages[0],
        "part_of_day": "any",
        "place": facts.places[0] if len(facts.places) == 1 else "",
    }
    return render(
        request,
        language,
        "registration/register.html",
        status_code=status,
        programme=programme,
        organisation=organisation,
        facts=facts,
        parts_of_day=PARTS_OF_DAY,
        values={**defaults, **(values or {})},
        problems=problems or [],
    )


@get("/programmes/{slug:str}/register", opt=PUBLIC)
async def register_page(request: Request, language: str, slug: str, db_session: AsyncSession) -> Response:
    return await _form_page(request, language, db_session, slug)


@post("/programmes/{slug:str}/register", opt=PUBLIC)
async def register_submit(
    request: Request,
    language: str,
    slug: str,
    db_session: AsyncSession,
    now: Callable[[], datetime],
    settings: Settings,
) -> Response:
    form = await request.form()
    values = {key: str(form.get(key, "")) for key in FORM_FIELDS}
    values["consent"] = form.get("consent") == "yes"
    moment = now()
    await take(db_session, register_limit(settings), client_address(request), moment)
    try:
        await sign_up.register_participant(
            db_session,
            slug,
            RegistrationForm(**values),
            moment,
            settings.base_url,
            link_days=settings.participant_link_days,
            shown_language=language,
        )
    except RegistrationRefused as refused:
        await db_session.rollback()
        return await _form_page(
            request, language, db_session, slug, values, problems_for_page(refused.problems), status=400
        )
    # The same page for everyone, signed up before or not: the message tells the person how it went.
    return Redirect(f"/{language}/programmes/{slug}/register/sent", status_code=303)


@get("/programmes/{slug:str}/register/sent", opt=PUBLIC)
async def register_sent_page(
    request: Request, language: str, slug: str, db_session: AsyncSession, settings: Settings
) -> Response:
    loaded = await services.load_published_programme(db_session, slug)
    if loaded is None:
        raise NotFoundException()
    return render(
        request,
        language,
        "registration/sent.html",
        programme_name=pick(loaded[0].name, language),
        dev_mailbox=settings.debug,
    )


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[register_page, register_submit, register_sent_page],
        dependencies={"language": Provide(provide_language)},
        include_in_schema=False,
    )
]
