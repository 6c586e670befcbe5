"""Pages to sign in with the password (the second factor: second_factor_pages.py) and
out, everywhere too, and to choose a password through a one-time link."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from litestar import Request, Response, Router, get, post
from litestar.di import Provide
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.requirements import PUBLIC, needs_roles
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.cookies import cleared_session_cookie, session_cookie
from groepsaanbod.accounts.errors import WRONG_CREDENTIALS
from groepsaanbod.accounts.guards import session_token
from groepsaanbod.accounts.password_policy import MAX_LENGTH, MIN_LENGTH, RECOMMENDED_LENGTH
from groepsaanbod.accounts.services import links
from groepsaanbod.accounts.services import staff as services
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.protection.encryption import key_ring
from groepsaanbod.protection.rate_limits import Limit, take
from groepsaanbod.refusals import Refused
from groepsaanbod.settings import Settings
from groepsaanbod.web import problems_for_page, provide_language, render


def safe_next(target: str | None, language: str) -> str:
    """Only a path on this site, never another host."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return f"/{language}/staff/"


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


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
        db_session,
        email,
        str(form.get("password", "")),
        moment,
        timedelta(hours=settings.session_hours),
        services.SignInLimits(settings.rate_limit_sign_in),
        client_address(request),
        previous_token=session_token(request),
        keys=key_ring(settings),
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
    if signed.second_factor_pending:
        target = f"/{language}/staff/second-factor?next={target}"
    return Redirect(
        target, status_code=303, cookies=[session_cookie(settings, signed.token, signed.expires_at, moment)]
    )


@post("/staff/sign-out", opt=PUBLIC)
async def sign_out_submit(request: Request, language: str, db_session: AsyncSession, settings: Settings) -> Response:
    token = session_token(request)
    if token:
        await services.sign_out(db_session, token)
    return Redirect(f"/{language}/", status_code=303, cookies=[cleared_session_cookie(settings)])


@post("/staff/sign-out-everywhere", opt=needs_roles())
async def sign_out_everywhere_submit(
    language: str, db_session: AsyncSession, settings: Settings, viewer: Viewer
) -> Response:
    await services.sign_out_everywhere(db_session, viewer.staff_id)
    return Redirect(f"/{language}/", status_code=303, cookies=[cleared_session_cookie(settings)])


@get("/staff/", opt=needs_roles())
async def staff_home(request: Request, language: str, viewer: Viewer) -> Response:
    return render(request, language, "accounts/home.html", viewer=viewer)


@get("/staff/password", opt=PUBLIC)
async def forgot_page(request: Request, language: str) -> Response:
    return render(request, language, "accounts/forgot.html", sent=False)


@post("/staff/password", opt=PUBLIC)
async def forgot_submit(
    request: Request, language: str, db_session: AsyncSession, now: Callable[[], datetime], settings: Settings
) -> Response:
    form = await request.form()
    moment = now()
    await take(
        db_session, Limit("reset", settings.rate_limit_link, timedelta(hours=1)), client_address(request), moment
    )
    await links.request_password_reset(db_session, str(form.get("email", "")), moment, settings.base_url)
    return render(request, language, "accounts/forgot.html", sent=True)


def _link_not_valid(request: Request, language: str) -> Response:
    return render(request, language, "error.html", status_code=404, error_text=gettext(language, links.LINK_NOT_VALID))


def _password_page(request: Request, language: str, token: str, problems=(), status: int = 200) -> Response:
    return render(
        request,
        language,
        "accounts/password.html",
        status_code=status,
        token=token,
        problems=problems_for_page(tuple(problems)),
        minimum=MIN_LENGTH,
        recommended=RECOMMENDED_LENGTH,
        maximum=MAX_LENGTH,
    )


@get("/staff/password/{token:str}", opt=PUBLIC)
async def password_page(
    request: Request, language: str, token: str, db_session: AsyncSession, now: Callable[[], datetime]
) -> Response:
    if await links.find_link(db_session, token, now()) is None:
        return render(
            request, language, "error.html", status_code=404, error_text=gettext(language, links.LINK_NOT_VALID)
        )
    return _password_page(request, language, token)


@post("/staff/password/{token:str}", opt=PUBLIC)
async def password_submit(
    request: Request, language: str, token: str, db_session: AsyncSession, now: Callable[[], datetime]
) -> Response:
    form = await request.form()
    try:
        await links.set_password(db_session, token, str(form.get("password", "")), now())
    except Refused as refused:
        await db_session.rollback()
        if any(p.field == "token" for p in refused.problems):
            return _link_not_valid(request, language)
        return _password_page(request, language, token, refused.problems, 400)
    return Redirect(f"/{language}/staff/sign-in?done=password", status_code=303)


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[
            sign_in_page,
            sign_in_submit,
            sign_out_submit,
            sign_out_everywhere_submit,
            staff_home,
            forgot_page,
            forgot_submit,
            password_page,
            password_submit,
        ],
        dependencies={"language": Provide(provide_language)},
        include_in_schema=False,
    )
]
