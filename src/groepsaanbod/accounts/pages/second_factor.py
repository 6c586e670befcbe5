"""Pages of the second factor: set it up (the server makes the secret), give a code (or a
recovery code) after the password, see and renew recovery codes, move to a new phone.

The secret is shown only while it is being set up; the recovery codes only on the
answer that made them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import quote

import segno
from litestar import Request, Response, Router, get, post
from litestar.di import Provide
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.errors import NotSignedIn
from groepsaanbod.access.requirements import PUBLIC, needs_roles
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts import recovery_codes, totp
from groepsaanbod.accounts.guards import idle_limit, session_token
from groepsaanbod.accounts.pages.sign_in import safe_next
from groepsaanbod.accounts.services import staff as services
from groepsaanbod.accounts.services.code_check import recovery_codes_left
from groepsaanbod.accounts.services.second_factor import (
    give_second_factor,
    may_set_up,
    renew_recovery_codes,
    set_up_second_factor,
    start_new_app,
    start_set_up,
)
from groepsaanbod.accounts.services.staff import SignInState
from groepsaanbod.protection.encryption import key_ring
from groepsaanbod.protection.rate_limits import Limit, give_back, take
from groepsaanbod.refusals import Problem, Refused
from groepsaanbod.settings import Settings
from groepsaanbod.web import problems_for_page, provide_language, render


async def _state(request: Request, db_session: AsyncSession, moment: datetime, settings: Settings):
    return await services.find_sign_in(db_session, session_token(request), moment, idle_limit(settings))


def _setting_up(state: SignInState) -> bool:
    """First set-up after the password, or a new phone that a complete sign-in started."""
    if state.second_factor_pending:
        return not state.staff.totp_secret
    return state.row.pending_totp_secret is not None and may_set_up(state.row, state.staff)


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


async def _code_page(
    request: Request,
    language: str,
    db_session: AsyncSession,
    state: SignInState,
    settings: Settings,
    *,
    target: str,
    problems: tuple[Problem, ...] = (),
    status: int = 200,
) -> Response:
    context: dict[str, Any] = {"next": target, "problems": problems_for_page(problems), "set_up": False}
    if _setting_up(state):
        secret = await start_set_up(db_session, state.row, state.staff, key_ring(settings))
        qr = segno.make(totp.provisioning_uri(secret, state.staff.email), error="m").svg_inline(scale=4)
        context.update(set_up=True, secret=_grouped(secret), qr_svg=qr.replace("<svg ", '<svg aria-hidden="true" ', 1))
    return render(request, language, "accounts/second_factor.html", status_code=status, **context)


def _limit(settings: Settings) -> Limit:
    """Codes per person, counted before each is checked; shared with the API's sign-in."""
    return services.SignInLimits(settings.rate_limit_sign_in).second_factor()


async def _right_code(db_session: AsyncSession, settings: Settings, state: SignInState, moment: datetime) -> None:
    """A right code gives its count back: only wrong codes add up to the limit."""
    await give_back(db_session, _limit(settings), str(state.staff.id), moment)
    await db_session.commit()


@get("/staff/second-factor", opt=PUBLIC)
async def second_factor_page(
    request: Request,
    language: str,
    db_session: AsyncSession,
    now: Callable[[], datetime],
    settings: Settings,
    next: str | None = None,
) -> Response:
    state = await _state(request, db_session, now(), settings)
    target = safe_next(next, language)
    if state is None:
        return Redirect(f"/{language}/staff/sign-in", status_code=303)
    if not state.second_factor_pending and not _setting_up(state):
        return Redirect(target, status_code=303)
    return await _code_page(request, language, db_session, state, settings, target=target)


def _codes_page(request: Request, language: str, codes: list[str], target: str) -> Response:
    shown = [recovery_codes.shown(code) for code in codes]
    return render(request, language, "accounts/recovery_codes_new.html", codes=shown, next=target)


