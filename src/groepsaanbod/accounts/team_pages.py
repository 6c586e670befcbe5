"""The organisation admin's page: the team, invitations, the second-factor rule,
disabling an account. Only the admin's own organisations are shown or changed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from litestar import Request, Response, Router, get, post
from litestar.di import Provide
from litestar.response import Redirect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from groepsaanbod import bounds
from groepsaanbod.accounts import links, services
from groepsaanbod.accounts.errors import NotPermitted
from groepsaanbod.accounts.guards import needs_roles
from groepsaanbod.accounts.models import Role, Staff
from groepsaanbod.accounts.roles import ROLES
from groepsaanbod.accounts.second_factor import require_second_factor
from groepsaanbod.accounts.viewer import Viewer
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.refusals import Problem, Refused
from groepsaanbod.settings import Settings
from groepsaanbod.web import problems_for_page, provide_language, render

ADMINS = needs_roles("admin")


def _int(value: object) -> int:
    return bounds.form_id(value)


async def _team_page(
    request: Request,
    language: str,
    db_session: AsyncSession,
    viewer: Viewer,
    problems: tuple[Problem, ...] = (),
    values: dict | None = None,
    status: int = 200,
) -> Response:
    orgs = viewer.organisations_with({"admin"})
    organisations = list(await db_session.scalars(select(Organisation).where(Organisation.id.in_(orgs))))
    people = list(
        await db_session.scalars(
            select(Staff)
            .options(selectinload(Staff.roles))
            .where(Staff.id.in_(select(Role.staff_id).where(Role.organisation_id.in_(orgs))))
            .order_by(Staff.full_name)
        )
    )
    return render(
        request,
        language,
        "accounts/team.html",
        status_code=status,
        viewer=viewer,
        organisations=organisations,
        people=[(p, sorted({r.role for r in p.roles if r.organisation_id in orgs})) for p in people],
        roles=ROLES,
        problems=problems_for_page(problems),
        values=values or {},
        done=request.query_params.get("done", ""),
    )


@get("/staff/team", opt=ADMINS)
async def team_page(request: Request, language: str, db_session: AsyncSession, viewer: Viewer) -> Response:
    return await _team_page(request, language, db_session, viewer)


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
    invitation = links.Invitation(
        organisation_id=_int(values["organisation_id"]),
        email=values["email"],
        full_name=values["full_name"],
        roles=tuple(str(r) for r in form.getall("roles")) if "roles" in form else (),
        language=values["language"] or language,
    )
    try:
        await links.invite_staff(db_session, viewer, invitation, now(), settings.base_url)
    except Refused as refused:
        await db_session.rollback()
        return await _team_page(request, language, db_session, viewer, refused.problems, values, 400)
    return Redirect(f"/{language}/staff/team?done=invited", status_code=303)


@post("/staff/team/second-factor", opt=ADMINS)
async def second_factor_rule_submit(
    request: Request, language: str, db_session: AsyncSession, viewer: Viewer
) -> Response:
    form = await request.form()
    required = str(form.get("required", "")) == "1"
    await require_second_factor(db_session, viewer, _int(form.get("organisation_id")), required)
    return Redirect(f"/{language}/staff/team?done=saved", status_code=303)


@post("/staff/team/{staff_id:int}/disable", opt=ADMINS)
async def disable_submit(language: str, staff_id: int, db_session: AsyncSession, viewer: Viewer) -> Response:
    orgs = viewer.organisations_with({"admin"})
    member = await db_session.scalar(
        select(Role.staff_id).where(Role.staff_id == staff_id, Role.organisation_id.in_(orgs)).limit(1)
    )
    if member is None or staff_id == viewer.staff_id:
        raise NotPermitted()
    await services.disable_staff(db_session, staff_id)
    return Redirect(f"/{language}/staff/team?done=disabled", status_code=303)


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[team_page, invite_submit, second_factor_rule_submit, disable_submit],
        dependencies={"language": Provide(provide_language)},
        include_in_schema=False,
    )
]
