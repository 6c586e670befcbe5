from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SignInRequest:
    email: str
    password: str
    #: The 6-digit code of the second factor (or a recovery code), for accounts that have or need one.
    code: str | None = None


@dataclass
class RoleOut:
    organisation_id: int
    role: str


@dataclass
class ViewerOut:
    staff_id: int
    full_name: str
    email: str
    roles: list[RoleOut]
