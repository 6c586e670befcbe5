"""Who is asking: the signed-in staff member and their roles per organisation. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Viewer:
    staff_id: int
    full_name: str
    email: str
    #: organisation id -> roles held there
    roles: dict[int, frozenset[str]] = field(default_factory=dict)

    def holds_any(self, wanted: Iterable[str]) -> bool:
        wanted = set(wanted)
        return any(held & wanted for held in self.roles.values())

    def organisations_with(self, wanted: Iterable[str]) -> frozenset[int]:
        """The organisations where this person holds one of the wanted roles."""
        wanted = set(wanted)
        return frozenset(org for org, held in self.roles.items() if held & wanted)

    @property
    def all_roles(self) -> frozenset[str]:
        return frozenset(role for held in self.roles.values() for role in held)
