"""The organisation admin's page: the team per organisation, invitations sent, the
second-factor rule. Only the admin's own organisations are shown or changed.

People appear on the team only once they hold a role there (they accepted an
invitation, or were added by the CLI). An open invitation shows what the admin typed,
never the name of an account the address may have. Removing someone from the team is
a use case of the membership area (membership/pages.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from litestar import Request, Response, Router, get, post
from litestar.di import Provide
from litestar.response import Redirect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod import bounds
from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.access.roles import ROLES
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import InvitationStatus, Role, Staff
from groepsaanbod.accounts.services import invitations
from groepsaanbod.accounts.services.second_factor import require_second_factor
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.refusals import Problem, Refused
from groepsaanbod.settings import Settings
from groepsaanbod.web import problems_for_page, provide_language, render

ADMINS = needs_roles("admin")


def form_int(value: object) -> int:
    return bounds.form_id(value)


async def team_page_response(
    request: Request,
    language: str,
    db_session: AsyncSession,
    viewer: Viewer,
    *,
    now: datetime,
    problems: tuple[Problem, ...] = (),
    values: dict | None = None,
    status: int = 200,
) -> Response:
    orgs = viewer.organisations_with({"admin"})
    organisations = list(
        await db_session.scalars(select(Organisation).where(Organisation.id.in_(orgs)).order_by(Organisation.name))
    )
    rows = (
        await db_session.execute(
            select(Staff, Role.organisation_id, Role.role)
            .join(Role, Role.staff_id == Staff.id)
            .where(Role.organisation_id.in_(orgs))
            .order_by(Staff.full_name, Staff.id)
        )
    ).all()
    teams: dict[int, dict[int, tuple[Staff, list[str]]]] = {o.id: {} for o in organisations}
    for person, org, role in rows:
        teams[org].setdefault(person.id, (person, []))[1].append(role)
    sent = [i for i in await invitations.list_invitations(db_session, viewer) if invitations.is_open(i, now)]
    return render(
        request,
        language,
        "accounts/team.html",
        status_code=status,
        viewer=viewer,
        organisations=organisations,
        teams={org: [(p, sorted(held)) for p, held in people.values()] for org, people in teams.items()},
        invitations={o.id: [i for i in sent if i.organisation_id == o.id] for o in organisations},
        roles=ROLES,
        problems=problems_for_page(problems),
        values=values or {},
        done=request.query_params.get("done", ""),
    )


@get("/staff/team", opt=ADMINS)
async def team_page(
    request: Request, language: str, db_session: AsyncSession, viewer: Viewer, now: Callable[[], datetime]
) -> Response:
    return await team_page_response(request, language, db_session, viewer, now=now())


@post("/staff/team/invitations", opt=ADMINS)
async def invite_submit(
    request: Request,
    language: str,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
    settings: Settings,
) -> Response:
    form = await request.form()
    values = {key: str(form.get(key, "")) for key in ("email", "full_name", "organisation_id", "language")}
    new = invitations.NewInvitation(
        organisation_id=form_int(values["organisation_id"]),
        email=values["email"],
        full_name=values["full_name"],
        roles=tuple(str(r) for r in form.getall("roles")) if "roles" in form else (),
        language=values["language"] or language,
    )
    try:
        invitation = await invitations.invite_staff(db_session, viewer, new, now(), base_url=settings.base_url)
    except Refused as refused:
        await db_session.rollback()
        return await team_page_response(
            request, language, db_session, viewer, now=now(), problems=refused.problems, values=values, status=400
        )
    done = "invited" if invitation.status == InvitationStatus.OPEN else "roles"
    return Redirect(f"/{language}/staff/team?done={done}", status_code=303)


@post("/staff/team/invitations/{invitation_id:int}/withdraw", opt=ADMINS)
async def withdraw_submit(
    request: Request,
    language: str,
    invitation_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
) -> Response:
    try:
        await invitations.withdraw_invitation(db_session, viewer, invitation_id, now())
    except Refused as refused:
        await db_session.rollback()
        return await team_page_response(
            request, language, db_session, viewer, now=now(), problems=refused.problems, status=409
        )
    return Redirect(f"/{language}/staff/team?done=withdrawn", status_code=303)


@post("/staff/team/second-factor", opt=ADMINS)
async def second_factor_rule_submit(
    request: Request, language: str, db_session: AsyncSession, viewer: Viewer
) -> Response:
    form = await request.form()
    required = str(form.get("required", "")) == "1"
    await require_second_factor(db_session, viewer, form_int(form.get("organisation_id")), required)
    return Redirect(f"/{language}/staff/team?done=saved", status_code=303)


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[team_page, invite_submit, withdraw_submit, second_factor_rule_submit],
        dependencies={"language": Provide(provide_language)},
        include_in_schema=False,
    )
]
