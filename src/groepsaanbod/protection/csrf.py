"""CSRF protection, one rule for pages and one for the JSON API.

Pages: every form carries `{{ csrf_field() }}`, a hidden token bound to the
session it was issued for: an HMAC, under the secret key, of the sign-in
token (signed in) or of a random pre-session value in the `ga_csrf` cookie
(anonymous: sign-in, sign-up, new link; HttpOnly, SameSite=Lax). A token is
valid only with the cookie it was made from, so one taken from another
person's session, or a cookie planted next to a token the attacker knows, is
refused. A POST/PUT/PATCH/DELETE to a page must send the token as the form
field `csrf_token` or the header `X-CSRF-Token`.

API (`/api/…`): a browser cannot send a cross-site JSON request with cookies
without a CORS preflight that we never grant, so the API needs no token, but it
refuses what a foreign page could send: bodies typed as a form or plain text,
and requests a browser marks as cross-site (`Sec-Fetch-Site`) or whose
`Origin` is another site.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from litestar import Request

from groepsaanbod.i18n.text import N_
from groepsaanbod.protection.cookies import CSRF_COOKIE, SESSION_COOKIE, read_cookie

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


def token_for(secret_key: str, *, session_token: str | None = None, pre_session: str | None = None) -> str:
    """The form token of a sign-in session, else of an anonymous pre-session."""
    binding = f"session|{session_token}" if session_token else f"anonymous|{pre_session or ''}"
    return hmac.new(secret_key.encode(), f"csrf|{binding}".encode(), hashlib.sha256).hexdigest()


def _secret_key(request: Request) -> str:
    return request.app.state["settings"].effective_secret_key


def _pre_session(request: Request) -> str:
    """The anonymous value from the cookie, or a new one that `render` sets as cookie."""
    existing = read_cookie(request, CSRF_COOKIE)
    if existing:
        return existing
    new = request.scope.get("state", {}).get(_STATE_KEY)
    if new is None:
        new = secrets.token_urlsafe(32)
        request.scope.setdefault("state", {})[_STATE_KEY] = new
    return new


def csrf_token(request: Request) -> str:
    """The token for this person's forms: bound to their sign-in, else to their pre-session."""
    session = read_cookie(request, SESSION_COOKIE)
    if session:
        return token_for(_secret_key(request), session_token=session)
    return token_for(_secret_key(request), pre_session=_pre_session(request))


def new_csrf_cookie_value(request: Request) -> str | None:
    """The pre-session value to set as cookie on this answer, when the request came without one."""
    if read_cookie(request, CSRF_COOKIE):
        return None
    return request.scope.get("state", {}).get(_STATE_KEY)


def _expected(request: Request) -> str | None:
    session = read_cookie(request, SESSION_COOKIE)
    if session:
        return token_for(_secret_key(request), session_token=session)
    pre_session = read_cookie(request, CSRF_COOKIE)
    return token_for(_secret_key(request), pre_session=pre_session) if pre_session else None


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
    expected = _expected(request)
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent:
        sent = str((await request.form()).get(CSRF_FIELD, ""))
    if not expected or not hmac.compare_digest(expected.encode(), sent.encode()):
        raise CsrfRefused(FORM_EXPIRED)
