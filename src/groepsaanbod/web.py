"""Shared plumbing of the web edge: the handler's Context, per-language rendering, and `act` (try a use
case; on a refusal roll back and show the form again with the problems)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from litestar import Request
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Response
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.errors import NotSignedIn
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.i18n.languages import BY_CODE, choose_language, parse_accept_language
from groepsaanbod.protection.cookies import CSRF_COOKIE, LANGUAGE_COOKIE, read_cookie, request_cookie_name
from groepsaanbod.protection.csrf import csrf_token, new_csrf_cookie_value
from groepsaanbod.refusals import Problem, Refused
from groepsaanbod.rendering import jinja_environment, language_context


async def provide_language(lang: str) -> str:
    """The page language from the URL prefix; an unknown prefix is a 404."""
    if lang not in BY_CODE:
        raise NotFoundException()
    return lang


def page_context(request: Request, language: str) -> dict[str, Any]:
    path = request.url.path
    rest = path[len(f"/{language}") :] if path.startswith(f"/{language}") else "/"
    return {
        **language_context(language),
        "path_without_language": rest or "/",
        "request": request,
        "viewer": None,
        "csrf_token": csrf_token(request),
    }


def secure_cookies(request: Request) -> bool:
    """Cookies carry Secure outside development (see Settings.development)."""
    settings = request.app.state.get("settings")
    return settings is not None and not settings.development


def render(request: Request, language: str, template_name: str, status_code: int = 200, **context: Any) -> Response:
    html = jinja_environment().get_template(template_name).render({**page_context(request, language), **context})
    response = Response(content=html, media_type="text/html", status_code=status_code)  # Litestar adds the charset
    secure = secure_cookies(request)
    # Outside development the names carry __Host- (Secure, Path=/, no Domain): see protection/cookies.py.
    response.set_cookie(
        request_cookie_name(request, LANGUAGE_COOKIE),
        language,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )
    new_token = new_csrf_cookie_value(request)
    if new_token:
        response.set_cookie(
            request_cookie_name(request, CSRF_COOKIE), new_token, httponly=True, samesite="lax", secure=secure, path="/"
        )
    return response


def field_id(api_field: str) -> str:
    """'sessions[2].week' -> 'sessions-2-week', the id of the form field."""
    return re.sub(r"[\[\].]+", "-", api_field).strip("-")


def problems_for_page(problems: tuple[Problem, ...]) -> list[dict[str, Any]]:
    return [{"field": field_id(p.field), "message": p.message} for p in problems]


def request_language(request: Request) -> str:
    """Pages: their prefix. API: ?lang=, then cookie, then Accept-Language."""
    first = request.url.path.strip("/").split("/", 1)[0]
    prefix = first if first in BY_CODE else request.query_params.get("lang")
    return choose_language(prefix, read_cookie(request, LANGUAGE_COOKIE), request.headers.get("accept-language"))


def asked_language(request: Request) -> str:
    """API: the language the request asks for (?lang=, else Accept-Language) when it is one of the
    seven; "" when it asks for none of them (request_language would then say Dutch)."""
    for candidate in (request.query_params.get("lang"), *parse_accept_language(request.headers.get("accept-language"))):
        if candidate in BY_CODE:
            return candidate
    return ""


T = TypeVar("T")


@dataclass(frozen=True)
class Context:
    """What every handler needs besides its own input, as one parameter (`ctx: Context`): the
    request, the reader's language, the database session, the clock, and who is asking.

    Provided for every route (accounts/guards.py `provide_context`): a route that names roles
    gets its viewer checked exactly as the `viewer` dependency does; a public route has none."""

    request: Request
    language: str
    db: AsyncSession
    clock: Callable[[], datetime]
    viewer: Viewer | None = None

    def now(self) -> datetime:
        return self.clock()

    @property
    def staff(self) -> Viewer:
        """The signed-in viewer of a staff route (never None there: the provider refused)."""
        if self.viewer is None:
            raise NotSignedIn()
        return self.viewer

    def render(self, template_name: str, *, status_code: int = 200, **context: Any) -> Response:
        return render(
            self.request, self.language, template_name, status_code=status_code, **{"viewer": self.viewer, **context}
        )

    def redirect(self, path: str) -> Redirect:
        """303 to a page of this language: `path` without the language prefix."""
        return Redirect(f"/{self.language}{path}", status_code=303)


async def act(
    ctx: Context,
    action: Callable[[], Awaitable[T]],
    *,
    done: Callable[[T], Response],
    form: Callable[[list[dict[str, Any]]], Awaitable[Response]],
) -> Response:
    """Try the use case; on a refusal roll back (nothing half-saved) and show the form again with
    the problems (`form` renders it with status 400); otherwise what `done` makes of the result (mostly
    a redirect)."""
    try:
        result = await action()
    except Refused as refused:
        await ctx.db.rollback()
        return await form(problems_for_page(refused.problems))
    return done(result)
