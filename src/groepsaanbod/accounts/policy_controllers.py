"""JSON API of an organisation's second-factor rule: what the admin's team page sets (pages/team.py)."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import get, put
from litestar.params import JSONBody

from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.accounts.services.second_factor import require_second_factor, second_factor_policy
from groepsaanbod.web import Context


@dataclass
class SecondFactorPolicy:
    #: True: every staff member of the organisation signs in with a second factor (admins always do).
    required: bool


@get(
    "/api/v1/organisations/{organisation_id:int}/second-factor-policy",
    opt={**needs_roles("admin"), "scope": "team:read"},
    tags=["accounts"],
)
async def api_second_factor_policy(ctx: Context, organisation_id: int) -> SecondFactorPolicy:
    """Whether the organisation's staff must use a second factor (admins of that organisation)."""
    return SecondFactorPolicy(await second_factor_policy(ctx.db, ctx.staff, organisation_id))


@put(
    "/api/v1/organisations/{organisation_id:int}/second-factor-policy",
    opt={**needs_roles("admin"), "scope": "team:write"},
    tags=["accounts"],
)
async def api_set_second_factor_policy(
    ctx: Context, organisation_id: int, data: JSONBody[SecondFactorPolicy]
) -> SecondFactorPolicy:
    """Require a second factor of all the organisation's staff, or not (admins of that organisation).
    Who has none set up is asked to set one up at their next sign-in."""
    await require_second_factor(ctx.db, ctx.staff, organisation_id, required=data.required)
    return SecondFactorPolicy(await second_factor_policy(ctx.db, ctx.staff, organisation_id))


ROUTES = [api_second_factor_policy, api_set_second_factor_policy]
