"""The names of our cookies. Outside development each carries the `__Host-` prefix: the
browser then takes it only from this host over HTTPS with Path=/ and no Domain, so a
neighbouring subdomain cannot plant or overwrite it (a planted session or CSRF cookie)."""

from __future__ import annotations

from litestar import Request

SESSION_COOKIE = "ga_session"
CSRF_COOKIE = "ga_csrf"
LANGUAGE_COOKIE = "lang"
HOST_PREFIX = "__Host-"


def cookie_name(base: str, *, development: bool) -> str:
    return base if development else f"{HOST_PREFIX}{base}"


def _development(request: Request) -> bool:
    settings = request.app.state.get("settings")
    return settings is None or settings.development


def request_cookie_name(request: Request, base: str) -> str:
    """The name this app gives the cookie `base` (its settings decide the prefix)."""
    return cookie_name(base, development=_development(request))


def read_cookie(request: Request, base: str) -> str | None:
    return request.cookies.get(request_cookie_name(request, base))
