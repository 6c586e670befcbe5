"""The sign-in cookie: HttpOnly, SameSite=Lax, Secure outside development."""

from __future__ import annotations

from datetime import datetime

from litestar.datastructures import Cookie

from groepsaanbod.accounts.guards import SESSION_COOKIE
from groepsaanbod.settings import Settings


def session_cookie(settings: Settings, token: str, expires_at: datetime, now: datetime) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        max_age=int((expires_at - now).total_seconds()),
        httponly=True,
        samesite="lax",
        secure=not settings.development,
        path="/",
    )


def cleared_session_cookie(settings: Settings) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value="",
        max_age=0,
        httponly=True,
        samesite="lax",
        secure=not settings.development,
        path="/",
    )
