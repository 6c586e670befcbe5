"""Pages for participants: the sign-up form, their own page, withdrawing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.response import Redirect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.accounts.guards import PUBLIC
from groepsaanbod.accounts.pages.sign_in import client_address
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.i18n.text import pick
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.protection.rate_limits import take
from groepsaanbod.registration.eligibility import PARTS_OF_DAY, RegistrationForm
from groepsaanbod.registration.errors import RegistrationRefused
from groepsaanbod.registration.services import registrations as services
from groepsaanbod.registration.services import sign_up
from groepsaanbod.registration.services.private_links import register_limit
from groepsaanbod.scheduling.models import Session
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


async def _sessions_of(db_session: AsyncSession, cohort_id: int | None) -> list[Session]:
    if cohort_id is None:
        return []
    return list(
        await db_session.scalars(select(Session).where(Session.cohort_id == cohort_id).order_by(Session.starts_at))
    )


@get("/my/{token:str}", opt=PUBLIC)
async def my_page(
    request: Request,
    language: str,
    token: str,
    db_session: AsyncSession,
    now: Callable[[], datetime],
) -> Response:
    registration = await services.find_registration(db_session, token, now())
    stopped = registration.status == "withdrawn"
    cohort = await db_session.get(Cohort, registration.cohort_id) if registration.cohort_id and not stopped else None
    return render(
        request,
        language,
        "registration/my.html",
        registration=registration,
        cohort=cohort,
        programme_name=pick(registration.programme.name, language),
        token=token,
        sessions=[] if stopped else await _sessions_of(db_session, registration.cohort_id),
    )


@get("/my/{token:str}/withdraw", opt=PUBLIC)
async def withdraw_page(
    request: Request, language: str, token: str, db_session: AsyncSession, now: Callable[[], datetime]
) -> Response:
    registration = await services.find_registration(db_session, token, now())
    if registration.status == "withdrawn":
        return Redirect(f"/{language}/my/{token}", status_code=303)
    return render(
        request,
        language,
        "registration/withdraw.html",
        token=token,
        programme_name=pick(registration.programme.name, language),
    )


@post("/my/{token:str}/withdraw", opt=PUBLIC)
async def withdraw_submit(
    request: Request,
    language: str,
    token: str,
    db_session: AsyncSession,
    now: Callable[[], datetime],
    settings: Settings,
) -> Response:
    moment = now()
    registration = await services.withdraw_registration(
        db_session, token, moment, link_until=services.link_after_stopping(moment, settings.retention_months)
    )
    return render(
        request,
        language,
        "registration/withdrawn.html",
        programme_name=pick(registration.programme.name, language),
        token=token,
    )


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[register_page, register_submit, register_sent_page, my_page, withdraw_page, withdraw_submit],
        dependencies={"language": Provide(provide_language)},
        include_in_schema=False,
    )
]
