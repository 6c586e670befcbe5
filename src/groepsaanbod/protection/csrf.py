"""CSRF protection, one rule for pages and one for the JSON API.

Pages: every form carries `{{ csrf_field() }}`, a hidden field equal to the
`ga_csrf` cookie (random, HttpOnly, SameSite=Lax; a double-submit token). A
POST/PUT/PATCH/DELETE to a page must send that value as the form field
`csrf_token` or the header `X-CSRF-Token`.

API (`/api/…`): a browser cannot send a cross-site JSON request with cookies
without a CORS preflight that we never grant, so the API needs no token, but it
refuses what a foreign page could send: bodies typed as a form or plain text,
and requests a browser marks as cross-site (`Sec-Fetch-Site`) or whose
`Origin` is another site.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from litestar import Request

from groepsaanbod.i18n.text import N_

CSRF_COOKIE = "ga_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")
_STATE_KEY = "csrf_new_token"

FORM_EXPIRED = N_("This form has expired, or it came from another website. Reload the page and try again.")
API_CROSS_SITE = N_("This request came from another website. Send JSON with Content-Type: application/json.")


class CsrfRefused(Exception):
    def __init__(self, msgid: str) -> None:
        super().__init__(msgid)
        self.msgid = msgid


def csrf_token(request: Request) -> str:
    """The person's token: from their cookie, or a new one that `render` sets as cookie."""
    existing = request.cookies.get(CSRF_COOKIE)
    if existing:
        return existing
    new = request.scope.get("state", {}).get(_STATE_KEY)
    if new is None:
        new = secrets.token_urlsafe(32)
        request.scope.setdefault("state", {})[_STATE_KEY] = new
    return new


def new_csrf_cookie_value(request: Request) -> str | None:
    """The token to set as cookie on this answer, when the request came without one."""
    if request.cookies.get(CSRF_COOKIE):
        return None
    return request.scope.get("state", {}).get(_STATE_KEY)


def _same_site(request: Request, base_url: str) -> bool:
    """False when the browser says another site sent this. `Origin: null` says nothing:
    browsers send it for our own forms, because of `Referrer-Policy: no-referrer`."""
    if request.headers.get("sec-fetch-site", "") == "cross-site":
        return False
    origin = request.headers.get("origin")
    if origin and origin != "null":
        allowed = {f"{request.url.scheme}://{request.headers.get('host', '')}", base_url.rstrip("/")}
        parts = urlsplit(origin)
        return f"{parts.scheme}://{parts.netloc}" in allowed
    return True


async def check_csrf(request: Request, base_url: str) -> None:
    """Raise `CsrfRefused` when an unsafe request may have been forged by another site."""
    if request.method not in UNSAFE:
        return
    if not _same_site(request, base_url):
        raise CsrfRefused(API_CROSS_SITE if request.url.path.startswith("/api/") else FORM_EXPIRED)
    if request.url.path.startswith("/api/"):
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type in FORM_TYPES:
            raise CsrfRefused(API_CROSS_SITE)
        return
    expected = request.cookies.get(CSRF_COOKIE, "")
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent:
        sent = str((await request.form()).get(CSRF_FIELD, ""))
    if not expected or not hmac.compare_digest(expected.encode(), sent.encode()):
        raise CsrfRefused(FORM_EXPIRED)
