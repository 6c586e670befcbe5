"""Pages to sign in and out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from litestar import Request, Response, Router, get, post
from litestar.di import Provide
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.accounts import services
from groepsaanbod.accounts.cookies import cleared_session_cookie, session_cookie
from groepsaanbod.accounts.errors import WRONG_CREDENTIALS
from groepsaanbod.accounts.guards import PUBLIC, SESSION_COOKIE, needs_roles
from groepsaanbod.accounts.viewer import Viewer
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.settings import Settings
from groepsaanbod.web import provide_language, render


def safe_next(target: str | None, language: str) -> str:
    """Only a path on this site, never another host."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return f"/{language}/staff/"


@get("/staff/sign-in", opt=PUBLIC)
async def sign_in_page(request: Request, language: str, next: str | None = None) -> Response:
    return render(request, language, "accounts/sign_in.html", next=safe_next(next, language), error=None, email="")


@post("/staff/sign-in", opt=PUBLIC)
async def sign_in_submit(
    request: Request, language: str, db_session: AsyncSession, now: Callable[[], datetime], settings: Settings
) -> Response:
    form = await request.form()
    email = str(form.get("email", ""))
    target = safe_next(str(form.get("next", "")), language)
    moment = now()
    signed = await services.sign_in(
        db_session, email, str(form.get("password", "")), moment, timedelta(hours=settings.session_hours)
    )
    if signed is None:
        return render(
            request,
            language,
            "accounts/sign_in.html",
            status_code=400,
            next=target,
            email=email,
            error=gettext(language, WRONG_CREDENTIALS),
        )
    return Redirect(
        target, status_code=303, cookies=[session_cookie(settings, signed.token, signed.expires_at, moment)]
    )


@post("/staff/sign-out", opt=PUBLIC)
async def sign_out_submit(request: Request, language: str, db_session: AsyncSession, settings: Settings) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await services.sign_out(db_session, token)
    return Redirect(f"/{language}/", status_code=303, cookies=[cleared_session_cookie(settings)])


@get("/staff/", opt=needs_roles())
async def staff_home(request: Request, language: str, viewer: Viewer) -> Response:
    return render(request, language, "accounts/home.html", viewer=viewer)


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[sign_in_page, sign_in_submit, sign_out_submit, staff_home],
        dependencies={"language": Provide(provide_language)},
        include_in_schema=False,
    )
]
