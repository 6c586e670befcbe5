"""Route protection: every staff route names the roles it needs in `opt`.

    @get("/…", opt=needs_roles(*PROGRAMME_EDITORS))
    async def handler(ctx: Context) -> …   # ctx.staff: the checked Viewer

`provide_context` (through `provide_viewer`) reads the sign-in cookie, refuses a
person without one of those roles, and hands the handler a `Viewer` whose
`organisations_with(...)` limits every query to the person's organisations.
A person who still owes their second factor gets no viewer: pages send them to
the second-factor page, the API answers 401.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from litestar import Request
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.errors import NotPermitted, NotSignedIn, SecondFactorDue
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.services.staff import find_sign_in, viewer_of
from groepsaanbod.protection.cookies import SESSION_COOKIE, read_cookie
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context, provide_language, request_language


def session_token(request: Request) -> str | None:
    """The sign-in token the browser sent (the cookie's name depends on the settings)."""
    return read_cookie(request, SESSION_COOKIE)


def client_address(request: Request) -> str:
    """The network address a request came from (behind a trusted proxy: the one it forwarded)."""
    return request.client.host if request.client else "unknown"


def idle_limit(settings: Settings) -> timedelta:
    return timedelta(minutes=settings.session_idle_minutes)


async def provide_viewer(
    request: Request, db_session: AsyncSession, now: Callable[[], datetime], settings: Settings
) -> Viewer:
    wanted = request.route_handler.opt.get("roles")
    if wanted is None:
        raise RuntimeError(f"route {request.url.path} uses a viewer but states no roles")
    state = await find_sign_in(db_session, session_token(request), now(), idle_limit(settings))
    if state is None:
        raise NotSignedIn()
    if state.second_factor_pending:
        raise SecondFactorDue()
    viewer = viewer_of(state.staff)
    if not request.route_handler.opt.get("account") and not viewer.holds_any(wanted):
        raise NotPermitted()
    return viewer


async def provide_optional_viewer(
    request: Request, db_session: AsyncSession, now: Callable[[], datetime], settings: Settings
) -> Viewer | None:
    state = await find_sign_in(db_session, session_token(request), now(), idle_limit(settings))
    if state is None or state.second_factor_pending:
        return None
    return viewer_of(state.staff)


async def provide_context(
    request: Request, db_session: AsyncSession, now: Callable[[], datetime], settings: Settings
) -> Context:
    """The handler's Context. A route that names roles (or needs an account) gets its viewer by
    `provide_viewer`, with the same refusals; a public route gets none. The language is the page's
    prefix (an unknown one is a 404), or for the API what request_language finds."""
    opt = request.route_handler.opt
    viewer = await provide_viewer(request, db_session, now, settings) if "roles" in opt else None
    prefix = request.path_params.get("lang")
    language = await provide_language(prefix) if isinstance(prefix, str) else request_language(request)
    return Context(request=request, language=language, db=db_session, clock=now, viewer=viewer)
