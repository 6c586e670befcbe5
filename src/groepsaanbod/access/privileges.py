"""Who sees what: per part of the service, what each role sees of it. Pure data and rules.

This one table is used by the route guards and the services that show participants
(`REGISTERS`, `SIGNALS`), by the staff menu, and by the README's "Who sees what" table;
`tests/integration/test_who_sees_what.py` checks the README against it, checks that every
staff route of the app is in exactly one row with the roles the row names, and walks every
cell against the running app.

A person's sight is decided per organisation: the roles they hold *there*. A coordinator
elsewhere is only a volunteer here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from groepsaanbod.access.roles import ROLES, SIGN_UP_ASSISTANTS


class Sight(StrEnum):
    """How much of a part of the service a role sees, from nothing to everything."""

    #: Refused (403).
    NONE = "none"
    #: Only their own meetings, hours, calendar link and account; no participants.
    OWN = "own"
    #: Counts only, no names.
    FIGURES = "counts"
    #: Only the meetings they are assigned to, and in them only first names: no contact
    #: details, absence reasons, notes, due dates or birth dates.
    ASSIGNED = "assigned"
    #: Everything of their organisations' programmes that this part shows.
    ALL = "all"


_RANK = {Sight.NONE: 0, Sight.OWN: 1, Sight.FIGURES: 2, Sight.ASSIGNED: 3, Sight.ALL: 4}


@dataclass(frozen=True)
class View:
    """One part of the service: what it shows, where, and each role's sight of it."""

    key: str
    #: What it shows (README text, English like the README).
    what: str
    #: The page a person opens for it (README text).
    page: str
    sights: Mapping[str, Sight]
    #: Every route that shows or changes it, "METHOD path" as the app names the route.
    routes: tuple[str, ...]

    @property
    def roles(self) -> frozenset[str]:
        """The roles that may use it at all (everyone else gets 403)."""
        return frozenset(role for role, sight in self.sights.items() if sight is not Sight.NONE)

    def sight(self, held: Iterable[str]) -> Sight:
        """The widest sight of the roles a person holds in one organisation."""
        return max((self.sights.get(role, Sight.NONE) for role in held), key=_RANK.__getitem__, default=Sight.NONE)


def _sights(default: Sight = Sight.NONE, **per_role: Sight) -> dict[str, Sight]:
    unknown = set(per_role) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")
    return {role: per_role.get(role, default) for role in ROLES}


_EDITORS = {"coordinator": Sight.ALL, "admin": Sight.ALL}
_PAGE = "/{lang:str}"

