"""The README's "Who sees what" table is the code's table (access/privileges.py), every
staff route is in exactly one of its rows with that row's roles, and every cell holds:
each role is walked through every route of every row, and gets what its cell says.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from groepsaanbod.access.privileges import VIEWS, Sight
from groepsaanbod.access.roles import ROLES
from groepsaanbod.accounts.models import Role, Staff, StaffInvitation
from groepsaanbod.api_clients.models import ApiClient
from groepsaanbod.attendance.models import AttendanceSignal
from groepsaanbod.audit.services import DataUse, record_audit
from groepsaanbod.i18n.terms import ROLE_NAMES
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.organisations.models import Venue
from groepsaanbod.participants.models import SmsReply
from groepsaanbod.scheduling.models import SeriesPlan
from groepsaanbod.webhooks.models import WebhookDelivery, WebhookSubscription
from tests.conftest import NOW
from tests.factories import app_keys, make_staff, sign_in
from tests.integration.attendance.test_least_privilege import MEMBERS, SECRET_NOTE, assign, group_meetings
from tests.integration.test_route_protection import handlers

README = Path(__file__).resolve().parents[2] / "README.md"
CELL = {Sight.ALL: "all", Sight.ASSIGNED: "assigned", Sight.FIGURES: "counts", Sight.OWN: "own", Sight.NONE: "—"}
FULL_NAME, EMAIL, PHONE = MEMBERS[0]
FIRST_NAME, SURNAME = FULL_NAME.split()
#: What a role with sight ALL must find in some answer of that row (so the walk is not empty).
SHOWN_TO_ALL = {
    "registers": FULL_NAME,
    "signals": PHONE,
    "sms_replies": PHONE,
    "registrations": EMAIL,
    "messages": EMAIL,
}


def rendered_table() -> str:
    head = ["what", "where", *(ROLE_NAMES[role] for role in ROLES)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for view in VIEWS:
        cells = [view.what, f"`{view.page}`", *(CELL[view.sights[role]] for role in ROLES)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def test_the_readme_table_is_the_table_the_code_uses():
    assert rendered_table() in README.read_text(encoding="utf-8"), (
        "README's 'Who sees what' table differs from access/privileges.py; it should read:\n\n" + rendered_table()
    )


def test_every_staff_route_is_in_one_row_with_the_roles_of_that_row(app):
    named = {route: view for view in VIEWS for route in view.routes}
    seen = set()
    for path, method, handler in handlers(app):
        if "roles" not in handler.opt:
            continue
        key = f"{method} {path}"
        seen.add(key)
        assert key in named, f"{key} is in no row of access/privileges.py VIEWS: add it to the row it shows"
        assert handler.opt["roles"] == named[key].roles, (key, sorted(handler.opt["roles"]), named[key].key)
    assert not set(named) - seen, f"rows name routes the app does not have: {sorted(set(named) - seen)}"


async def world(db, walker_role: str):
    """An organisation with a running group, one meeting the walker is assigned to and one it
    is not, a register with a reason and a note, a signal, a failed message, an audit record."""
    org, programme_id, cohort, people, sessions = await group_meetings(db, f"wsw-{walker_role.replace('_', '-')}")
    walker = await make_staff(db, org, walker_role)
    # Only a target (of disabling, say); a row of its own, without the slow password hash.
    colleague = Staff(email=f"colleague-{walker_role}@example.org", full_name="Collega", password_hash="-")
    db.add(colleague)
    await db.flush()
    db.add(Role(staff_id=colleague.id, organisation_id=org.id, role="volunteer"))
    await assign(db, sessions[0], walker, walker_role)
    signal = AttendanceSignal(
        programme_id=programme_id, cohort_id=cohort.id, participant_id=people[0], kind="missed_in_a_row", raised_at=NOW
    )
    db.add(signal)
    sms_reply = SmsReply(
        message_id="who-sees-what",
        from_phone=PHONE,
        text="?",
        received_at=NOW,
        organisation_id=org.id,
        participant_id=people[0],
        understood="unknown",
    )
    db.add(sms_reply)
    db.add(
        OutboxMessage(
            dedupe_key=f"wsw-{walker_role}",
            channel="email",
            to_address=EMAIL,
            language="nl",
            kind="session_reminder",
            subject="Herinnering",
            body_text="…",
            created_at=NOW - timedelta(hours=2),
            failed_at=NOW - timedelta(hours=1),
            last_error="550 mailbox unavailable",
            organisation_id=org.id,
        )
    )
    record_audit(
        db, NOW, DataUse("read", "registrations", ("email",)), people, actor_staff_id=None, organisation_id=org.id
    )
    invitation = StaffInvitation(
        organisation_id=org.id,
        email=f"invited-{walker_role}@example.org",
        full_name="Uitgenodigd",
        roles=["volunteer"],
        token_hash=f"{walker_role:x<64}"[:64],
        created_at=NOW,
        expires_at=NOW + timedelta(days=7),
    )
    db.add(invitation)
    db.add(SeriesPlan(cohort_id=cohort.id, starts_on=NOW.date(), ends_on=None, planned_until=NOW.date()))
    service = Staff(email=f"client-{walker_role}@api-clients.invalid", full_name="Koppeling (API)", password_hash="!")
    service.active = False
    db.add(service)
    await db.flush()
    api_client = ApiClient(
        public_id=f"{walker_role:0>16}"[:16],
        organisation_id=org.id,
        staff_id=service.id,
        name="Koppeling",
        scopes=["registrations:read"],
        secret_hash="0" * 64,
        created_at=NOW,
        expires_on=NOW.date() + timedelta(days=30),
    )
    db.add(api_client)
    hook = WebhookSubscription(
        organisation_id=org.id, url="https://hooks.example.org/in", description="", events=["session.moved"],
        scopes=[], active=True, secret_encrypted=app_keys().encrypt("whsec_AAAA"), created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    db.add(hook)
    await db.flush()
    delivery = WebhookDelivery(
        subscription_id=hook.id, organisation_id=org.id, event_id=f"msg_wsw_{walker_role}",
        event_type="session.moved", payload="{}", created_at=NOW, attempts=0,
    )  # fmt: skip
    db.add(delivery)
    await db.commit()
    ids = {
        "subscription_id": hook.id,
        "delivery_id": delivery.id,
        "programme_id": programme_id,
        "cohort_id": cohort.id,
        "session_id": sessions[1],
        "venue_id": await db.scalar(select(Venue.id).where(Venue.organisation_id == org.id)),
        "staff_id": colleague.id,
        "signal_id": signal.id,
        "sms_reply_id": sms_reply.id,
        "organisation_id": org.id,
        "invitation_id": invitation.id,
        "client_id": api_client.id,
        # The group is also a drop-in series (its page and API answer); no swap is asked of anyone.
        "swap_id": 2**31 - 1,
        "lang": "nl",
    }
    return walker, ids, sessions[0]


#: Pages about one meeting of the person's own: another meeting sends them to their agenda.
SENT_TO_OWN_AGENDA = {"GET /{lang:str}/staff/agenda/{session_id:int}/absence"}


def fill(route: str, ids: dict) -> tuple[str, str]:
    method, path = route.split(" ", 1)
    return method, re.sub(r"\{([a-z_]+):[a-z]+\}", lambda m: str(ids[m.group(1)]), path)


def hidden_from(sight: Sight) -> tuple[str, ...]:
    """What an answer to a role with this sight must not contain."""
    if sight is Sight.ALL:
        return ()
    details = (SURNAME, EMAIL, PHONE, SECRET_NOTE, "gave_birth", gettext("nl", "gave birth"))
    return details if sight is Sight.ASSIGNED else (FIRST_NAME, *details)


@pytest.mark.parametrize("role", ROLES)
async def test_each_role_gets_what_its_cells_say(app, client, db, role):
    walker, ids, assigned_session = await world(db, role)
    await sign_in(client, walker)
    shown: dict[str, str] = {}
    # Signing out everywhere ends the walk, so it comes last.
    calls = sorted(((view, route) for view in VIEWS for route in view.routes), key=lambda vr: "sign-out" in vr[1])
    for view, route in calls:
        sight = view.sights[role]
        reading = route.startswith("GET")
        attempts = [(ids, {200} if reading else None)]
        if view.key == "appointments" and reading:
            # The world's meeting is a group meeting: it has no times for each person, and says so.
            attempts = [(ids, {400, 422})]
        elif route == "GET /api/v1/programmes/{programme_id:int}/guest-teachers" and sight is Sight.ALL:
            # The world's programme is not given to school classes: it has no guest teachers, and says so.
            attempts = [(ids, {422})]
        elif route in SENT_TO_OWN_AGENDA:
            # Not their meeting: sent back to their own agenda (nothing of the meeting shown).
            attempts = [(ids, {303}), ({**ids, "session_id": assigned_session}, {200})]
        elif sight is Sight.ASSIGNED and "{session_id" in route:
            # Not assigned: as if the meeting did not exist (a body is checked first: 400).
            attempts = [
                (ids, {404} if reading else {400, 404}),
                ({**ids, "session_id": assigned_session}, attempts[0][1]),
            ]
        for filled, wanted in attempts:
            method, url = fill(route, filled)
            if method == "GET":
                body = {}
            elif url.startswith("/api/"):
                body = {"json": {}}
            else:
                body = {"data": {"organisation_id": str(ids["organisation_id"])}}
            answer = await client.request(method, url, **body)
            if "sign-out" in url and route != calls[-1][1]:
                await sign_in(client, walker)
            where = (role, view.key, method, url, answer.status_code)
            if sight is Sight.NONE:
                assert answer.status_code == 403, where
                continue
            if wanted is not None:
                assert answer.status_code in wanted, where
            else:
                assert answer.status_code not in (401, 403, 405), where
                assert answer.status_code < 500, where
            for secret in hidden_from(sight):
                assert secret.lower() not in answer.text.lower(), (*where, secret)
            shown[view.key] = shown.get(view.key, "") + answer.text
    for view in VIEWS:
        sight = view.sights[role]
        if sight is Sight.ALL and view.key in SHOWN_TO_ALL:
            assert SHOWN_TO_ALL[view.key] in shown[view.key], (role, view.key)
        if sight is Sight.ASSIGNED:
            assert FIRST_NAME in shown[view.key], (role, view.key)
