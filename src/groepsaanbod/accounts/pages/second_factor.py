"""Pages of the second factor: set it up (the server makes the secret), give a code (or a
recovery code) after the password, see and renew recovery codes, move to a new phone.

The secret is shown only while it is being set up; the recovery codes only on the
answer that made them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from urllib.parse import quote

import segno
from litestar import Response, Router, get, post
from litestar.response import Redirect

from groepsaanbod.access.errors import NotSignedIn
from groepsaanbod.access.requirements import PUBLIC, needs_roles
from groepsaanbod.accounts import recovery_codes, totp
from groepsaanbod.accounts.guards import idle_limit, session_token
from groepsaanbod.accounts.pages.sign_in import safe_next
from groepsaanbod.accounts.services import staff as services
from groepsaanbod.accounts.services.code_check import CodeAccepted, recovery_codes_left
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
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context, act


async def _state(ctx: Context, settings: Settings, moment: datetime) -> SignInState | None:
    return await services.find_sign_in(ctx.db, session_token(ctx.request), moment, idle_limit(settings))


def _setting_up(state: SignInState) -> bool:
    """First set-up after the password, or a new phone that a complete sign-in started."""
    if state.second_factor_pending:
        return not state.staff.totp_secret
    return state.row.pending_totp_secret is not None and may_set_up(state.row, state.staff)


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


async def _code_page(
    ctx: Context,
    state: SignInState,
    settings: Settings,
    *,
    target: str,
    problems: list[dict[str, Any]] | None = None,
) -> Response:
    context: dict[str, Any] = {"next": target, "problems": problems or [], "set_up": False}
    if _setting_up(state):
        secret = await start_set_up(ctx.db, state.row, state.staff, key_ring(settings))
        qr = segno.make(totp.provisioning_uri(secret, state.staff.email), error="m").svg_inline(scale=4)
        context.update(set_up=True, secret=_grouped(secret), qr_svg=qr.replace("<svg ", '<svg aria-hidden="true" ', 1))
    return ctx.render("accounts/second_factor.html", status_code=400 if problems else 200, **context)


def _limit(settings: Settings) -> Limit:
    """Codes per person, counted before each is checked; shared with the API's sign-in."""
    return services.SignInLimits(settings.rate_limit_sign_in).second_factor()


async def _right_code(ctx: Context, settings: Settings, state: SignInState, moment: datetime) -> None:
    """A right code gives its count back: only wrong codes add up to the limit."""
    await give_back(ctx.db, _limit(settings), str(state.staff.id), moment)
    await ctx.db.commit()


@get("/staff/second-factor", opt=PUBLIC)
async def second_factor_page(ctx: Context, settings: Settings, next: str | None = None) -> Response:
    state = await _state(ctx, settings, ctx.now())
    target = safe_next(next, ctx.language)
    if state is None:
        return ctx.redirect("/staff/sign-in")
    if not state.second_factor_pending and not _setting_up(state):
        return Redirect(target, status_code=303)
    return await _code_page(ctx, state, settings, target=target)


def _codes_page(ctx: Context, codes: list[str], target: str) -> Response:
    shown = [recovery_codes.shown(code) for code in codes]
    # Without the staff menu, like the other second-factor pages.
    return ctx.render("accounts/recovery_codes_new.html", viewer=None, codes=shown, next=target)


