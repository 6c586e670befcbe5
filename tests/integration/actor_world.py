"""Two organisations with a full set of data each, for the actor walk: programmes of the four
kinds (due date, drop-in, school class, open enrolment) with their templates, groups,
meetings, members, registers, signals, venues with hours and closures, a school class,
calendar links, messages, audit records, and staff of every role with their hours,
absences and invitations. And a dump of every row that belongs to one organisation.

Organisation A's personal data all carry MARKER (names, e-mail addresses, notes), or are
a date or phone number found nowhere else, so an answer that shows any of it is found by
a plain text search.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import select

from groepsaanbod.access.roles import ROLES
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import AccountToken, Role, Staff, StaffInvitation
from groepsaanbod.api_clients.models import ApiClient
from groepsaanbod.attendance.models import Attendance, AttendanceSignal, SessionRegister
from groepsaanbod.audit.services import DataUse, record_audit
from groepsaanbod.calendars.models import Feed
from groepsaanbod.cohorts.models import Cohort, CohortFacilitator, SchoolClass
from groepsaanbod.db import Base
from groepsaanbod.history.services import Subject, record
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.organisations.models import Organisation, VenueClosure, VenueOpening
from groepsaanbod.participants.models import SmsReply
from groepsaanbod.programmes.models import ProgrammeTemplate, SessionSpec
from groepsaanbod.programmes.services import set_up as programmes
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.scheduling.models import (
    RotaSwap,
    SeriesPause,
    SeriesPlan,
    Session,
    SessionStaff,
    StaffAbsence,
    StaffAvailability,
)
from groepsaanbod.webhooks.models import WebhookDelivery, WebhookSubscription
from tests.conftest import NOW
from tests.factories import app_keys, make_venue

MARKER = "zwavelzuur"
#: A's due date, child's birth date and phone digits: found in no other data.
A_SECRETS = (MARKER, "2027-05-13", "2025-02-17", "61111222")
KINDS = {
    "centering-pregnancy": "midwife",
    "kids-en-koffie": "volunteer",
    "think-op-school": "guest_teacher",
    "triple-p-group": "trainer",
}
#: Who a calendar link (feed) is of: its subject kind -> table.
FEED_SUBJECTS = {"staff": "staff", "participant": "registrations", "cohort": "cohorts", "venue": "venues"}
#: Tables that belong to nobody: counters keyed by hashes.
UNOWNED = {"rate_counters"}


@dataclass
class OrgWorld:
    """The ids of one organisation's rows, per kind (the walk's path and body ids)."""

    tag: str
    ids: dict[str, list[int]] = field(default_factory=dict)
    staff_emails: dict[str, str] = field(default_factory=dict)
    slugs: list[str] = field(default_factory=list)
    #: Every row of the organisation per table (ids), for kinds the builder does not name.
    tables: dict[str, list[int]] = field(default_factory=dict)

    def add(self, kind: str, value: int) -> None:
        self.ids.setdefault(kind, []).append(value)

    def first(self, kind: str) -> int:
        return self.ids[kind][0]

    def of(self, kind: str) -> list[int]:
        """Ids of a kind of row: as the builder named them, else by table name."""
        if kind in self.ids:
            return self.ids[kind]
        for table in (f"{kind}s", kind, f"{kind}es", kind.removesuffix("y") + "ies"):
            if self.tables.get(table):
                return self.tables[table]
        # e.g. {invitation_id} -> staff_invitations
        return next((ids for table, ids in sorted(self.tables.items()) if table.endswith(f"_{kind}s") and ids), [])


def _token_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


async def build_organisation(db, tag: str, *, marked: bool, password_hash: str) -> OrgWorld:
    """One organisation with everything. `marked`: its personal data carry MARKER."""
    mark = MARKER if marked else "bruinvis"
    world = OrgWorld(tag)
    # The organisation's and linked venue's names are public (the catalogue shows them): no marker.
    org = Organisation(slug=f"walk-{tag}", name=f"Stichting {tag.upper()}", kind="cjg", city="Dordrecht")
    db.add(org)
    await db.flush()
    world.add("organisation", org.id)
    venue = await make_venue(db, org, "Buurthuis")
    hidden_venue = await make_venue(db, org, f"Geheimzaal {mark}")
    world.add("venue", venue.id)
    world.add("venue", hidden_venue.id)
    db.add_all(
        [VenueOpening(venue_id=venue.id, weekday=d, opens=time(8), closes=time(22)) for d in range(7)]
        + [VenueClosure(venue_id=hidden_venue.id, starts_at=NOW + timedelta(days=40), ends_at=NOW + timedelta(days=41))]
    )
    staff = {}
    for role in ROLES:
        person = Staff(
            email=f"{role}.{mark}.{tag}@example.org",
            full_name=f"{role.title()} {mark.title()}",
            password_hash=password_hash,
            spoken_languages=["nl", "tr"],
        )
        db.add(person)
        await db.flush()
        db.add(Role(staff_id=person.id, organisation_id=org.id, role=role))
        staff[role] = person
        world.add("staff", person.id)
        world.staff_emails[role] = person.email
    db.add(
        StaffAvailability(
            staff_id=staff["trainer"].id, organisation_id=org.id, weekday=1, starts=time(9), ends=time(17)
        )
    )
    # An open invitation of this organisation, to an address that has no account yet.
    invitation = StaffInvitation(
        organisation_id=org.id,
        email=f"invited.{mark}.{tag}@example.org",
        full_name=f"Invited {mark.title()}",
        roles=["volunteer"],
        invited_by_id=staff["admin"].id,
        token_hash=_token_hash(f"team-invitation-{tag}"),
        created_at=NOW,
        expires_at=NOW + timedelta(days=7),
    )
    db.add(invitation)
    await db.flush()
    world.add("invitation", invitation.id)
    # An API client of this organisation (a service account and its token's hash), named with the marker.
    service = Staff(
        email=f"client-{tag}@api-clients.invalid", full_name=f"Koppeling {mark} (API)", password_hash="!", active=False
    )
    db.add(service)
    await db.flush()
    api_client = ApiClient(
        public_id=f"{tag:0>16}",
        organisation_id=org.id,
        staff_id=service.id,
        name=f"Koppeling {mark}",
        scopes=["registrations:read"],
        secret_hash=_token_hash(f"api-client-{tag}"),
        created_at=NOW,
        created_by_id=staff["admin"].id,
        expires_on=NOW.date() + timedelta(days=30),
    )
    db.add(api_client)
    await db.flush()
    world.add("client", api_client.id)
    db.add(
        AccountToken(
            token_hash=_token_hash(f"invite-{tag}"),
            staff_id=staff["guest_teacher"].id,
            purpose="invite",
            created_at=NOW,
            expires_at=NOW + timedelta(days=7),
        )
    )
    school_class = SchoolClass(
        organisation_id=org.id,
        school_name=f"Lyceum {tag.upper()}",
        class_name=f"1{mark[:6]}",
        school_year="2026-2027",
        region="zuid",
        mentor_id=staff["mentor"].id,
        pupils=27,
    )
    db.add(school_class)
    await db.flush()
    world.add("school_class", school_class.id)
    editor = Viewer(staff["coordinator"].id, "", "", {org.id: frozenset({"coordinator"})})
    for key, facilitator in KINDS.items():
        slug = f"walk-{tag}-{key}"
        programme = await programmes.create_programme(db, editor, programmes.NewProgramme(org.id, key, slug), NOW)
        await programmes.change_programme(db, editor, programme.id, programmes.ProgrammeChanges(venue_ids=[venue.id]))
        await programmes.publish_programme(db, editor, programme.id, NOW)
        world.add("programme", programme.id)
        world.slugs.append(slug)
        await _group(db, world, org, programme.id, key, mark, venue.id, staff, facilitator, school_class.id)
    db.add_all(
        [
            Feed(
                token_hash=_token_hash(f"feed-staff-{tag}"),
                subject_kind="staff",
                subject_id=staff["mentor"].id,
                created_at=NOW,
            ),
            Feed(
                token_hash=_token_hash(f"feed-cohort-{tag}"),
                subject_kind="cohort",
                subject_id=world.first("cohort"),
                created_at=NOW,
            ),
            Feed(
                token_hash=_token_hash(f"feed-venue-{tag}"), subject_kind="venue", subject_id=venue.id, created_at=NOW
            ),
            Feed(
                token_hash=_token_hash(f"feed-participant-{tag}"),
                subject_kind="participant",
                subject_id=world.first("registration"),
                created_at=NOW,
            ),
        ]
    )
    db.add(
        OutboxMessage(
            dedupe_key=f"walk-{tag}-failed",
            channel="email",
            to_address=f"lid0.{mark}.{tag}@example.org",
            language="nl",
            kind="session_reminder",
            subject=f"Herinnering {mark}",
            body_text=f"Beste {mark}",
            created_at=NOW - timedelta(hours=3),
            failed_at=NOW - timedelta(hours=1),
            last_error="550",
            organisation_id=org.id,
        )
    )
    db.add(
        SmsReply(
            message_id=f"walk-{tag}",
            from_phone="+31612345678",
            text=f"Later {mark}",
            received_at=NOW - timedelta(hours=2),
            organisation_id=org.id,
            participant_id=world.first("participant"),
            understood="unknown",
        )
    )
    # A webhook with one delivery: its address and log are the organisation's admins' only.
    hook = WebhookSubscription(
        organisation_id=org.id, url=f"https://{mark}.example.org/{tag}", description=f"Hook {mark}",
        events=["session.moved"], scopes=[], active=True, secret_encrypted=app_keys().encrypt("whsec_AAAA"),
        created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    db.add(hook)
    await db.flush()
    world.add("subscription", hook.id)
    delivery = WebhookDelivery(
        subscription_id=hook.id, organisation_id=org.id, event_id=f"msg_walk_{tag}", event_type="session.moved",
        payload='{"data":{},"type":"session.moved"}', created_at=NOW, attempts=0,
    )  # fmt: skip
    db.add(delivery)
    await db.flush()
    world.add("delivery", delivery.id)
    record_audit(
        db,
        NOW,
        DataUse("read", "registrations", ("email",)),
        world.ids["participant"],
        actor_staff_id=None,
        organisation_id=org.id,
    )
    await db.commit()
    return world


async def _group(db, world, org, programme_id, key, mark, venue_id, staff, facilitator, school_class_id) -> None:
    """A group of this programme with three members (and someone waiting), three meetings, a
    register with reasons and notes, and a drop-out signal."""
    template = await db.scalar(select(ProgrammeTemplate).where(ProgrammeTemplate.programme_id == programme_id))
    spec_id = await db.scalar(select(SessionSpec.id).where(SessionSpec.template_id == template.id).limit(1))
    cohort = Cohort(
        programme_id=programme_id,
        template_id=template.id,
        name=f"Groep {mark} {key}",
        language="nl",
        venue_id=venue_id,
        school_class_id=school_class_id if key == "think-op-school" else None,
        status="running",
        place="Dordrecht",
        reference_date=date(2027, 5, 13) if mark == MARKER else date(2027, 6, 24),
        weekday=1,
        start_time=time(10),
    )
    db.add(cohort)
    await db.flush()
    world.add("cohort", cohort.id)
    marked = mark == MARKER
    members = []
    for n in range(4):
        person = Participant(
            full_name=f"Lid{n} {mark.title()}",
            email=f"lid{n}.{mark}.{world.tag}@example.org",
            phone=f"+3161111222{n}" if marked else f"+3169999888{n}",
            language="nl",
            postcode="3311 AB",
            due_date=date(2027, 5, 13) if marked and key == "centering-pregnancy" else None,
            child_birth_date=date(2025, 2, 17) if marked and key != "centering-pregnancy" else None,
        )
        db.add(person)
        await db.flush()
        world.add("participant", person.id)
        registration = Registration(
            participant_id=person.id,
            programme_id=programme_id,
            cohort_id=cohort.id,
            status="waitlisted" if n == 3 else "confirmed",
            waitlist_position=1 if n == 3 else None,
            language="nl",
            place="Dordrecht",
            contact_email=person.email,
            contact_phone=person.phone,
            consented_at=NOW - timedelta(days=90),
            consent_version="2026-1",
            consent_language="nl",
            confirmed_at=None if n == 3 else NOW - timedelta(days=80),
            access_token_hash=_token_hash(f"link-{world.tag}-{person.id}"),
            access_expires_at=NOW + timedelta(days=300),
        )
        db.add(registration)
        await db.flush()
        world.add("registration", registration.id)
        if n < 3:
            members.append(person.id)
    meetings = []
    for number, (offset, status) in enumerate(
        ((timedelta(days=-3), "held"), (timedelta(days=-1), "planned"), (timedelta(days=14), "planned")), start=1
    ):
        at = NOW + offset
        s = Session(
            programme_id=programme_id,
            cohort_id=cohort.id,
            spec_id=spec_id,
            venue_id=venue_id,
            local_start=(at + timedelta(hours=1)).replace(tzinfo=None),
            starts_at=at,
            duration_minutes=120,
            topic={"nl": "Thema"},
            status=status,
            number=number,
        )
        db.add(s)
        await db.flush()
        meetings.append(s.id)
        world.add("session", s.id)
        db.add(SessionStaff(session_id=s.id, staff_id=staff[facilitator].id, role=facilitator))
        if key == "think-op-school":
            db.add(SessionStaff(session_id=s.id, staff_id=staff["mentor"].id, role="mentor"))
    db.add(CohortFacilitator(cohort_id=cohort.id, staff_id=staff[facilitator].id, role=facilitator))
    held = meetings[0]
    db.add(SessionRegister(session_id=held, taken_by_id=staff["coordinator"].id, taken_at=NOW, volunteer_ids=[]))
    for n, pid in enumerate(members):
        db.add(
            Attendance(
                session_id=held,
                participant_id=pid,
                status="present" if n == 2 else "absent",
                absence_reason=None if n == 2 else ("gave_birth" if n == 0 else "ill"),
                note=f"notitie {mark}",
                recorded_by_id=staff["coordinator"].id,
                recorded_at=NOW,
            )
        )
    if key == "kids-en-koffie":
        db.add(
            Attendance(
                session_id=held, participant_id=None, status="head_count", adults=9, children=11, recorded_at=NOW
            )
        )
        # The group is a drop-in series, paused once, with a volunteer asking for a swap.
        db.add(
            SeriesPlan(cohort_id=cohort.id, starts_on=date(2026, 11, 2), ends_on=None, planned_until=date(2027, 3, 1))
        )
        db.add(SeriesPause(cohort_id=cohort.id, starts_on=date(2026, 12, 21), ends_on=date(2027, 1, 3), reason=mark))
        db.add(SessionStaff(session_id=meetings[1], staff_id=staff["coordinator"].id, role="volunteer"))
        swap = RotaSwap(
            session_id=meetings[1],
            from_staff_id=staff["coordinator"].id,
            to_staff_id=staff["volunteer"].id,
            asked_at=NOW,
        )
        db.add(swap)
        await db.flush()
        world.add("swap", swap.id)
    db.add(
        StaffAbsence(
            staff_id=staff[facilitator].id,
            session_id=meetings[2],
            starts_at=NOW + timedelta(days=14),
            ends_at=NOW + timedelta(days=14, hours=2),
            reason=f"ziek {mark}",
            reported_by_id=staff[facilitator].id,
            reported_at=NOW,
        )
    )
    signal = AttendanceSignal(
        programme_id=programme_id,
        cohort_id=cohort.id,
        participant_id=members[0],
        kind="missed_in_a_row",
        attended=0,
        recorded=2,
        raised_at=NOW,
        handled_note="",
    )
    db.add(signal)
    await db.flush()
    world.add("signal", signal.id)
    record(
        db,
        NOW,
        Subject(programme_id, cohort_id=cohort.id),
        "register_taken",
        actor=staff["coordinator"].id,
        session_id=held,
    )


async def rows_of(db, seeds: dict[str, set[int]], owned: dict[str, set] | None = None) -> dict[str, list[str]]:
    """Every row that belongs to an organisation, per table: its seeds (the organisation,
    its staff and its participants) and every row that refers to one of its rows, directly
    or through others (a B row that points at A's staff or venue belongs to A too).
    `owned`, when given, is filled with the ids of those rows per table."""
    owned = {} if owned is None else owned
    owned.update({name: set(ids) for name, ids in seeds.items()})
    dump: dict[str, list[str]] = {}
    tables = [t for t in Base.metadata.sorted_tables if t.name not in UNOWNED]
    tables.sort(key=lambda t: t.name == "feeds")  # feeds point at their subject without a foreign key
    for table in tables:
        mine = []
        for row in (await db.execute(select(table))).mappings().all():
            if table.name in seeds:
                belongs = row["id"] in seeds[table.name]
            elif table.name == "feeds":
                belongs = row["subject_id"] in owned.get(FEED_SUBJECTS[row["subject_kind"]], set())
            else:
                belongs = any(
                    row[column.name] in owned.get(fk.column.table.name, set())
                    for column in table.columns
                    for fk in column.foreign_keys
                )
            if belongs:
                mine.append(row)
        if "id" in table.columns:
            owned[table.name] = owned.get(table.name, set()) | {row["id"] for row in mine}
        dump[table.name] = sorted(repr(tuple(row.values())) for row in mine)
    return dump


def seeds_of(world: OrgWorld) -> dict[str, set[int]]:
    return {
        "organisations": set(world.ids["organisation"]),
        "staff": set(world.ids["staff"]),
        "participants": set(world.ids["participant"]),
    }
