"""Service tokens at the door: `Authorization: Bearer ga_…` on /api/ routes.

Wraps accounts' guards (app.py provides these instead): a request without a bearer token, or one on
a page, is the person's sign-in as before (a token on a page gives nothing). On an API route that
names roles, a token is its client's viewer: no second factor (a machine), its one organisation, the
roles of its scopes, and the route's scope must be one of the token's. Every such call is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.errors import NotPermitted, NotSignedIn
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts import guards as people
from groepsaanbod.api_clients.errors import ScopeMissing, TokenRefused
from groepsaanbod.api_clients.scopes import is_api, refuses_tokens, scope_of
from groepsaanbod.api_clients.services import find_token_client, record_api_call
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context, provide_language, request_language

provide_optional_viewer = people.provide_optional_viewer


def bearer_token(connection: ASGIConnection) -> str | None:
    """The bearer token of an API request, else None (on a page it is not even read)."""
    if not is_api(connection.url.path):
        return None
    header = connection.headers.get("authorization", "")
    kind, _, value = header.partition(" ")
    if kind.lower() != "bearer":
        return None
    return value.strip()


def route_scope(request: ASGIConnection) -> str | None:
    """The scope of the matched route; None when it takes no token."""
    handler = request.route_handler
    if handler.opt.get("tokens") is False or refuses_tokens(request.url.path):
        return None
    return scope_of(str(request.scope.get("method", "GET")), request.url.path, handler.opt.get("scope"))


async def refuse_token_routes(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    """App guard: a token on a route that never takes one is refused (403) before anything is read."""
    if bearer_token(connection) is None:
        return
    opt = connection.route_handler.opt
    if refuses_tokens(connection.url.path) or ("roles" in opt and route_scope(connection) is None):
        raise TokenRefused()


async def provide_viewer(
    request: Request, db_session: AsyncSession, now: Callable[[], datetime], settings: Settings
) -> Viewer:
    token = bearer_token(request)
    if token is None:
        return await people.provide_viewer(request, db_session, now, settings)
    wanted = request.route_handler.opt.get("roles")
    if wanted is None:
        raise RuntimeError(f"route {request.url.path} uses a viewer but states no roles")
    scope = route_scope(request)
    if scope is None:
        raise TokenRefused()
    moment = now()
    client = await find_token_client(db_session, token, moment)
    if client is None:
        raise NotSignedIn()
    await record_api_call(db_session, client, request.route_handler.handler_name, moment)
    if scope not in client.scopes:
        raise ScopeMissing.of(scope)
    viewer = client.viewer()
    if request.route_handler.opt.get("account") or not viewer.holds_any(wanted):
        raise NotPermitted()
    return viewer


async def provide_context(
    request: Request, db_session: AsyncSession, now: Callable[[], datetime], settings: Settings
) -> Context:
    """As accounts' provide_context, with a token's viewer where a token is given."""
    opt = request.route_handler.opt
    viewer = await provide_viewer(request, db_session, now, settings) if "roles" in opt else None
    prefix = request.path_params.get("lang")
    language = await provide_language(prefix) if isinstance(prefix, str) else request_language(request)
    return Context(request=request, language=language, db=db_session, clock=now, viewer=viewer)