@post("/staff/second-factor", opt=PUBLIC)
async def second_factor_submit(ctx: Context, settings: Settings) -> Response:
    form = await ctx.request.form()
    moment = ctx.now()
    state = await _state(ctx, settings, moment)
    target = safe_next(str(form.get("next", "")), ctx.language)
    if state is None:
        return ctx.redirect("/staff/sign-in")
    setting_up = _setting_up(state)
    if not state.second_factor_pending and not setting_up:
        return Redirect(target, status_code=303)
    await take(ctx.db, _limit(settings), str(state.staff.id), moment)
    # Only the code is read: a `secret` sent along is ignored (the server made the secret).
    code, keys, signed_in = str(form.get("code", "")), key_ring(settings), state

    async def show_form(problems: list[dict[str, Any]]) -> Response:
        again = await _state(ctx, settings, moment)
        if again is None:
            return ctx.redirect("/staff/sign-in")
        return await _code_page(ctx, again, settings, target=target, problems=problems)

    if setting_up:

        async def set_up() -> list[str]:
            codes = await set_up_second_factor(ctx.db, signed_in.row, signed_in.staff, code=code, now=moment, keys=keys)
            await _right_code(ctx, settings, signed_in, moment)
            return codes

        return await act(ctx, set_up, done=lambda codes: _codes_page(ctx, codes, target), form=show_form)

    async def give() -> CodeAccepted:
        accepted = await give_second_factor(ctx.db, signed_in.row, signed_in.staff, code=code, now=moment, keys=keys)
        await _right_code(ctx, settings, signed_in, moment)
        return accepted

    def done(accepted: CodeAccepted) -> Response:
        if accepted.recovery_codes_left is not None:
            return ctx.redirect(f"/staff/second-factor/recovery-codes?used=1&next={quote(target, safe='/')}")
        return Redirect(target, status_code=303)

    return await act(ctx, give, done=done, form=show_form)


async def _recovery_page(
    ctx: Context, state: SignInState, *, target: str, problems: list[dict[str, Any]] | None = None
) -> Response:
    return ctx.render(
        "accounts/recovery_codes.html",
        status_code=400 if problems else 200,
        # Without the staff menu, like the other second-factor pages.
        viewer=None,
        has_second_factor=bool(state.staff.totp_secret),
        left=await recovery_codes_left(ctx.db, state.staff.id),
        few=recovery_codes.FEW_LEFT,
        used=ctx.request.query_params.get("used") == "1",
        next=target,
        problems=problems or [],
    )


@get("/staff/second-factor/recovery-codes", opt=needs_roles())
async def recovery_codes_page(ctx: Context, settings: Settings, next: str | None = None) -> Response:
    state = await _signed_in(ctx, settings, ctx.now())
    return await _recovery_page(ctx, state, target=safe_next(next, ctx.language))


async def _signed_in(ctx: Context, settings: Settings, moment: datetime) -> SignInState:
    """The sign-in behind the viewer (the routes below name roles, so the Context's guard ran first)."""
    state = await _state(ctx, settings, moment)
    if state is None or state.second_factor_pending:
        raise NotSignedIn()
    return state


async def _with_code(ctx: Context, settings: Settings, moment: datetime) -> tuple[SignInState, str]:
    """The sign-in and the code sent; each attempt counts against the same limit as the sign-in's code."""
    state = await _signed_in(ctx, settings, moment)
    await take(ctx.db, _limit(settings), str(state.staff.id), moment)
    return state, str((await ctx.request.form()).get("code", ""))


def _recovery_form(
    ctx: Context, settings: Settings, moment: datetime
) -> Callable[[list[dict[str, Any]]], Awaitable[Response]]:
    """After a refused code: the recovery page again, with the problems."""

    async def show_form(problems: list[dict[str, Any]]) -> Response:
        state = await _signed_in(ctx, settings, moment)
        return await _recovery_page(ctx, state, target=f"/{ctx.language}/staff/", problems=problems)

    return show_form


@post("/staff/second-factor/recovery-codes", opt=needs_roles())
async def recovery_codes_submit(ctx: Context, settings: Settings) -> Response:
    moment = ctx.now()
    state, code = await _with_code(ctx, settings, moment)
    return await act(
        ctx,
        lambda: renew_recovery_codes(ctx.db, state.staff, code=code, now=moment, keys=key_ring(settings)),
        done=lambda codes: _codes_page(ctx, codes, f"/{ctx.language}/staff/"),
        form=_recovery_form(ctx, settings, moment),
    )


@post("/staff/second-factor/new-app", opt=needs_roles())
async def new_app_submit(ctx: Context, settings: Settings) -> Response:
    moment = ctx.now()
    state, code = await _with_code(ctx, settings, moment)
    return await act(
        ctx,
        lambda: start_new_app(ctx.db, state.row, state.staff, code=code, now=moment, keys=key_ring(settings)),
        done=lambda _: ctx.redirect("/staff/second-factor"),
        form=_recovery_form(ctx, settings, moment),
    )


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
        include_in_schema=False,
    )
]
