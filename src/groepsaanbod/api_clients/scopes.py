"""What a service token may call: scopes `<family>:read|write`, and the one rule that gives every API
route its scope. Pure.

A route states its scope in `opt["scope"]`, or it gets one from its method and path here (GET and
HEAD read, the rest writes; the family from the path). Routes of a person's own account, of signing
in, of a participant's private link and of the SMS gateway never take a token.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

FAMILIES: tuple[str, ...] = (
    "programmes",
    "registrations",
    "cohorts",
    "sessions",
    "attendance",
    "reports",
    "venues",
    "signals",
    "team",
    "audit",
    "messages",
    "webhooks",
)
ACCESS: tuple[str, ...] = ("read", "write")
SCOPES: tuple[str, ...] = tuple(f"{family}:{access}" for family in FAMILIES for access in ACCESS)

#: Paths under these never take a token: a person's own account, signing in, her private link, the SMS gateway.
TOKEN_REFUSED: tuple[str, ...] = ("/api/v1/me", "/api/v1/auth", "/api/v1/my", "/api/v1/sms")
API_PREFIX = "/api/v1/"

#: A path segment (after /api/v1/, parameters left out) and the family it points to. The first
#: segment found in this order wins, so /sessions/{id}/register is attendance, not sessions, and
#: /cohorts/{id}/sessions is sessions. `staff` is the team only under an organisation (a meeting's
#: staff are part of planning it).
_SEGMENT_FAMILY: tuple[tuple[str, str], ...] = (
    ("register", "attendance"),
    ("head-count", "attendance"),
    ("registers", "attendance"),
    ("registrations", "registrations"),
    ("report", "reports"),
    ("reports", "reports"),
    ("signals", "signals"),
    ("staff", "team"),
    ("invitations", "team"),
    ("audit", "audit"),
    ("messages", "messages"),
    ("webhooks", "webhooks"),
    ("venues", "venues"),
    ("sessions", "sessions"),
    ("schedule", "sessions"),
    ("cohort-proposals", "cohorts"),
    ("school-classes", "cohorts"),
    ("cohorts", "cohorts"),
    ("series", "cohorts"),
    ("programmes", "programmes"),
    ("templates", "programmes"),
    ("organisations", "programmes"),
)

#: The roles a token holds in its organisation for a family: what a person doing the same work holds.
#: The scope is the gate; the roles make the services show the organisation's data as to that person.
FAMILY_ROLES: Mapping[str, frozenset[str]] = {
    "programmes": frozenset({"coordinator"}),
    "registrations": frozenset({"coordinator"}),
    "cohorts": frozenset({"coordinator"}),
    "sessions": frozenset({"coordinator"}),
    "attendance": frozenset({"coordinator"}),
    "reports": frozenset({"coordinator", "cjg_staff"}),
    "venues": frozenset({"coordinator"}),
    "signals": frozenset({"coordinator"}),
    "team": frozenset({"admin"}),
    "audit": frozenset({"admin"}),
    "messages": frozenset({"coordinator"}),
    "webhooks": frozenset({"admin"}),
}


def is_api(path: str) -> bool:
    return path.startswith(API_PREFIX) or path == API_PREFIX.rstrip("/")


def refuses_tokens(path: str) -> bool:
    """A route of a person's own account, sign-in, a participant's link or the SMS gateway."""
    return any(path == prefix or path.startswith(prefix + "/") for prefix in TOKEN_REFUSED)


def _is_parameter(segment: str) -> bool:
    return segment.isdigit() or (segment.startswith("{") and segment.endswith("}"))


def derived_scope(method: str, path: str) -> str | None:
    """The scope of an API route by its method and path (a template or a concrete path), or None."""
    if not is_api(path):
        return None
    segments = [s for s in path[len(API_PREFIX) :].split("/") if s and not _is_parameter(s)]
    access = "read" if method.upper() in ("GET", "HEAD") else "write"
    for segment, family in _SEGMENT_FAMILY:
        if segment == "staff" and segments[:1] != ["organisations"]:
            continue
        if segment in segments:
            return f"{family}:{access}"
    return None


def scope_of(method: str, path: str, stated: object) -> str | None:
    """The route's own scope when it states one (a known one), else the derived one."""
    if isinstance(stated, str):
        if stated not in SCOPES:
            raise ValueError(f"route {path} states an unknown scope {stated!r}")
        return stated
    return derived_scope(method, path)


def roles_for(scopes: Iterable[str]) -> frozenset[str]:
    """The roles a token with these scopes holds in its organisation."""
    families = {scope.split(":", 1)[0] for scope in scopes if scope in SCOPES}
    return frozenset(role for family in families for role in FAMILY_ROLES[family])
