"""Pages of the participant's own side: their page (place, group, meetings) and stopping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from litestar import Request, Response, Router, get, post
from litestar.di import Provide
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.i18n.text import pick
from groepsaanbod.participants import services
from groepsaanbod.registration.services.registrations import find_registration
from groepsaanbod.settings import Settings
from groepsaanbod.web import provide_language, render


@get("/my/{token:str}", opt=PUBLIC)
async def my_page(
    request: Request,
    language: str,
    token: str,
    db_session: AsyncSession,
    now: Callable[[], datetime],
) -> Response:
    place = await services.own_place(db_session, token, now())
    return render(
        request,
        language,
        "participants/my.html",
        registration=place.registration,
        cohort=None if place.stopped else place.cohort,
        programme_name=pick(place.registration.programme.name, language),
        token=token,
        sessions=place.meetings,
    )


@get("/my/{token:str}/withdraw", opt=PUBLIC)
async def withdraw_page(
    request: Request, language: str, token: str, db_session: AsyncSession, now: Callable[[], datetime]
) -> Response:
    registration = await find_registration(db_session, token, now())
    if registration.status == "withdrawn":
        return Redirect(f"/{language}/my/{token}", status_code=303)
    return render(
        request,
        language,
        "participants/withdraw.html",
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
    registration = await services.stop_taking_part(db_session, token, now(), settings.retention_months)
    return render(
        request,
        language,
        "participants/withdrawn.html",
        programme_name=pick(registration.programme.name, language),
        token=token,
    )


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[my_page, withdraw_page, withdraw_submit],
        dependencies={"language": Provide(provide_language)},
        include_in_schema=False,
    )
]
