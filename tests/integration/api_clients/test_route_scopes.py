"""Every API route of the app is open to service tokens with one scope, or refuses tokens, or is
public: a new route cannot be open to tokens by accident, nor without a scope. The served API
description says the same per operation."""

from __future__ import annotations

import re

from groepsaanbod.api_clients.openapi import BEARER, COOKIE, handler_scope
from groepsaanbod.api_clients.scopes import SCOPES, refuses_tokens
from tests.integration.test_route_protection import handlers


def api_routes(app):
    return [(path, method, handler) for path, method, handler in handlers(app) if path.startswith("/api/")]


def test_every_api_route_has_a_scope_refuses_tokens_or_is_public(app):
    unknown = []
    for path, method, handler in api_routes(app):
        if "roles" not in handler.opt:
            continue  # public: no token needed, none used
        scope = handler_scope(handler, path)
        if refuses_tokens(path) or handler.opt.get("tokens") is False:
            assert scope is None, (method, path)
        elif scope not in SCOPES:
            unknown.append(f"{method} {path}")
    assert not unknown, f"staff API routes without a scope: state opt['scope'] or extend scopes.py: {unknown}"


async def test_the_api_description_names_the_scheme_and_scope_of_each_operation(app, client):
    document = (await client.get("/schema/openapi.json")).json()
    schemes = document["components"]["securitySchemes"]
    assert schemes[BEARER]["type"] == "http"
    assert schemes[BEARER]["scheme"] == "bearer"
    assert schemes[COOKIE]["in"] == "cookie"
    # The paths may be written relative to a server such as /api/v1.
    server = next((s["url"] for s in document.get("servers", []) if s["url"].startswith("/")), "")
    staff = {
        (method.lower(), re.sub(r"\{([a-z_]+):[a-z]+\}", r"{\1}", path))
        for path, method, handler in api_routes(app)
        if "roles" in handler.opt
    }
    checked = 0
    for path, methods in document["paths"].items():
        full = path if path.startswith("/api/") else server.rstrip("/") + path
        for method, operation in methods.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            security = operation.get("security")
            if (method, full) not in staff:
                assert not security, (method, path)
                continue
            checked += 1
            assert {COOKIE: []} in security, (method, path)
            bearer = [s[BEARER] for s in security if BEARER in s]
            assert not bearer or (len(bearer[0]) == 1 and bearer[0][0] in SCOPES), (method, path, security)
    assert checked == len(staff)
