"""Pages of joining and leaving: the invitation link, the person's own account page
(their organisations, invitations to answer, disabling the whole account) and removing
someone from an admin's team."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial
from typing import Any

from litestar import Response, Router, get, post

from groepsaanbod.access.requirements import PUBLIC, needs_account, needs_roles
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.cookies import cleared_session_cookie
from groepsaanbod.accounts.errors import InvitationNotFound
from groepsaanbod.accounts.models import StaffInvitation
from groepsaanbod.accounts.pages.team import form_int, team_page_response
from groepsaanbod.accounts.password_policy import MAX_LENGTH, MIN_LENGTH, RECOMMENDED_LENGTH
from groepsaanbod.accounts.services import invitation_answers
from groepsaanbod.accounts.services.links import LINK_NOT_VALID
from groepsaanbod.i18n.text import N_
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.membership import services
from groepsaanbod.protection.rate_limits import Limit, take
from groepsaanbod.refusals import Refused
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context, act, problems_for_page

FOR_ANOTHER_ACCOUNT = N_(
    "This invitation was sent to another email address than the one you are signed in with. "
    "Sign out, open the link again and sign in with the address the invitation was sent to."
)
#: Confirming with the password is limited like signing in.
CONFIRM_WINDOW = timedelta(minutes=15)


def _not_valid(ctx: Context) -> Response:
    return ctx.render("error.html", status_code=404, error_text=gettext(ctx.language, LINK_NOT_VALID))


async def _invitation_page(
    ctx: Context,
    token: str,
    invitation: StaffInvitation,
    maybe_viewer: Viewer | None,
    problems: list[dict[str, Any]] | None = None,
) -> Response:
    """Choose a password (no usable account), sign in first, or answer as the right account."""
    seen = await services.invitation_view(ctx.db, invitation)
    account = seen.account
    if account is not None and not account.active:
        return _not_valid(ctx)
    if not seen.choose_password and maybe_viewer is None:
        return ctx.redirect(f"/staff/sign-in?next=/{ctx.language}/staff/invitations/{token}")
    if (
        not seen.choose_password
        and account is not None
        and maybe_viewer is not None
        and maybe_viewer.staff_id != account.id
    ):
        return ctx.render("error.html", status_code=403, error_text=gettext(ctx.language, FOR_ANOTHER_ACCOUNT))
    return ctx.render(
        "membership/invitation.html",
        status_code=400 if problems else 200,
        token=token,
        invitation=invitation,
        organisation=seen.organisation_name,
        choose_password=seen.choose_password,
        viewer=maybe_viewer,
        problems=problems or [],
        minimum=MIN_LENGTH,
        recommended=RECOMMENDED_LENGTH,
        maximum=MAX_LENGTH,
    )


@get("/staff/invitations/{token:str}", opt=PUBLIC)
async def invitation_page(ctx: Context, token: str, maybe_viewer: Viewer | None) -> Response:
    invitation = await invitation_answers.find_invitation_by_token(ctx.db, token, ctx.now())
    if invitation is None:
        return _not_valid(ctx)
    return await _invitation_page(ctx, token, invitation, maybe_viewer)


@post("/staff/invitations/{token:str}", opt=PUBLIC)
async def invitation_submit(ctx: Context, token: str, maybe_viewer: Viewer | None) -> Response:
    form = await ctx.request.form()
    action = str(form.get("action", ""))
    moment = ctx.now()
    invitation = await invitation_answers.find_invitation_by_token(ctx.db, token, moment)
    if invitation is None:
        return _not_valid(ctx)
    attempt: Callable[[], Awaitable[object]]
    if action == "password":
        attempt = partial(services.accept_with_password, ctx.db, token, str(form.get("password", "")), moment)
        target = "/staff/sign-in?done=password"
    elif maybe_viewer is not None and action in ("accept", "decline"):
        answer = services.accept_invitation if action == "accept" else services.decline_invitation
        attempt = partial(answer, ctx.db, maybe_viewer, invitation.id, moment)
        target = f"/staff/account?done={action}ed"
    else:
        return await _invitation_page(ctx, token, invitation, maybe_viewer)

    async def show_form(problems: list[dict[str, Any]]) -> Response:
        again = await invitation_answers.find_invitation_by_token(ctx.db, token, moment)
        if again is None:
            return _not_valid(ctx)
        return await _invitation_page(ctx, token, again, maybe_viewer, problems)

    try:
        return await act(ctx, attempt, done=lambda _: ctx.redirect(target), form=show_form)
    except InvitationNotFound:
        await ctx.db.rollback()
        return _not_valid(ctx)


async def _account_page(ctx: Context, problems: list[dict[str, Any]] | None = None, status: int = 200) -> Response:
    overview = await services.account_overview(ctx.db, ctx.staff, ctx.now())
    return ctx.render(
        "membership/account.html",
        status_code=status,
        memberships=overview.memberships,
        invitations=overview.invitations,
        problems=problems or [],
        done=ctx.request.query_params.get("done", ""),
    )


@get("/staff/account", opt=needs_account())
async def account_page(ctx: Context) -> Response:
    return await _account_page(ctx)


@post("/staff/account/invitations/{invitation_id:int}", opt=needs_account())
async def answer_submit(ctx: Context, invitation_id: int) -> Response:
    form = await ctx.request.form()
    action = str(form.get("action", ""))
    if action not in ("accept", "decline"):
        return ctx.redirect("/staff/account")
    answer = services.accept_invitation if action == "accept" else services.decline_invitation

    async def show_page(problems: list[dict[str, Any]]) -> Response:
        return await _account_page(ctx, problems, 409)

    return await act(
        ctx,
        lambda: answer(ctx.db, ctx.staff, invitation_id, ctx.now()),
        done=lambda _: ctx.redirect(f"/staff/account?done={action}ed"),
        form=show_page,
    )


@post("/staff/account/disable", opt=needs_account())
async def disable_account_submit(ctx: Context, settings: Settings) -> Response:
    """The person disables their own whole account, confirmed with their password."""
    form = await ctx.request.form()
    moment = ctx.now()
    await take(
        ctx.db,
        Limit("confirm-password", settings.rate_limit_sign_in, CONFIRM_WINDOW),
        str(ctx.staff.staff_id),
        moment,
    )

    try:
        await services.disable_own_account(
            ctx.db,
            ctx.staff,
            confirmed=str(form.get("confirm", "")) == "yes",
            password=str(form.get("password", "")),
            now=moment,
        )
    except Refused as refused:
        # Refused before anything was written: nothing to roll back.
        return await _account_page(ctx, problems_for_page(refused.problems), 400)
    # Without the staff menu: the account and its sign-ins are gone.
    response = ctx.render("membership/disabled.html", viewer=None)
    response.set_cookie(cleared_session_cookie(settings))
    return response


@post("/staff/team/{staff_id:int}/remove", opt=needs_roles("admin"))
async def remove_submit(ctx: Context, staff_id: int) -> Response:
    """Take the person off the team of the admin's organisation(s); their account stays."""
    form = await ctx.request.form()
    organisation_id = form_int(form.get("organisation_id")) or None

    def done(_: services.Removal) -> Response:
        if staff_id == ctx.staff.staff_id:  # they left: the team page may no longer be theirs
            return ctx.redirect("/staff/account?done=removed")
        return ctx.redirect("/staff/team?done=removed")

    async def show_page(problems: list[dict[str, Any]]) -> Response:
        return await team_page_response(ctx, problems=problems, status=409)

    return await act(
        ctx,
        lambda: services.remove_from_organisations(
            ctx.db, ctx.staff, staff_id, ctx.now(), organisation_id=organisation_id
        ),
        done=done,
        form=show_page,
    )


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[
            invitation_page,
            invitation_submit,
            account_page,
            answer_submit,
            disable_account_submit,
            remove_submit,
        ],
        include_in_schema=False,
    )
]
