"""The sign-in cookie: HttpOnly, SameSite=Lax; outside development Secure and named
`__Host-ga_session` (protection/cookies.py)."""

from __future__ import annotations

from datetime import datetime

from litestar.datastructures import Cookie

from groepsaanbod.protection.cookies import SESSION_COOKIE, cookie_name
from groepsaanbod.settings import Settings


def session_cookie(settings: Settings, token: str, expires_at: datetime, now: datetime) -> Cookie:
    return Cookie(
        key=cookie_name(SESSION_COOKIE, development=settings.development),
        value=token,
        max_age=int((expires_at - now).total_seconds()),
        httponly=True,
        samesite="lax",
        secure=not settings.development,
        path="/",
    )


def cleared_session_cookie(settings: Settings) -> Cookie:
    return Cookie(
        key=cookie_name(SESSION_COOKIE, development=settings.development),
        value="",
        max_age=0,
        httponly=True,
        samesite="lax",
        secure=not settings.development,
        path="/",
    )
