"""Route protection: every staff route names the roles it needs in `opt`.

    @get("/…", opt=needs_roles(*PROGRAMME_EDITORS))
    async def handler(viewer: Viewer) -> …

`provide_viewer` (a dependency) reads the sign-in cookie, refuses a person
without one of those roles, and hands the handler a `Viewer` whose
`organisations_with(...)` limits every query to the person's organisations.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from litestar import Request
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.accounts.errors import NotPermitted, NotSignedIn
from groepsaanbod.accounts.roles import ROLES
from groepsaanbod.accounts.services import find_viewer
from groepsaanbod.accounts.viewer import Viewer

SESSION_COOKIE = "ga_session"


def needs_roles(*roles: str) -> dict[str, Any]:
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")
    return {"roles": frozenset(roles or ROLES)}


PUBLIC: dict[str, Any] = {"public": True}


async def provide_viewer(request: Request, db_session: AsyncSession, now: Callable[[], datetime]) -> Viewer:
    wanted = request.route_handler.opt.get("roles")
    if wanted is None:
        raise RuntimeError(f"route {request.url.path} uses a viewer but states no roles")
    viewer = await find_viewer(db_session, request.cookies.get(SESSION_COOKIE), now())
    if viewer is None:
        raise NotSignedIn()
    if not viewer.holds_any(wanted):
        raise NotPermitted()
    return viewer


async def provide_optional_viewer(
    request: Request, db_session: AsyncSession, now: Callable[[], datetime]
) -> Viewer | None:
    return await find_viewer(db_session, request.cookies.get(SESSION_COOKIE), now())
