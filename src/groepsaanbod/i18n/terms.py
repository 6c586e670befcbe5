"""Words of the glossary shown to people: role names (message ids; translated where shown)."""

from groepsaanbod.i18n.text import N_

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
