"""What a route needs, stated in its `opt`: needs_roles(...), needs_account(), or PUBLIC. Pure.

The viewer dependency (accounts/guards.py) reads it on every request and refuses the rest.
"""

from __future__ import annotations

from typing import Any

from groepsaanbod.access.roles import ROLES


def needs_roles(*roles: str) -> dict[str, Any]:
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")
    return {"roles": frozenset(roles or ROLES)}


PUBLIC: dict[str, Any] = {"public": True}


def needs_account() -> dict[str, Any]:
    """Any signed-in person, also one who holds no role (yet): their own account and invitations."""
    return {**needs_roles(), "account": True}
