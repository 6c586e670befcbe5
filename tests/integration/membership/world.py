"""Two organisations for the account-level attack tests.

A runs a Kids & Koffie group with a meeting to come, a school class, a volunteer X with
hours, a calendar link and an open invitation. B's attacker holds every role in B. A
dump of A's rows (staff, roles, hours, invitations, classes, meetings, who leads them,
calendar links, sign-ins) is compared before and after each attack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time, timedelta

from sqlalchemy import select

from groepsaanbod.access.roles import ROLES
from groepsaanbod.accounts.guards import SESSION_COOKIE
from groepsaanbod.accounts.models import Role, Staff, StaffInvitation, StaffSession
from groepsaanbod.calendars.models import Feed
from groepsaanbod.cohorts.models import Cohort, CohortFacilitator, SchoolClass
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate
from groepsaanbod.scheduling.models import Session, SessionStaff, StaffAvailability
from tests.conftest import NOW
from tests.factories import make_staff, sign_in
from tests.integration.registration.helpers import published_programme


@dataclass
class World:
    a: int
    b: int
    admin_a: Staff
    x: Staff
    attacker: Staff
    cohort_a: int
    session_a: int
    class_a: int
    invitation_a: int
    programme_b: int


async def become(client, staff: Staff) -> str:
    """Sign `staff` in on this client; the earlier person's session stays alive (cookie dropped first)."""
    from sqlalchemy import inspect

    state = inspect(staff)
    if state.expired_attributes and state.async_session is not None:
        await state.async_session.refresh(staff)  # a request's rollback expired it
    client.cookies.delete(SESSION_COOKIE)
    await sign_in(client, staff)
    return client.cookies[SESSION_COOKIE]


async def nobody(client) -> None:
    client.cookies.delete(SESSION_COOKIE)


async def _cohort_with_meeting(db, programme_id: int, staff: Staff, when) -> tuple[int, int]:
    template = await db.scalar(select(ProgrammeTemplate).where(ProgrammeTemplate.programme_id == programme_id))
    cohort = Cohort(
        programme_id=programme_id, template_id=template.id, name="Maandag", language="nl", status="confirmed"
    )
    db.add(cohort)
    await db.flush()
    meeting = Session(
        programme_id=programme_id,
        cohort_id=cohort.id,
        local_start=when.replace(tzinfo=None),
        starts_at=when,
        duration_minutes=90,
    )
    db.add(meeting)
    await db.flush()
    db.add(SessionStaff(session_id=meeting.id, staff_id=staff.id, role="volunteer"))
    db.add(CohortFacilitator(cohort_id=cohort.id, staff_id=staff.id, role="volunteer"))
    await db.commit()
    return cohort.id, meeting.id


async def build_world(client, db) -> World:
    org_a, pid_a = await published_programme(db, "kids-en-koffie", "kids-a", city="Sliedrecht")
    org_b, pid_b = await published_programme(db, "think-op-school", "think-b", languages=("nl",), city="Zwolle")
    admin_a = await make_staff(db, org_a, "admin", "coordinator")
    x = await make_staff(db, org_a, "volunteer", "mentor")
    x.full_name = "Xandra Stored-Name"
    attacker = await make_staff(db, org_b, *ROLES)
    cohort_a, session_a = await _cohort_with_meeting(db, pid_a, x, NOW + timedelta(days=7))
    db.add(StaffAvailability(staff_id=x.id, organisation_id=org_a.id, weekday=0, starts=time(9), ends=time(17)))
    school_class = SchoolClass(
        organisation_id=org_a.id,
        school_name="A",
        class_name="1A",
        school_year="2026-2027",
        region="noord",
        mentor_id=x.id,
        pupils=25,
    )
    db.add(school_class)
    db.add(Feed(token_hash="a" * 64, subject_kind="staff", subject_id=x.id, created_at=NOW))
    db.add(Feed(token_hash="b" * 64, subject_kind="cohort", subject_id=cohort_a, created_at=NOW, made_by_staff_id=x.id))
    await db.commit()
    # A's admin invites someone new: an open invitation of A.
    await become(client, admin_a)
    invited = await client.post(
        f"/api/v1/organisations/{org_a.id}/invitations",
        json={"email": "nieuw.a@example.org", "full_name": "Nieuw bij A", "roles": ["volunteer"]},
    )
    assert invited.status_code == 201, invited.text
    await become(client, x)  # X has a live sign-in
    await nobody(client)
    return World(
        a=org_a.id,
        b=org_b.id,
        admin_a=admin_a,
        x=x,
        attacker=attacker,
        cohort_a=cohort_a,
        session_a=session_a,
        class_a=school_class.id,
        invitation_a=invited.json()["id"],
        programme_b=pid_b,
    )


def _rows(result) -> list[str]:
    return sorted(repr(tuple(row)) for row in result)


async def dump_of(db, org: int) -> dict[str, list[str]]:
    """Every row that belongs to organisation `org` or to the people who work for it."""
    people = set(await db.scalars(select(Role.staff_id).where(Role.organisation_id == org)))
    programmes = select(Programme.id).where(Programme.organisation_id == org)
    sessions = select(Session.id).where(Session.programme_id.in_(programmes))
    cohorts = select(Cohort.id).where(Cohort.programme_id.in_(programmes))
    s, r, a, i = Staff.__table__.c, Role.__table__.c, StaffAvailability.__table__.c, StaffInvitation.__table__.c
    f, ss = Feed.__table__.c, Session.__table__.c
    # A's rows, and the accounts of A's people; what they hold in other organisations is not A's.
    queries = {
        "staff": select(s.id, s.email, s.full_name, s.active, s.password_hash, s.totp_secret).where(s.id.in_(people)),
        "roles": select(r.staff_id, r.organisation_id, r.role).where(r.organisation_id == org),
        "availability": select(a.staff_id, a.organisation_id, a.weekday, a.starts, a.ends).where(
            a.organisation_id == org
        ),
        "invitations": select(i.id, i.organisation_id, i.email, i.full_name, i.roles, i.status, i.staff_id).where(
            i.organisation_id == org
        ),
        "school_classes": select(SchoolClass.__table__).where(SchoolClass.organisation_id == org),
        "sessions": select(ss.id, ss.status, ss.sequence, ss.starts_at).where(ss.id.in_(sessions)),
        "session_staff": select(SessionStaff.__table__).where(SessionStaff.session_id.in_(sessions)),
        "cohort_facilitators": select(CohortFacilitator.__table__).where(CohortFacilitator.cohort_id.in_(cohorts)),
        "feeds": select(f.id, f.subject_kind, f.subject_id, f.revoked_at).where(
            ((f.subject_kind == "staff") & f.subject_id.in_(people))
            | ((f.subject_kind == "cohort") & f.subject_id.in_(cohorts))
        ),
        "sign_ins": select(StaffSession.token_hash, StaffSession.staff_id).where(StaffSession.staff_id.in_(people)),
    }
    return {
        name: _rows(await db.execute(query.execution_options(populate_existing=True)))
        for name, query in queries.items()
    }


async def roles_of(db, staff_id: int) -> list[tuple[int, str]]:
    rows = await db.execute(select(Role.organisation_id, Role.role).where(Role.staff_id == staff_id))
    return sorted((org, role) for org, role in rows)


async def link_in_message(db, to_address: str, kind: str) -> str:
    message = await db.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.to_address == to_address, OutboxMessage.kind == kind)
        .order_by(OutboxMessage.id.desc())
    )
    assert message is not None, (to_address, kind)
    return re.search(r"/[a-z]{2}/staff/invitations/[A-Za-z0-9_\-]+", message.body_text).group(0)
