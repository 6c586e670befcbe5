"""No organisation sees another's people: every route of the app, walked from its own
route list, as a person of another organisation (holding every role) and as nobody.

Organisation A gets a programme with a group, its meetings, a venue, staff and a
registered participant whose details carry markers. Each route is called with A's
ids in its path; no answer may contain a marker, and no change to A may succeed.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from groepsaanbod.access.roles import ROLES
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.guards import SESSION_COOKIE
from groepsaanbod.accounts.models import StaffInvitation
from groepsaanbod.accounts.totp import code_at
from groepsaanbod.api_clients.models import ApiClient
from groepsaanbod.api_clients.scopes import SCOPES
from groepsaanbod.api_clients.services import create_api_client
from groepsaanbod.attendance.models import Attendance, AttendanceSignal
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.db import Base
from groepsaanbod.participants.models import SmsReply
from groepsaanbod.programmes.models import ProgrammeTemplate
from groepsaanbod.registration.models import Registration
from groepsaanbod.scheduling.models import RotaSwap, SeriesPlan, Session
from groepsaanbod.webhooks.models import WebhookDelivery, WebhookSubscription
from tests.conftest import NOW
from tests.factories import PASSWORD, TOTP_SECRET, app_keys, make_organisation, make_staff, make_venue, sign_in
from tests.integration.registration.helpers import person, published_programme
from tests.integration.test_route_protection import FRAMEWORK_ROUTES

#: One form that fills the fields of the staff pages' forms with something plausible.
FORM = {
    "action": "confirm",
    "reason": "ziek",
    "closed_from": "2027-03-22T00:00",
    "closed_until": "2027-03-23T00:00",
    "name": "Overgenomen",
    "city": "Zwolle",
    "capacity": "10",
}
#: Rows the walker may change: its own sign-in, hours and calendar link.
OWN_TABLES = {"staff_sessions", "staff_availability", "feeds", "rate_counters", "audit_events"}
MARKERS = ("Zwavelzuurhuis", "Quirijntje Oosterzwaluw", "quirijntje.marker@example.org", "Geheimzaal Noord")


async def world_of_organisation_a(client, db):
    org, pid = await published_programme(db, "kids-en-koffie", "kids-a", city="Sliedrecht")
    coordinator = await make_staff(db, org, "coordinator", "admin")
    coordinator.full_name = "Zwavelzuurhuis Coordinator"
    coordinator_id = coordinator.id
    await make_venue(db, org, "Geheimzaal Noord")
    template = await db.scalar(select(ProgrammeTemplate).where(ProgrammeTemplate.programme_id == pid))
    cohort = Cohort(
        programme_id=pid, template_id=template.id, name="Maandag", language="nl", place="Sliedrecht", status="confirmed"
    )
    db.add(cohort)
    await db.commit()
    signed_up = await client.post(
        "/api/v1/catalogue/kids-a/registrations",
        json=person(
            1,
            full_name="Quirijntje Oosterzwaluw",
            email="quirijntje.marker@example.org",
            place="Sliedrecht",
            child_birth_date="2025-06-01",
        ),
    )
    assert signed_up.status_code == 202, signed_up.text
    registration = await db.scalar(select(Registration).where(Registration.programme_id == pid))
    registration.cohort_id = cohort.id
    await sign_in(client, coordinator)
    venue = (await client.get("/api/v1/venues")).json()[0]["id"]
    planned = await client.post(
        f"/api/v1/cohorts/{cohort.id}/schedule",
        json={
            "weekday": 0,
            "start_time": "09:30",
            "start_date": "2027-03-22",
            "end_date": "2027-04-30",
            "venue_id": venue,
            "staff_id": coordinator_id,
        },
    )
    assert planned.status_code == 200, planned.text
    await client.post("/api/v1/auth/sign-out")
    client.cookies.delete(SESSION_COOKIE)
    session_id = await db.scalar(select(Session.id).where(Session.cohort_id == cohort.id).limit(1))
    # A register taken and a drop-out signal: attendance is A's people's data too.
    db.add(
        Attendance(
            session_id=session_id,
            participant_id=registration.participant_id,
            status="absent",
            absence_reason="ill",
            note="Zwavelzuurhuis",
            recorded_at=NOW,
        )
    )
    signal = AttendanceSignal(
        programme_id=pid,
        cohort_id=cohort.id,
        participant_id=registration.participant_id,
        kind="missed_in_a_row",
        raised_at=NOW,
    )
    db.add(signal)
    # An open invitation of A's: nobody else may see, answer or withdraw it.
    invitation = StaffInvitation(
        organisation_id=org.id,
        email="zwavelzuurhuis.invited@example.org",
        full_name="Zwavelzuurhuis Invited",
        roles=["trainer"],
        token_hash="0" * 64,
        created_at=NOW,
        expires_at=NOW + timedelta(days=7),
    )
    db.add(invitation)
    # A's group is a drop-in series with a swap asked on its rota: B may not end, see or answer them.
    db.add(SeriesPlan(cohort_id=cohort.id, starts_on=date(2027, 3, 22), ends_on=None, planned_until=date(2027, 4, 30)))
    swap = RotaSwap(session_id=session_id, from_staff_id=coordinator_id, to_staff_id=coordinator_id, asked_at=NOW)
    db.add(swap)
    # An SMS reply to A's coordinators: B may not read it or mark it handled.
    reply = SmsReply(
        message_id="zwavelzuurhuis-reply",
        from_phone="+31612345678",
        text="Zwavelzuurhuis later",
        received_at=NOW,
        organisation_id=org.id,
        participant_id=registration.participant_id,
        understood="unknown",
    )
    db.add(reply)
    # A's API client (named with a marker): B may not list or revoke it.
    _, token = await create_api_client(
        db,
        Viewer(coordinator_id, "A", "a@example.org", {org.id: frozenset({"admin"})}),
        org.id,
        "Zwavelzuurhuis koppeling",
        ["registrations:read"],
        NOW.date() + timedelta(days=30),
        NOW,
    )
    client_id = await db.scalar(select(ApiClient.id).where(ApiClient.organisation_id == org.id))
    # A's webhook and one delivery: nobody else may see its address, change it or send again.
    hook = WebhookSubscription(
        organisation_id=org.id, url="https://zwavelzuurhuis.example.org/hook", description="Zwavelzuurhuis",
        events=["session.moved"], scopes=[], active=True, secret_encrypted=app_keys().encrypt("whsec_AAAA"),
        created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    db.add(hook)
    await db.flush()
    delivery = WebhookDelivery(
        subscription_id=hook.id, organisation_id=org.id, event_id="msg_zwavelzuurhuis", event_type="session.moved",
        payload='{"data":{},"type":"session.moved"}', created_at=NOW, attempts=0,
    )  # fmt: skip
    db.add(delivery)
    await db.flush()
    await db.commit()
    return {
        "subscription_id": hook.id,
        "delivery_id": delivery.id,
        "client_id": client_id,
        "sms_reply_id": reply.id,
        "swap_id": swap.id,
        "invitation_id": invitation.id,
        "programme_id": pid,
        "cohort_id": cohort.id,
        "session_id": session_id,
        "venue_id": venue,
        "staff_id": coordinator_id,
        "signal_id": signal.id,
        "organisation_id": org.id,
        "slug": "kids-a",
        "lang": "nl",
        "token": "x",
        "name": "x",
    }


def routes(app):
    for route in app.routes:
        if route.path.startswith(FRAMEWORK_ROUTES) or route.path.startswith("/static"):
            continue
        if "/sign-out" in route.path:
            continue  # the walker stays signed in
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(getattr(handler, "http_methods", ["GET"])):
                if method not in ("OPTIONS", "HEAD"):
                    yield route.path, method, handler


def fill(path: str, ids: dict) -> str:
    return re.sub(r"\{([a-z_]+):[a-z]+\}", lambda m: str(ids[m.group(1)]), path)


async def walk(client, app, ids, who: str) -> int:
    walked = 0
    for path, method, _handler in routes(app):
        url = fill(path, ids)
        if method == "GET":
            kwargs = {}
        elif path.startswith("/api/"):
            kwargs = {"json": {}}
        else:
            kwargs = {"data": FORM}
        response = await client.request(method, url, **kwargs)
        body = response.text
        for marker in MARKERS:
            assert marker.lower() not in body.lower(), (who, method, url, marker)
        walked += 1
    return walked


async def snapshot(db, walker_id: int) -> dict[str, list]:
    """Every row of every table, except the walker's own."""
    rows = {}
    for table in Base.metadata.sorted_tables:
        if table.name in OWN_TABLES:
            continue
        query = select(table)
        if table.name == "staff":
            query = query.where(table.c.id != walker_id)  # its sign-in notes the code it used
        rows[table.name] = sorted(map(repr, (await db.execute(query)).all()))
    return rows


