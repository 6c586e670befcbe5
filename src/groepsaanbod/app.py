"""The app factory: settings, database, routes of every area, error pages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any, cast

from litestar import Litestar, Request, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.openapi import OpenAPIConfig
from litestar.response import Redirect
from litestar.types import ASGIApp, BeforeMessageSendHookHandler, Empty
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from groepsaanbod import errors
from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.api_clients.guards import (
    provide_context,
    provide_optional_viewer,
    provide_viewer,
    refuse_token_routes,
)
from groepsaanbod.api_clients.openapi import components, declare_security
from groepsaanbod.api_design.openapi import ApiDocumentPlugin
from groepsaanbod.api_design.versions import API_VERSION, add_version_header
from groepsaanbod.assets import serving
from groepsaanbod.assets.compression import Compression
from groepsaanbod.db import area_modules, engine_for, make_session_factory, session_scope
from groepsaanbod.i18n.languages import choose_language
from groepsaanbod.logs import configure_logging
from groepsaanbod.operations import health as operations
from groepsaanbod.operations.middleware import RequestObserver
from groepsaanbod.protection.body_size import FORM_BODY_LIMIT, JSON_BODY_LIMIT
from groepsaanbod.protection.cookies import LANGUAGE_COOKIE, read_cookie
from groepsaanbod.protection.csrf import check_csrf
from groepsaanbod.protection.encryption import key_ring
from groepsaanbod.protection.headers import headers_hook
from groepsaanbod.protection.input import BoundedRequest, check_query
from groepsaanbod.settings import Settings

#: Every area that serves routes has a `routes` module with API and PAGES (lists of route handlers):
#: a new area is served by adding that file, without editing this one.
AREA_ROUTES = tuple(area_modules("routes"))

#: The largest id a database integer column holds (PostgreSQL's INTEGER).
MAX_ID = 2**31 - 1


def _utc_now() -> datetime:
    return datetime.now(UTC)


@get("/health", opt=PUBLIC, tags=["service"])
async def health(db_session: AsyncSession) -> dict[str, str]:
    """The service answers and reaches its database."""
    await db_session.execute(text("SELECT 1"))
    return {"status": "ok"}


@get("/", opt=PUBLIC, include_in_schema=False)
async def root(request: Request) -> Redirect:
    """Send a person to the start page in the language they most likely read."""
    language = choose_language(None, read_cookie(request, LANGUAGE_COOKIE), request.headers.get("accept-language"))
    return Redirect(f"/{language}/", status_code=303)


def _bounded(layers: list[Any], limit: int) -> list[Any]:
    """Give each route (or router of routes) that sets no body limit of its own this one. Litestar
    compares it with Content-Length before reading a byte, and counts a body without one."""
    for layer in layers:
        if layer.request_max_body_size is Empty:
            layer.request_max_body_size = limit
    return layers


def create_app(
    settings: Settings | None = None,
    db_session_provider: Callable[[], AsyncIterator[AsyncSession]] | None = None,
    clock: Callable[[], datetime] = _utc_now,
) -> Litestar:
    """The app. Tests pass `db_session_provider` to share their session (and its rollback)."""
    settings = settings or Settings.from_env()
    # Outside development the encryption keys are required: refuse to start without them.
    key_ring(settings)
    engine = None
    if db_session_provider is None:
        engine = engine_for(settings)
        factory: async_sessionmaker[AsyncSession] = make_session_factory(engine)

        async def provide_db_session() -> AsyncIterator[AsyncSession]:
            async for session in session_scope(factory):
                yield session
    else:
        provide_db_session = db_session_provider

    def provide_now() -> Callable[[], datetime]:
        return clock

    def provide_settings() -> Settings:
        return settings

    async def dispose_engine() -> None:
        if engine is not None:
            await engine.dispose()

    async def check_request(request: Request) -> None:
        # Ids in paths are database integers: a larger number names nothing.
        if any(isinstance(v, int) and not -MAX_ID <= v <= MAX_ID for v in request.path_params.values()):
            raise NotFoundException()
        check_query(request)
        await check_csrf(request, settings.base_url)

    # Body limits per kind of route (protection/body_size.py); a route that needs more says so itself.
    api = declare_security(_bounded([route for routes in AREA_ROUTES for route in routes.API], JSON_BODY_LIMIT))
    pages = _bounded([route for routes in AREA_ROUTES for route in routes.PAGES], FORM_BODY_LIMIT)
    app = Litestar(
        route_handlers=[health, *operations.ROUTES, root, *serving.ROUTES, *api, *pages],
        request_max_body_size=FORM_BODY_LIMIT,
        dependencies={
            "db_session": Provide(provide_db_session),
            "now": Provide(provide_now, sync_to_thread=False),
            "settings": Provide(provide_settings, sync_to_thread=False),
            "viewer": Provide(provide_viewer),
            "maybe_viewer": Provide(provide_optional_viewer),
            "ctx": Provide(provide_context),
        },
        exception_handlers=errors.HANDLERS,  # type: ignore[arg-type]
        before_request=check_request,
        # Service tokens are refused on routes that never take one (api_clients/guards.py).
        guards=[refuse_token_routes],
        request_class=BoundedRequest,
        # Our ASGI pieces take messages and scopes as plain mappings; Litestar types them as TypedDicts.
        before_send=[
            cast(BeforeMessageSendHookHandler, headers_hook(strict_transport=not settings.development)),
            cast(BeforeMessageSendHookHandler, add_version_header),
        ],
        state=State({"settings": settings}),
        openapi_config=OpenAPIConfig(
            title="groepsaanbod",
            version=API_VERSION,
            description="Registration and scheduling for group-based prevention programmes.",
            path="/schema",
            components=components(development=settings.development),
            use_handler_docstrings=True,
            # The served document follows the NL API Design Rules: made in api_design/openapi.py.
            render_plugins=[ApiDocumentPlugin()],
        ),
        on_shutdown=[dispose_engine],
        debug=settings.debug,
        # Logging is ours (logs.configure_logging): Litestar would replace the root handler.
        logging_config=None,
    )
    # Outside Litestar's own handler, so that it also sees requests no route matched.
    # Compression inside it, so that it counts the time spent compressing (assets/compression.py).
    app.asgi_handler = cast(ASGIApp, RequestObserver(Compression(cast(Any, app.asgi_handler))))
    return app


def serve_app() -> Litestar:
    """The factory `groepsaanbod serve` gives uvicorn: each serving process sets up its logging, then the app."""
    settings = Settings.from_env()
    configure_logging(as_json=settings.log_as_json)
    return create_app(settings)
