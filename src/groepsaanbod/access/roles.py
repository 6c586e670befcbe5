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

#: Roles that see participants' personal data (contacts, due dates, birth dates, absence
#: reasons) and so must sign in with a second factor (ASVS 5.0 6.3.3). Volunteers and guest
#: teachers see only first names of the people in their own meetings; an organisation can
#: still require the second factor of all its staff.
SECOND_FACTOR_ROLES: frozenset[str] = frozenset({"midwife", "mentor", "trainer", "coordinator", "cjg_staff", "admin"})

#: Roles that may sign a person up on her behalf, at the desk or on the phone (assisted sign-up):
#: those who work with participants. Volunteers, mentors and guest teachers do not.
SIGN_UP_ASSISTANTS: frozenset[str] = frozenset({"midwife", "trainer", "coordinator", "cjg_staff", "admin"})
