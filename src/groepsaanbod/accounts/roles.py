"""The roles of DESIGN.md's glossary. Pure data, shared by rules and models."""

from groepsaanbod.i18n.text import N_

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

#: How a role is named to people (message ids; translated at the edge).
ROLE_NAMES: dict[str, str] = {
    "midwife": N_("midwife"),
    "mentor": N_("mentor"),
    "guest_teacher": N_("guest teacher"),
    "trainer": N_("trainer"),
    "volunteer": N_("volunteer"),
    "coordinator": N_("coordinator"),
    "cjg_staff": N_("CJG staff member"),
    "admin": N_("administrator"),
}
