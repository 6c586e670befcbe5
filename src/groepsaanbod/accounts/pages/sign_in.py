"""Pages to sign in with the password (the second factor: second_factor.py) and
out, everywhere too, and to choose a password through a one-time link."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Response, Router, get, post
from litestar.response import Redirect

from groepsaanbod.access.requirements import PUBLIC, needs_roles
from groepsaanbod.accounts.cookies import cleared_session_cookie, session_cookie
from groepsaanbod.accounts.errors import WRONG_CREDENTIALS
from groepsaanbod.accounts.guards import client_address, session_token
from groepsaanbod.accounts.password_policy import MAX_LENGTH, MIN_LENGTH, RECOMMENDED_LENGTH
from groepsaanbod.accounts.services import links
from groepsaanbod.accounts.services import staff as services
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.protection.encryption import key_ring
from groepsaanbod.protection.rate_limits import Limit, take
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context, act


def safe_next(target: str | None, language: str) -> str:
    """Only a path on this site, never another host."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return f"/{language}/staff/"


@get("/staff/sign-in", opt=PUBLIC)
async def sign_in_page(ctx: Context, next: str | None = None) -> Response:
    return ctx.render("accounts/sign_in.html", next=safe_next(next, ctx.language), error=None, email="")


@post("/staff/sign-in", opt=PUBLIC)
async def sign_in_submit(ctx: Context, settings: Settings) -> Response:
    form = await ctx.request.form()
    email = str(form.get("email", ""))
    target = safe_next(str(form.get("next", "")), ctx.language)
    moment = ctx.now()
    signed = await services.sign_in(
        ctx.db,
        services.SignInAttempt(
            email,
            str(form.get("password", "")),
            client_address(ctx.request),
            previous_token=session_token(ctx.request),
        ),
        moment,
        lifetime=timedelta(hours=settings.session_hours),
        limits=services.SignInLimits(settings.rate_limit_sign_in),
        keys=key_ring(settings),
    )
    if signed is None:
        return ctx.render(
            "accounts/sign_in.html",
            status_code=400,
            next=target,
            email=email,
            error=gettext(ctx.language, WRONG_CREDENTIALS),
        )
    if signed.second_factor_pending:
        target = f"/{ctx.language}/staff/second-factor?next={target}"
    return Redirect(
        target, status_code=303, cookies=[session_cookie(settings, signed.token, signed.expires_at, moment)]
    )


@post("/staff/sign-out", opt=PUBLIC)
async def sign_out_submit(ctx: Context, settings: Settings) -> Response:
    token = session_token(ctx.request)
    if token:
        await services.sign_out(ctx.db, token)
    return Redirect(f"/{ctx.language}/", status_code=303, cookies=[cleared_session_cookie(settings)])


@post("/staff/sign-out-everywhere", opt=needs_roles())
async def sign_out_everywhere_submit(ctx: Context, settings: Settings) -> Response:
    await services.sign_out_everywhere(ctx.db, ctx.staff.staff_id)
    return Redirect(f"/{ctx.language}/", status_code=303, cookies=[cleared_session_cookie(settings)])


@get("/staff/", opt=needs_roles())
async def staff_home(ctx: Context) -> Response:
    return ctx.render("accounts/home.html")


@get("/staff/password", opt=PUBLIC)
async def forgot_page(ctx: Context) -> Response:
    return ctx.render("accounts/forgot.html", sent=False)


@post("/staff/password", opt=PUBLIC)
async def forgot_submit(ctx: Context, settings: Settings) -> Response:
    form = await ctx.request.form()
    moment = ctx.now()
    await take(
        ctx.db, Limit("reset", settings.rate_limit_link, timedelta(hours=1)), client_address(ctx.request), moment
    )
    await links.request_password_reset(ctx.db, str(form.get("email", "")), moment, settings.base_url)
    return ctx.render("accounts/forgot.html", sent=True)


def _link_not_valid(ctx: Context) -> Response:
    return ctx.render("error.html", status_code=404, error_text=gettext(ctx.language, links.LINK_NOT_VALID))


def _password_page(ctx: Context, token: str, problems: list[dict[str, Any]] | None = None) -> Response:
    return ctx.render(
        "accounts/password.html",
        status_code=400 if problems else 200,
        token=token,
        problems=problems or [],
        minimum=MIN_LENGTH,
        recommended=RECOMMENDED_LENGTH,
        maximum=MAX_LENGTH,
    )


@get("/staff/password/{token:str}", opt=PUBLIC)
async def password_page(ctx: Context, token: str) -> Response:
    if await links.find_link(ctx.db, token, ctx.now()) is None:
        return _link_not_valid(ctx)
    return _password_page(ctx, token)


@post("/staff/password/{token:str}", opt=PUBLIC)
async def password_submit(ctx: Context, token: str) -> Response:
    form = await ctx.request.form()

    async def show_form(problems: list[dict[str, Any]]) -> Response:
        if any(p["field"] == "token" for p in problems):
            return _link_not_valid(ctx)
        return _password_page(ctx, token, problems)

    return await act(
        ctx,
        lambda: links.set_password(ctx.db, token, str(form.get("password", "")), ctx.now()),
        done=lambda _: ctx.redirect("/staff/sign-in?done=password"),
        form=show_form,
    )


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[
            sign_in_page,
            sign_in_submit,
            sign_out_submit,
            sign_out_everywhere_submit,
            staff_home,
            forgot_page,
            forgot_submit,
            password_page,
            password_submit,
        ],
        include_in_schema=False,
    )
]