@post("/staff/second-factor", opt=PUBLIC)
async def second_factor_submit(
    request: Request, language: str, db_session: AsyncSession, now: Callable[[], datetime], settings: Settings
) -> Response:
    form = await request.form()
    moment = now()
    state = await _state(request, db_session, moment, settings)
    target = safe_next(str(form.get("next", "")), language)
    if state is None:
        return Redirect(f"/{language}/staff/sign-in", status_code=303)
    setting_up = _setting_up(state)
    if not state.second_factor_pending and not setting_up:
        return Redirect(target, status_code=303)
    await take(db_session, _limit(settings), str(state.staff.id), moment)
    # Only the code is read: a `secret` sent along is ignored (the server made the secret).
    code, keys = str(form.get("code", "")), key_ring(settings)
    try:
        if setting_up:
            codes = await set_up_second_factor(db_session, state.row, state.staff, code=code, now=moment, keys=keys)
            await _right_code(db_session, settings, state, moment)
            return _codes_page(request, language, codes, target)
        accepted = await give_second_factor(db_session, state.row, state.staff, code=code, now=moment, keys=keys)
        await _right_code(db_session, settings, state, moment)
    except Refused as refused:
        await db_session.rollback()
        state = await _state(request, db_session, moment, settings)
        if state is None:
            return Redirect(f"/{language}/staff/sign-in", status_code=303)
        return await _code_page(
            request, language, db_session, state, settings, target=target, problems=refused.problems, status=400
        )
    if accepted.recovery_codes_left is not None:
        return Redirect(
            f"/{language}/staff/second-factor/recovery-codes?used=1&next={quote(target, safe='/')}", status_code=303
        )
    return Redirect(target, status_code=303)


async def _recovery_page(
    request: Request,
    language: str,
    db_session: AsyncSession,
    state: SignInState,
    *,
    target: str,
    problems: tuple[Problem, ...] = (),
    status: int = 200,
) -> Response:
    return render(
        request,
        language,
        "accounts/recovery_codes.html",
        status_code=status,
        has_second_factor=bool(state.staff.totp_secret),
        left=await recovery_codes_left(db_session, state.staff.id),
        few=recovery_codes.FEW_LEFT,
        used=request.query_params.get("used") == "1",
        next=target,
        problems=problems_for_page(problems),
    )


@get("/staff/second-factor/recovery-codes", opt=needs_roles())
async def recovery_codes_page(
    request: Request,
    language: str,
    db_session: AsyncSession,
    now: Callable[[], datetime],
    settings: Settings,
    viewer: Viewer,
    next: str | None = None,
) -> Response:
    state = await _signed_in(request, db_session, now(), settings)
    return await _recovery_page(request, language, db_session, state, target=safe_next(next, language))


async def _signed_in(request: Request, db_session: AsyncSession, moment: datetime, settings: Settings) -> SignInState:
    """The sign-in behind the viewer (the routes below take `viewer`, so its guard ran first)."""
    state = await _state(request, db_session, moment, settings)
    if state is None or state.second_factor_pending:
        raise NotSignedIn()
    return state


async def _with_code(
    request: Request, db_session: AsyncSession, moment: datetime, settings: Settings
) -> tuple[SignInState, str]:
    """The sign-in and the code sent; each attempt counts against the same limit as the sign-in's code."""
    state = await _signed_in(request, db_session, moment, settings)
    await take(db_session, _limit(settings), str(state.staff.id), moment)
    return state, str((await request.form()).get("code", ""))


@post("/staff/second-factor/recovery-codes", opt=needs_roles())
async def recovery_codes_submit(
    request: Request,
    language: str,
    db_session: AsyncSession,
    now: Callable[[], datetime],
    settings: Settings,
    viewer: Viewer,
) -> Response:
    moment = now()
    state, code = await _with_code(request, db_session, moment, settings)
    target = f"/{language}/staff/"
    try:
        codes = await renew_recovery_codes(db_session, state.staff, code=code, now=moment, keys=key_ring(settings))
    except Refused as refused:
        await db_session.rollback()
        state = await _signed_in(request, db_session, moment, settings)
        return await _recovery_page(
            request, language, db_session, state, target=target, problems=refused.problems, status=400
        )
    return _codes_page(request, language, codes, target)


@post("/staff/second-factor/new-app", opt=needs_roles())
async def new_app_submit(
    request: Request,
    language: str,
    db_session: AsyncSession,
    now: Callable[[], datetime],
    settings: Settings,
    viewer: Viewer,
) -> Response:
    moment = now()
    state, code = await _with_code(request, db_session, moment, settings)
    try:
        await start_new_app(db_session, state.row, state.staff, code=code, now=moment, keys=key_ring(settings))
    except Refused as refused:
        await db_session.rollback()
        state = await _signed_in(request, db_session, moment, settings)
        return await _recovery_page(
            request, language, db_session, state, target=f"/{language}/staff/", problems=refused.problems, status=400
        )
    return Redirect(f"/{language}/staff/second-factor", status_code=303)


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[
            second_factor_page,
            second_factor_submit,
            recovery_codes_page,
            recovery_codes_submit,
            new_app_submit,
        ],
        dependencies={"language": Provide(provide_language)},
        include_in_schema=False,
    )
]