REGISTERS = View(
    "registers",
    "Registers: the meetings of the past week, who was there, absence reasons and notes, "
    "drop-in head counts and visitors checked in by name",
    "/{lang}/staff/registers",
    _sights(Sight.ALL, volunteer=Sight.ASSIGNED, guest_teacher=Sight.ASSIGNED),
    (
        f"GET {_PAGE}/staff/registers",
        "GET /api/v1/registers",
        f"GET {_PAGE}/staff/sessions/{{session_id:int}}/register",
        f"POST {_PAGE}/staff/sessions/{{session_id:int}}/register",
        "GET /api/v1/sessions/{session_id:int}/register",
        "POST /api/v1/sessions/{session_id:int}/register",
        "POST /api/v1/sessions/{session_id:int}/head-count",
        "POST /api/v1/sessions/{session_id:int}/register/marks",
    ),
)
SIGNALS = View(
    "signals",
    "Drop-out signals: the person, how to reach them, what to do; marking one handled",
    "/{lang}/staff/signals",
    _sights(coordinator=Sight.ALL, admin=Sight.ALL, cjg_staff=Sight.ALL),
    (
        f"GET {_PAGE}/staff/signals",
        f"POST {_PAGE}/staff/signals/{{signal_id:int}}",
        "GET /api/v1/signals",
        "POST /api/v1/signals/{signal_id:int}/handled",
    ),
)
SMS_REPLIES = View(
    "sms_replies",
    "SMS replies the service did not understand: who sent it (name, number) and the text; marking one handled",
    "/{lang}/staff/sms-replies",
    _sights(coordinator=Sight.ALL, admin=Sight.ALL),
    (
        f"GET {_PAGE}/staff/sms-replies",
        f"POST {_PAGE}/staff/sms-replies/{{sms_reply_id:int}}",
    ),
)
REGISTRATIONS = View(
    "registrations",
    "Registrations, groups and waiting lists: names, contact details, due dates, children's "
    "birth dates, support needs; forming groups, school classes",
    "/{lang}/staff/programmes/{id}/registrations",
    _sights(**_EDITORS),
    (
        f"GET {_PAGE}/staff/programmes/{{programme_id:int}}/registrations",
        f"POST {_PAGE}/staff/programmes/{{programme_id:int}}/cohort-proposals",
        f"POST {_PAGE}/staff/programmes/{{programme_id:int}}/cohorts/{{cohort_id:int}}",
        f"POST {_PAGE}/staff/programmes/{{programme_id:int}}/school-classes",
        "GET /api/v1/programmes/{programme_id:int}/registrations",
        "GET /api/v1/programmes/{programme_id:int}/cohorts",
        "POST /api/v1/programmes/{programme_id:int}/cohort-proposals",
        "POST /api/v1/programmes/{programme_id:int}/school-classes",
        "POST /api/v1/cohorts/{cohort_id:int}/members",
        "POST /api/v1/cohorts/{cohort_id:int}/split",
        "POST /api/v1/cohorts/{cohort_id:int}/merge",
        "POST /api/v1/cohorts/{cohort_id:int}/confirm",
        # Open groups: closed for joining, reopened, ended.
        "POST /api/v1/cohorts/{cohort_id:int}/close",
        "POST /api/v1/cohorts/{cohort_id:int}/reopen",
        "POST /api/v1/cohorts/{cohort_id:int}/end",
        # Groups by due date: a late joiner added, a birth recorded on the registrations page.
        f"POST {_PAGE}/staff/cohorts/{{cohort_id:int}}/late-joiners",
        f"POST {_PAGE}/staff/cohorts/{{cohort_id:int}}/births",
        "POST /api/v1/cohorts/{cohort_id:int}/late-joiners",
    ),
)
ASSISTED_SIGN_UP = View(
    "assisted_sign_up",
    "Signing a person up on her behalf, at the desk or on the phone: the programmes open for sign-up "
    "and their form (her own link goes to her, never to the staff member)",
    "/{lang}/staff/sign-up",
    _sights(**dict.fromkeys(SIGN_UP_ASSISTANTS, Sight.ALL)),
    (
        f"GET {_PAGE}/staff/sign-up",
        f"GET {_PAGE}/staff/programmes/{{programme_id:int}}/sign-up",
        f"POST {_PAGE}/staff/programmes/{{programme_id:int}}/sign-up",
        f"GET {_PAGE}/staff/programmes/{{programme_id:int}}/sign-up/sent",
        "POST /api/v1/programmes/{programme_id:int}/registrations/on-behalf",
    ),
)
BIRTHS = View(
    "births",
    "Recording a member's birth date in a CenteringPregnancy group, so the meeting with the babies "
    "moves (midwives, mentors and trainers: in the groups they are planned on; also on the register "
    'with "gave birth")',
    "/{lang}/staff/sessions/{id}/register",
    _sights(**_EDITORS, midwife=Sight.ALL, mentor=Sight.ALL, trainer=Sight.ALL),
    ("POST /api/v1/cohorts/{cohort_id:int}/births",),
)
MESSAGES = View(
    "messages",
    "Messages that could not be sent, with the receiver's address",
    "/{lang}/staff/messages",
    _sights(**_EDITORS),
    (f"GET {_PAGE}/staff/messages", "GET /api/v1/failed-messages"),
)
SCHEDULES = View(
    "schedules",
    "Schedules: a group's meetings and staff, rules broken, a location's week, guest teachers, "
    "calendar links of a group or location (no participants)",
    "/{lang}/staff/cohorts/{id}/schedule",
    _sights(**_EDITORS),
    (
        f"GET {_PAGE}/staff/cohorts/{{cohort_id:int}}/schedule",
        f"POST {_PAGE}/staff/cohorts/{{cohort_id:int}}/schedule",
        f"POST {_PAGE}/staff/cohorts/{{cohort_id:int}}/facilitators",
        f"POST {_PAGE}/staff/cohorts/{{cohort_id:int}}/sessions/{{session_id:int}}",
        f"POST {_PAGE}/staff/cohorts/{{cohort_id:int}}/feed",
        f"GET {_PAGE}/staff/programmes/{{programme_id:int}}/conflicts",
        f"GET {_PAGE}/staff/venues/{{venue_id:int}}/week",
        f"POST {_PAGE}/staff/venues/{{venue_id:int}}/feed",
        "POST /api/v1/cohorts/{cohort_id:int}/schedule",
        "GET /api/v1/cohorts/{cohort_id:int}/sessions",
        "POST /api/v1/cohorts/{cohort_id:int}/facilitators",
        "POST /api/v1/cohorts/{cohort_id:int}/feed",
        "POST /api/v1/sessions/{session_id:int}/cancel",
        "GET /api/v1/sessions/{session_id:int}/proposals",
        "POST /api/v1/sessions/{session_id:int}/reschedule",
        "POST /api/v1/sessions/{session_id:int}/staff",
        "GET /api/v1/venues/{venue_id:int}/week",
        "POST /api/v1/venues/{venue_id:int}/feed",
        "GET /api/v1/programmes/{programme_id:int}/conflicts",
        "POST /api/v1/programmes/{programme_id:int}/guest-teacher-plan",
        # THINK: guest teachers' availability and the year plan.
        f"GET {_PAGE}/staff/programmes/{{programme_id:int}}/guest-teachers",
        f"POST {_PAGE}/staff/programmes/{{programme_id:int}}/guest-teachers/{{staff_id:int}}",
        f"POST {_PAGE}/staff/programmes/{{programme_id:int}}/guest-teachers/plan",
        "PUT /api/v1/programmes/{programme_id:int}/guest-teachers/{staff_id:int}",
        "GET /api/v1/programmes/{programme_id:int}/guest-teachers",
        # Drop-in series (Kids & Koffie): made, made longer, paused and ended.
        f"GET {_PAGE}/staff/programmes/{{programme_id:int}}/series",
        f"POST {_PAGE}/staff/programmes/{{programme_id:int}}/series",
        f"GET {_PAGE}/staff/series/{{cohort_id:int}}",
        f"POST {_PAGE}/staff/series/{{cohort_id:int}}",
        "POST /api/v1/programmes/{programme_id:int}/series",
        "GET /api/v1/programmes/{programme_id:int}/series",
        "GET /api/v1/series/{cohort_id:int}",
        "POST /api/v1/series/{cohort_id:int}/extend",
        "POST /api/v1/series/{cohort_id:int}/pause",
        "POST /api/v1/series/{cohort_id:int}/end",
    ),
)
PROGRAMMES = View(
    "programmes",
    "Programmes, their plans and texts, locations with opening hours (no participants)",
    "/{lang}/staff/programmes",
    _sights(**_EDITORS),
    (
        f"GET {_PAGE}/staff/programmes",
        f"GET {_PAGE}/staff/programmes/new",
        f"POST {_PAGE}/staff/programmes/new",
        f"GET {_PAGE}/staff/programmes/{{programme_id:int}}",
        f"POST {_PAGE}/staff/programmes/{{programme_id:int}}/basics",
        f"POST {_PAGE}/staff/programmes/{{programme_id:int}}/texts",
        f"POST {_PAGE}/staff/programmes/{{programme_id:int}}/template",
        f"POST {_PAGE}/staff/programmes/{{programme_id:int}}/publish",
        f"POST {_PAGE}/staff/programmes/{{programme_id:int}}/withdraw",
        f"GET {_PAGE}/staff/venues",
        f"POST {_PAGE}/staff/venues",
        f"GET {_PAGE}/staff/venues/{{venue_id:int}}",
        f"POST {_PAGE}/staff/venues/{{venue_id:int}}",
        f"POST {_PAGE}/staff/venues/{{venue_id:int}}/opening-hours",
        f"POST {_PAGE}/staff/venues/{{venue_id:int}}/closures",
        "GET /api/v1/programmes",
        "POST /api/v1/programmes",
        "GET /api/v1/programmes/{programme_id:int}",
        "PATCH /api/v1/programmes/{programme_id:int}",
        "GET /api/v1/programmes/{programme_id:int}/template",
        "PATCH /api/v1/programmes/{programme_id:int}/template",
        "POST /api/v1/programmes/{programme_id:int}/publish",
        "POST /api/v1/programmes/{programme_id:int}/withdraw",
        "GET /api/v1/organisations",
        "GET /api/v1/venues",
        "POST /api/v1/venues",
        "PATCH /api/v1/venues/{venue_id:int}",
        "POST /api/v1/venues/{venue_id:int}/opening-hours",
        "POST /api/v1/venues/{venue_id:int}/closures",
    ),
)
REPORTS = View(
    "reports",
    "Reports of the organisation: meetings, attendance, reach and waiting times per group and "
    "programme (counts, no names)",
    "/{lang}/staff/reports",
    _sights(coordinator=Sight.FIGURES, admin=Sight.FIGURES, cjg_staff=Sight.FIGURES),
    (
        f"GET {_PAGE}/staff/reports",
        "GET /api/v1/organisations/{organisation_id:int}/report",
        "GET /api/v1/organisations/{organisation_id:int}/report/export",
    ),
)
MUNICIPALITY = View(
    "municipality",
    "The municipality's report across providers (counts, 1 to 4 people shown as <5)",
    "/{lang}/staff/reports/municipality",
    _sights(admin=Sight.FIGURES, cjg_staff=Sight.FIGURES),
    (
        f"GET {_PAGE}/staff/reports/municipality",
        "GET /api/v1/reports/municipality",
        "GET /api/v1/reports/municipality/export",
    ),
)
AUDIT = View(
    "audit",
    "Who saw or changed personal data (the audit record: staff names, participant numbers)",
    "/{lang}/staff/audit",
    _sights(admin=Sight.ALL),
    (f"GET {_PAGE}/staff/audit", "GET /api/v1/organisations/{organisation_id:int}/audit-events"),
)
TEAM = View(
    "team",
    "The team: colleagues' names, e-mail addresses and roles; invitations, second factor for all, "
    "removing someone from the team; API clients (service tokens)",
    "/{lang}/staff/team",
    _sights(admin=Sight.ALL),
    (
        f"GET {_PAGE}/staff/team",
        f"POST {_PAGE}/staff/team/invitations",
        f"POST {_PAGE}/staff/team/second-factor",
        f"POST {_PAGE}/staff/team/{{staff_id:int}}/remove",
        f"POST {_PAGE}/staff/team/invitations/{{invitation_id:int}}/withdraw",
        "GET /api/v1/organisations/{organisation_id:int}/staff",
        "DELETE /api/v1/organisations/{organisation_id:int}/staff/{staff_id:int}",
        "GET /api/v1/organisations/{organisation_id:int}/invitations",
        "POST /api/v1/organisations/{organisation_id:int}/invitations",
        "POST /api/v1/invitations/{invitation_id:int}/withdraw",
        f"GET {_PAGE}/staff/api-clients",
        f"POST {_PAGE}/staff/api-clients",
        f"POST {_PAGE}/staff/api-clients/{{client_id:int}}/revoke",
        "GET /api/v1/organisations/{organisation_id:int}/api-clients",
        "POST /api/v1/organisations/{organisation_id:int}/api-clients",
        "POST /api/v1/api-clients/{client_id:int}/revoke",
        "GET /api/v1/organisations/{organisation_id:int}/second-factor-policy",
        "PUT /api/v1/organisations/{organisation_id:int}/second-factor-policy",
    ),
)
WEBHOOKS = View(
    "webhooks",
    "Webhooks: the addresses other systems hear of changes at, their signing secrets (shown once) and "
    "delivery logs (ids and statuses); sending one again",
    "/{lang}/staff/webhooks",
    _sights(admin=Sight.ALL),
    (
        f"GET {_PAGE}/staff/webhooks",
        f"POST {_PAGE}/staff/webhooks",
        f"GET {_PAGE}/staff/webhooks/{{subscription_id:int}}",
        f"POST {_PAGE}/staff/webhooks/{{subscription_id:int}}",
        f"POST {_PAGE}/staff/webhooks/{{subscription_id:int}}/secret",
        f"POST {_PAGE}/staff/webhooks/{{subscription_id:int}}/deliveries/{{delivery_id:int}}/send-again",
        "GET /api/v1/webhooks/events",
        "GET /api/v1/organisations/{organisation_id:int}/webhooks",
        "POST /api/v1/organisations/{organisation_id:int}/webhooks",
        "GET /api/v1/webhooks/{subscription_id:int}",
        "PATCH /api/v1/webhooks/{subscription_id:int}",
        "POST /api/v1/webhooks/{subscription_id:int}/secret",
        "GET /api/v1/webhooks/{subscription_id:int}/deliveries",
        "POST /api/v1/webhooks/{subscription_id:int}/deliveries/{delivery_id:int}/send-again",
        # Deleting last: the walk of tests/integration/test_who_sees_what.py calls them in this order.
        f"POST {_PAGE}/staff/webhooks/{{subscription_id:int}}/delete",
        "DELETE /api/v1/webhooks/{subscription_id:int}",
    ),
)
OWN = View(
    "own",
    'Their own meetings (no participants), working hours, calendar link, "I cannot come", their account, '
    "invitations to them, their second factor and recovery codes",
    "/{lang}/staff/agenda",
    _sights(Sight.OWN),
    (
        f"GET {_PAGE}/staff",
        f"GET {_PAGE}/staff/agenda",
        f"POST {_PAGE}/staff/agenda/feed",
        f"POST {_PAGE}/staff/agenda/hours",
        f"GET {_PAGE}/staff/agenda/{{session_id:int}}/absence",
        f"POST {_PAGE}/staff/agenda/{{session_id:int}}/absence",
        f"POST {_PAGE}/staff/sign-out-everywhere",
        f"GET {_PAGE}/staff/account",
        f"POST {_PAGE}/staff/account/invitations/{{invitation_id:int}}",
        f"POST {_PAGE}/staff/account/disable",
        f"GET {_PAGE}/staff/second-factor/recovery-codes",
        f"POST {_PAGE}/staff/second-factor/recovery-codes",
        f"POST {_PAGE}/staff/second-factor/new-app",
        "GET /api/v1/me/invitations",
        "POST /api/v1/me/invitations/{invitation_id:int}/accept",
        "POST /api/v1/me/invitations/{invitation_id:int}/decline",
        "GET /api/v1/me/agenda",
        "POST /api/v1/me/availability",
        "POST /api/v1/me/feed",
        "DELETE /api/v1/me/feed",
        "POST /api/v1/sessions/{session_id:int}/absence",
        "GET /api/v1/auth/me",
        "POST /api/v1/auth/sign-out-everywhere",
    ),
)
APPOINTMENTS = View(
    "appointments",
    "Times for each person at an individual meeting (Triple P's phone calls, an intake): the times "
    "offered and who chose which; trainers and midwives only of the meetings they are planned on",
    "/{lang}/staff/sessions/{id}/appointments",
    _sights(**_EDITORS, trainer=Sight.ALL, midwife=Sight.ALL),
    (
        f"GET {_PAGE}/staff/sessions/{{session_id:int}}/appointments",
        f"POST {_PAGE}/staff/sessions/{{session_id:int}}/appointments",
        "GET /api/v1/sessions/{session_id:int}/appointments",
        "POST /api/v1/sessions/{session_id:int}/appointments",
        "POST /api/v1/sessions/{session_id:int}/appointments/assign",
        "POST /api/v1/sessions/{session_id:int}/appointments/clear",
        "POST /api/v1/sessions/{session_id:int}/appointments/withdraw",
    ),
)
ROTA = View(
    "rota",
    "The volunteers' rota of drop-ins: the coming meetings and the volunteers on each (no participants); "
    "taking one, leaving it, asking another volunteer to swap",
    "/{lang}/staff/rota",
    _sights(volunteer=Sight.OWN),
    (
        f"GET {_PAGE}/staff/rota",
        f"POST {_PAGE}/staff/rota/{{session_id:int}}",
        f"POST {_PAGE}/staff/rota/swaps/{{swap_id:int}}",
        "GET /api/v1/me/rota",
        "POST /api/v1/me/rota/{session_id:int}/take",
        "POST /api/v1/me/rota/{session_id:int}/withdraw",
        "POST /api/v1/me/rota/{session_id:int}/swap",
        "POST /api/v1/me/rota/swaps/{swap_id:int}",
    ),
)

