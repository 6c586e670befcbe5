"""JSON API of staff sign-in."""

from __future__ import annotations

from datetime import timedelta

from litestar import Response, get, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from groepsaanbod.access.requirements import PUBLIC, needs_roles
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.cookies import cleared_session_cookie, session_cookie
from groepsaanbod.accounts.errors import (
    SECOND_FACTOR_NEEDED,
    SET_UP_SECOND_FACTOR_FIRST,
    WRONG_CODE,
    WRONG_CREDENTIALS,
)
from groepsaanbod.accounts.guards import client_address, session_token
from groepsaanbod.accounts.schemas import RoleOut, SignInRequest, ViewerOut
from groepsaanbod.accounts.services import staff as services
from groepsaanbod.api_design.problems import problem
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.protection.encryption import key_ring
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context


def viewer_out(viewer: Viewer) -> ViewerOut:
    return ViewerOut(
        staff_id=viewer.staff_id,
        full_name=viewer.full_name,
        email=viewer.email,
        roles=[RoleOut(org, role) for org, roles in sorted(viewer.roles.items()) for role in sorted(roles)],
    )


@post("/api/v1/auth/sign-in", opt=PUBLIC, tags=["accounts"], status_code=HTTP_200_OK)
async def api_sign_in(ctx: Context, data: JSONBody[SignInRequest], settings: Settings) -> Response:
    """Sign in with email, password and, where the account has or needs one, the second
    factor's `code` (the 6 digits the app shows, or one of the recovery codes); the answer
    sets an HttpOnly session cookie. Failed attempts are limited per account and per
    address (429 past the limit)."""
    moment = ctx.now()
    signed = await services.sign_in(
        ctx.db,
        services.SignInAttempt(
            data.email,
            data.password,
            client_address(ctx.request),
            code=data.code,
            previous_token=session_token(ctx.request),
        ),
        moment,
        lifetime=timedelta(hours=settings.session_hours),
        limits=services.SignInLimits(settings.rate_limit_sign_in),
        keys=key_ring(settings),
    )
    if signed is None:
        detail = gettext(ctx.language, WRONG_CODE if data.code else WRONG_CREDENTIALS)
        return problem(ctx.request, ctx.language, 401, detail)
    if signed.second_factor_pending:
        await services.sign_out(ctx.db, signed.token)
        detail = gettext(
            ctx.language, SECOND_FACTOR_NEEDED if signed.second_factor_set_up else SET_UP_SECOND_FACTOR_FIRST
        )
        return problem(ctx.request, ctx.language, 401, detail)
    viewer = await services.find_viewer(ctx.db, signed.token, moment)
    assert viewer is not None
    return Response(viewer_out(viewer), cookies=[session_cookie(settings, signed.token, signed.expires_at, moment)])


def _signed_out(settings: Settings) -> Response[None]:
    """The 204 that clears the sign-in cookie. The handlers returning it say `-> None`, so that the
    API schema shows no body (a Response is sent as it is)."""
    return Response(None, status_code=HTTP_204_NO_CONTENT, cookies=[cleared_session_cookie(settings)])


@post("/api/v1/auth/sign-out", opt=PUBLIC, tags=["accounts"], status_code=HTTP_204_NO_CONTENT)
async def api_sign_out(ctx: Context, settings: Settings) -> None:
    token = session_token(ctx.request)
    if token:
        await services.sign_out(ctx.db, token)
    return _signed_out(settings)  # type: ignore[return-value]


@post("/api/v1/auth/sign-out-everywhere", opt=needs_roles(), tags=["accounts"], status_code=HTTP_204_NO_CONTENT)
async def api_sign_out_everywhere(ctx: Context, settings: Settings) -> None:
    """End every session of the signed-in person, on every device."""
    await services.sign_out_everywhere(ctx.db, ctx.staff.staff_id)
    return _signed_out(settings)  # type: ignore[return-value]


@get("/api/v1/auth/me", opt=needs_roles(), tags=["accounts"])
async def api_me(ctx: Context) -> ViewerOut:
    """Who is signed in, and their roles per organisation."""
    return viewer_out(ctx.staff)


ROUTES = [api_sign_in, api_sign_out, api_sign_out_everywhere, api_me]
