"""Reading an organisation's team: members_of, team_of (one organisation, for its admins) and
team_overview (what the admin's team page shows). People appear on a team once they hold a
role there; an open invitation is not yet a member."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.errors import NotPermitted
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import Role, Staff, StaffInvitation
from groepsaanbod.accounts.services.invitations import is_open, list_invitations
from groepsaanbod.organisations.models import Organisation


@dataclass(frozen=True)
class Member:
    """A person on an organisation's team and the roles they hold there (in the order read)."""

    staff: Staff
    roles: list[str]


@dataclass(frozen=True)
class TeamOverview:
    """The admin's organisations (by name), each one's members and its open invitations."""

    organisations: list[Organisation]
    members: dict[int, list[Member]]
    invitations: dict[int, list[StaffInvitation]]


async def members_of(session: AsyncSession, organisation_ids: Collection[int]) -> dict[int, list[Member]]:
    """The members of these organisations, by organisation, ordered by name."""
    rows = (
        await session.execute(
            select(Staff, Role.organisation_id, Role.role)
            .join(Role, Role.staff_id == Staff.id)
            .where(Role.organisation_id.in_(organisation_ids))
            .order_by(Staff.full_name, Staff.id)
        )
    ).all()
    teams: dict[int, dict[int, Member]] = {}
    for person, organisation_id, role in rows:
        teams.setdefault(organisation_id, {}).setdefault(person.id, Member(person, [])).roles.append(role)
    return {organisation_id: list(people.values()) for organisation_id, people in teams.items()}


async def team_of(session: AsyncSession, viewer: Viewer, organisation_id: int) -> list[Member]:
    """The team of one organisation, for its admins only."""
    if organisation_id not in viewer.organisations_with({"admin"}):
        raise NotPermitted()
    return (await members_of(session, [organisation_id])).get(organisation_id, [])


async def team_overview(session: AsyncSession, viewer: Viewer, now: datetime) -> TeamOverview:
    """Every organisation the viewer is admin of, with its team and the invitations still open."""
    orgs = viewer.organisations_with({"admin"})
    organisations = list(
        await session.scalars(select(Organisation).where(Organisation.id.in_(orgs)).order_by(Organisation.name))
    )
    members = await members_of(session, orgs)
    sent = [i for i in await list_invitations(session, viewer) if is_open(i, now)]
    return TeamOverview(
        organisations=organisations,
        members=members,
        invitations={o.id: [i for i in sent if i.organisation_id == o.id] for o in organisations},
    )
