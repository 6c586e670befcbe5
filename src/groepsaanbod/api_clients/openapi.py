"""The API description's security: how each operation is signed in to, so generated clients work.

`cookieAuth` is a person's sign-in (the session cookie, with its second factor); `bearerAuth` a
service token. An operation that takes tokens lists both, with the scope it needs (OpenAPI 3.1
allows role names for any scheme); one that never takes a token lists only the cookie; a public
one lists none.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from litestar import Router
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import Components, SecurityScheme

from groepsaanbod.api_clients.scopes import refuses_tokens, scope_of
from groepsaanbod.protection.cookies import SESSION_COOKIE, cookie_name

BEARER, COOKIE = "bearerAuth", "cookieAuth"


def components(*, development: bool) -> Components:
    return Components(
        security_schemes={
            BEARER: SecurityScheme(
                type="http",
                scheme="bearer",
                bearer_format="ga_<client>_<secret>",
                description="A service token of an API client, made by an admin of the organisation.",
            ),
            COOKIE: SecurityScheme(
                type="apiKey",
                security_scheme_in="cookie",
                name=cookie_name(SESSION_COOKIE, development=development),
                description="A person's sign-in (POST /api/v1/auth/sign-in), with the second factor.",
            ),
        }
    )


def handler_scope(handler: HTTPRouteHandler, path: str) -> str | None:
    """The scope a route needs of a token, or None when it takes none (or is public)."""
    opt = handler.opt
    if "roles" not in opt or opt.get("tokens") is False or refuses_tokens(path):
        return None
    scopes = {scope_of(method, path, opt.get("scope")) for method in handler.http_methods}
    scopes.discard(None)
    return sorted(s for s in scopes if s)[0] if scopes else None


def _handlers(layers: Iterable[Any]) -> Iterable[tuple[HTTPRouteHandler, str]]:
    for layer in layers:
        if isinstance(layer, Router):
            # A router's routes carry their whole path, the router's prefix included.
            for route in layer.routes:
                for handler in getattr(route, "route_handlers", ()):
                    if isinstance(handler, HTTPRouteHandler):
                        yield handler, route.path
        elif isinstance(layer, HTTPRouteHandler):
            for path in layer.paths:
                yield layer, path


def declare_security(layers: list[Any]) -> list[Any]:
    """Give every route that needs a sign-in its security requirements (before the app is built)."""
    for handler, path in _handlers(layers):
        if "roles" not in handler.opt:
            continue
        scope = handler_scope(handler, path)
        handler.security = [{COOKIE: []}, {BEARER: [scope]}] if scope else [{COOKIE: []}]
    return layers