#: The table, in the README's order.
VIEWS: tuple[View, ...] = (
    REGISTERS,
    SIGNALS,
    SMS_REPLIES,
    REGISTRATIONS,
    ASSISTED_SIGN_UP,
    BIRTHS,
    MESSAGES,
    REPORTS,
    MUNICIPALITY,
    SCHEDULES,
    APPOINTMENTS,
    PROGRAMMES,
    AUDIT,
    TEAM,
    WEBHOOKS,
    OWN,
    ROTA,
)
BY_KEY: dict[str, View] = {v.key: v for v in VIEWS}


# What a helper (Sight.ASSIGNED) sees of a person: a first name -----------------------------

_SPACES = re.compile(r"\s+")


def first_name(full_name: str) -> str:
    """The first word of a name as the person gave it ("Aaltje de Vries" -> "Aaltje")."""
    words = _SPACES.split(full_name.strip())
    return words[0] if words and words[0] else "?"


def first_names(full_names: Sequence[str]) -> list[str]:
    """First names for a helper's register. Two people with the same first name get the
    first letter of their last word ("Aaltje V.", "Aaltje B."); any still alike a number,
    so nobody ticks the wrong person."""
    firsts = [first_name(name) for name in full_names]
    shown = list(firsts)
    for i, name in enumerate(full_names):
        words = _SPACES.split(name.strip())
        if firsts.count(firsts[i]) > 1 and len(words) > 1:
            shown[i] = f"{words[0]} {words[-1][:1].upper()}."
    seen: dict[str, int] = {}
    result = []
    for label in shown:
        seen[label] = seen.get(label, 0) + 1
        result.append(label if shown.count(label) == 1 else f"{label} ({seen[label]})")
    return result
