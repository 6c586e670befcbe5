"""The roles of DESIGN.md's glossary. Pure data, shared by rules and models."""

ROLES: tuple[str, ...] = (
    "midwife",
    "mentor",
    "guest_teacher",
    "trainer",
    "volunteer",
    "coordinator",
    "cjg_staff",
    "admin",
)

#: Roles that may set up programmes for their organisation.
PROGRAMME_EDITORS: frozenset[str] = frozenset({"coordinator", "admin"})