async def test_no_route_shows_or_changes_another_organisations_data(app, client, db):
    ids = await world_of_organisation_a(client, db)
    other = await make_organisation(db, "CJG Elders", "Zwolle")
    outsider = await make_staff(db, other, *ROLES)
    email, walker_id, other_id = outsider.email, outsider.id, other.id
    before = await snapshot(db, walker_id)
    assert await walk(client, app, ids, "nobody") > 60
    code = code_at(TOTP_SECRET, NOW)
    signed_in = await client.post("/api/v1/auth/sign-in", json={"email": email, "password": PASSWORD, "code": code})
    assert signed_in.status_code == 200
    assert await walk(client, app, ids, "outsider") > 60
    # B's API client with every scope, its token on every request and no person signed in.
    client.cookies.clear()
    _, token = await create_api_client(
        db,
        Viewer(walker_id, "B", email, {other_id: frozenset({"admin"})}),
        other_id,
        "B koppeling",
        list(SCOPES),
        NOW.date() + timedelta(days=30),
        NOW,
    )
    before = {**before, **{t: v for t, v in (await snapshot(db, walker_id)).items() if t in ("staff", "api_clients")}}
    theirs = select(ApiClient.__table__).where(ApiClient.organisation_id != other_id)
    a_clients = (await db.execute(theirs)).all()
    client.headers["Authorization"] = f"Bearer {token}"
    assert await walk(client, app, ids, "token") > 60
    after = await snapshot(db, walker_id)
    # The token's client notes when it was last used (its own row, as the walker's sign-in is);
    # A's client is as it was.
    assert (await db.execute(theirs)).all() == a_clients
    before.pop("api_clients"), after.pop("api_clients")
    changed = {name for name in before if before[name] != after[name]}
    assert not changed, changed
