"""JSON API of staff sign-in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from litestar import Request, Response, get, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.requirements import PUBLIC, needs_roles
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.cookies import cleared_session_cookie, session_cookie
from groepsaanbod.accounts.errors import (
    SECOND_FACTOR_NEEDED,
    SET_UP_SECOND_FACTOR_FIRST,
    WRONG_CODE,
    WRONG_CREDENTIALS,
)
from groepsaanbod.accounts.guards import session_token
from groepsaanbod.accounts.schemas import RoleOut, SignInRequest, ViewerOut
from groepsaanbod.accounts.services import staff as services
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.protection.encryption import key_ring
from groepsaanbod.settings import Settings
from groepsaanbod.web import request_language


def viewer_out(viewer: Viewer) -> ViewerOut:
    return ViewerOut(
        staff_id=viewer.staff_id,
        full_name=viewer.full_name,
        email=viewer.email,
        roles=[RoleOut(org, role) for org, roles in sorted(viewer.roles.items()) for role in sorted(roles)],
    )


@post("/api/v1/auth/sign-in", opt=PUBLIC, tags=["accounts"], status_code=HTTP_200_OK)
async def api_sign_in(
    request: Request,
    data: JSONBody[SignInRequest],
    db_session: AsyncSession,
    now: Callable[[], datetime],
    settings: Settings,
) -> Response:
    """Sign in with email, password and, where the account has or needs one, the second
    factor's `code` (the 6 digits the app shows, or one of the recovery codes); the answer
    sets an HttpOnly session cookie. Failed attempts are limited per account and per
    address (429 past the limit)."""
    moment = now()
    language = request_language(request)
    signed = await services.sign_in(
        db_session,
        data.email,
        data.password,
        moment,
        timedelta(hours=settings.session_hours),
        services.SignInLimits(settings.rate_limit_sign_in),
        request.client.host if request.client else "unknown",
        code=data.code,
        previous_token=session_token(request),
        keys=key_ring(settings),
    )
    if signed is None:
        detail = gettext(language, WRONG_CODE if data.code else WRONG_CREDENTIALS)
        return Response({"status_code": 401, "detail": detail}, status_code=401)
    if signed.second_factor_pending:
        await services.sign_out(db_session, signed.token)
        detail = gettext(language, SECOND_FACTOR_NEEDED if signed.second_factor_set_up else SET_UP_SECOND_FACTOR_FIRST)
        return Response({"status_code": 401, "detail": detail}, status_code=401)
    viewer = await services.find_viewer(db_session, signed.token, moment)
    assert viewer is not None
    return Response(viewer_out(viewer), cookies=[session_cookie(settings, signed.token, signed.expires_at, moment)])


@post("/api/v1/auth/sign-out", opt=PUBLIC, tags=["accounts"], status_code=HTTP_204_NO_CONTENT)
async def api_sign_out(request: Request, db_session: AsyncSession, settings: Settings) -> None:  # type: ignore[return]
    token = session_token(request)
    if token:
        await services.sign_out(db_session, token)
    return Response(None, status_code=HTTP_204_NO_CONTENT, cookies=[cleared_session_cookie(settings)])


@post("/api/v1/auth/sign-out-everywhere", opt=needs_roles(), tags=["accounts"], status_code=HTTP_204_NO_CONTENT)
async def api_sign_out_everywhere(  # type: ignore[return]
    db_session: AsyncSession, settings: Settings, viewer: Viewer
) -> None:
    """End every session of the signed-in person, on every device."""
    await services.sign_out_everywhere(db_session, viewer.staff_id)
    return Response(None, status_code=HTTP_204_NO_CONTENT, cookies=[cleared_session_cookie(settings)])


@get("/api/v1/auth/me", opt=needs_roles(), tags=["accounts"])
async def api_me(viewer: Viewer) -> ViewerOut:
    """Who is signed in, and their roles per organisation."""
    return viewer_out(viewer)


ROUTES = [api_sign_in, api_sign_out, api_sign_out_everywhere, api_me]
