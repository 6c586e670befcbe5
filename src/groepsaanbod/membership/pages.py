"""Pages of joining and leaving: the invitation link, the person's own account page
(their organisations, invitations to answer, disabling the whole account) and removing
someone from an admin's team."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from litestar import Request, Response, Router, get, post
from litestar.di import Provide
from litestar.response import Redirect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.requirements import PUBLIC, needs_account, needs_roles
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.cookies import cleared_session_cookie
from groepsaanbod.accounts.errors import InvitationNotFound
from groepsaanbod.accounts.models import Role, Staff, StaffInvitation
from groepsaanbod.accounts.pages.team import form_int, team_page_response
from groepsaanbod.accounts.password_policy import MAX_LENGTH, MIN_LENGTH, RECOMMENDED_LENGTH, normalise_password
from groepsaanbod.accounts.passwords import password_matches
from groepsaanbod.accounts.services import invitations
from groepsaanbod.accounts.services.links import LINK_NOT_VALID
from groepsaanbod.accounts.services.staff import NO_PASSWORD
from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.membership import services
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.protection.rate_limits import Limit, take
from groepsaanbod.refusals import Problem, Refused
from groepsaanbod.settings import Settings
from groepsaanbod.web import problems_for_page, provide_language, render

FOR_ANOTHER_ACCOUNT = N_(
    "This invitation was sent to another email address than the one you are signed in with. "
    "Sign out, open the link again and sign in with the address the invitation was sent to."
)
PASSWORD_NOT_RIGHT = N_("This password is not right. Enter the password you sign in with.")
CONFIRM_NEEDED = N_("Tick the box to confirm that you want to disable your account.")
SOLE_ADMIN = N_(
    "You are the only administrator of %(organisation)s. Make someone else administrator first, "
    "so the organisation can still manage its team."
)
#: Confirming with the password is limited like signing in.
CONFIRM_WINDOW = timedelta(minutes=15)


def _not_valid(request: Request, language: str) -> Response:
    return render(request, language, "error.html", status_code=404, error_text=gettext(language, LINK_NOT_VALID))


async def _organisation_name(db_session: AsyncSession, invitation: StaffInvitation) -> str:
    organisation = await db_session.get(Organisation, invitation.organisation_id)
    return organisation.name if organisation else ""


async def _invitation_page(
    request: Request,
    language: str,
    token: str,
    invitation: StaffInvitation,
    db_session: AsyncSession,
    maybe_viewer: Viewer | None,
    problems: tuple[Problem, ...] = (),
    status: int = 200,
) -> Response:
    """Choose a password (no usable account), sign in first, or answer as the right account."""
    account = await db_session.scalar(select(Staff).where(Staff.email == invitation.email))
    if account is not None and not account.active:
        return _not_valid(request, language)
    choose_password = account is None or account.password_hash == NO_PASSWORD
    if not choose_password and maybe_viewer is None:
        return Redirect(f"/{language}/staff/sign-in?next=/{language}/staff/invitations/{token}", status_code=303)
    if not choose_password and account is not None and maybe_viewer is not None and maybe_viewer.staff_id != account.id:
        return render(
            request, language, "error.html", status_code=403, error_text=gettext(language, FOR_ANOTHER_ACCOUNT)
        )
    return render(
        request,
        language,
        "membership/invitation.html",
        status_code=status,
        token=token,
        invitation=invitation,
        organisation=await _organisation_name(db_session, invitation),
        choose_password=choose_password,
        viewer=maybe_viewer,
        problems=problems_for_page(problems),
        minimum=MIN_LENGTH,
        recommended=RECOMMENDED_LENGTH,
        maximum=MAX_LENGTH,
    )


@get("/staff/invitations/{token:str}", opt=PUBLIC)
async def invitation_page(
    request: Request,
    language: str,
    token: str,
    db_session: AsyncSession,
    now: Callable[[], datetime],
    maybe_viewer: Viewer | None,
) -> Response:
    invitation = await invitations.find_invitation_by_token(db_session, token, now())
    if invitation is None:
        return _not_valid(request, language)
    return await _invitation_page(request, language, token, invitation, db_session, maybe_viewer)


@post("/staff/invitations/{token:str}", opt=PUBLIC)
async def invitation_submit(
    request: Request,
    language: str,
    token: str,
    db_session: AsyncSession,
    now: Callable[[], datetime],
    maybe_viewer: Viewer | None,
) -> Response:
    form = await request.form()
    action = str(form.get("action", ""))
    moment = now()
    invitation = await invitations.find_invitation_by_token(db_session, token, moment)
    if invitation is None:
        return _not_valid(request, language)
    try:
        if action == "password":
            await services.accept_with_password(db_session, token, str(form.get("password", "")), moment)
            return Redirect(f"/{language}/staff/sign-in?done=password", status_code=303)
        if maybe_viewer is None or action not in ("accept", "decline"):
            return await _invitation_page(request, language, token, invitation, db_session, maybe_viewer)
        answer = services.accept_invitation if action == "accept" else services.decline_invitation
        await answer(db_session, maybe_viewer, invitation.id, moment)
    except InvitationNotFound:
        await db_session.rollback()
        return _not_valid(request, language)
    except Refused as refused:
        await db_session.rollback()
        again = await invitations.find_invitation_by_token(db_session, token, moment)
        if again is None:
            return _not_valid(request, language)
        return await _invitation_page(
            request, language, token, again, db_session, maybe_viewer, refused.problems, status=400
        )
    return Redirect(f"/{language}/staff/account?done={action}ed", status_code=303)


async def _account_page(
    request: Request,
    language: str,
    db_session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    problems: tuple[Problem, ...] = (),
    status: int = 200,
) -> Response:
    rows = (
        await db_session.execute(
            select(Organisation.name, Role.role)
            .join(Role, Role.organisation_id == Organisation.id)
            .where(Role.staff_id == viewer.staff_id)
            .order_by(Organisation.name)
        )
    ).all()
    memberships: dict[str, list[str]] = {}
    for name, role in rows:
        memberships.setdefault(name, []).append(role)
    open_invitations = await invitations.invitations_for(db_session, viewer.email, now)
    names = {
        o.id: o.name
        for o in await db_session.scalars(
            select(Organisation).where(Organisation.id.in_({i.organisation_id for i in open_invitations}))
        )
    }
    return render(
        request,
        language,
        "membership/account.html",
        status_code=status,
        viewer=viewer,
        memberships={name: sorted(held) for name, held in memberships.items()},
        invitations=[(i, names.get(i.organisation_id, "")) for i in open_invitations],
        problems=problems_for_page(problems),
        done=request.query_params.get("done", ""),
    )


@get("/staff/account", opt=needs_account())
async def account_page(
    request: Request, language: str, db_session: AsyncSession, viewer: Viewer, now: Callable[[], datetime]
) -> Response:
    return await _account_page(request, language, db_session, viewer, now())


@post("/staff/account/invitations/{invitation_id:int}", opt=needs_account())
async def answer_submit(
    request: Request,
    language: str,
    invitation_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
) -> Response:
    form = await request.form()
    action = str(form.get("action", ""))
    if action not in ("accept", "decline"):
        return Redirect(f"/{language}/staff/account", status_code=303)
    answer = services.accept_invitation if action == "accept" else services.decline_invitation
    try:
        await answer(db_session, viewer, invitation_id, now())
    except Refused as refused:
        await db_session.rollback()
        return await _account_page(request, language, db_session, viewer, now(), refused.problems, 409)
    return Redirect(f"/{language}/staff/account?done={action}ed", status_code=303)


@post("/staff/account/disable", opt=needs_account())
async def disable_account_submit(
    request: Request,
    language: str,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
    settings: Settings,
) -> Response:
    """The person disables their own whole account, confirmed with their password."""
    form = await request.form()
    moment = now()
    await take(
        db_session, Limit("confirm-password", settings.rate_limit_sign_in, CONFIRM_WINDOW), str(viewer.staff_id), moment
    )
    staff = await db_session.get(Staff, viewer.staff_id)
    problems: list[Problem] = []
    if str(form.get("confirm", "")) != "yes":
        problems.append(Problem("confirm", Message(CONFIRM_NEEDED)))
    password = normalise_password(str(form.get("password", "")))
    if staff is None or not await password_matches(staff.password_hash, password):
        problems.append(Problem("password", Message(PASSWORD_NOT_RIGHT)))
    for organisation in await services.sole_admin_of(db_session, viewer.staff_id):
        problems.append(Problem("confirm", Message(SOLE_ADMIN, {"organisation": organisation.name})))
    if problems:
        return await _account_page(request, language, db_session, viewer, moment, tuple(problems), 400)
    await services.disable_account(db_session, viewer.staff_id, moment)
    response = render(request, language, "membership/disabled.html")
    response.set_cookie(cleared_session_cookie(settings))
    return response


@post("/staff/team/{staff_id:int}/remove", opt=needs_roles("admin"))
async def remove_submit(
    request: Request,
    language: str,
    staff_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
) -> Response:
    """Take the person off the team of the admin's organisation(s); their account stays."""
    form = await request.form()
    organisation_id = form_int(form.get("organisation_id")) or None
    try:
        await services.remove_from_organisations(db_session, viewer, staff_id, now(), organisation_id=organisation_id)
    except Refused as refused:
        await db_session.rollback()
        return await team_page_response(
            request, language, db_session, viewer, now=now(), problems=refused.problems, status=409
        )
    if staff_id == viewer.staff_id:  # they left: the team page may no longer be theirs
        return Redirect(f"/{language}/staff/account?done=removed", status_code=303)
    return Redirect(f"/{language}/staff/team?done=removed", status_code=303)


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
        dependencies={"language": Provide(provide_language)},
        include_in_schema=False,
    )
]
