"""Erasure erases: every free-text field that can name a participant (notes on their
attendance and on their drop-out signals, their answers, their messages with the delivery
errors, their calendar links) is erased with them or never linked to them. Afterwards the
whole database, every table and column found by reflecting the live schema, holds no trace
of the person, on SQLite and PostgreSQL; the other people's traces all stay. The worker's
automatic erasure goes through the same code and leaves the same nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, update

from groepsaanbod.attendance.models import Attendance, AttendanceSignal
from groepsaanbod.audit import services as audit
from groepsaanbod.audit.models import AuditEvent
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.privacy.services.housekeeping import run_housekeeping
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.reminders.services import plan_due_reminders
from groepsaanbod.settings import Settings
from tests.conftest import NOW
from tests.factories import make_staff, sign_in
from tests.integration.privacy.traces import (
    DAY,
    database_text,
    date_forms,
    found_in,
    group_with_meetings,
    reflected_tables,
    signed_up_token,
)
from tests.integration.registration.helpers import published_programme

NAME, EMAIL, PHONE, POSTCODE, DUE = (
    "Evaline Qwertyzon",
    "evaline.qwertyzon@example.org",
    "0612398745",
    "9876 ZX",
    date(2027, 5, 19),
)
MINE = (
    "Evaline",
    "Qwertyzon",
    "evaline.qwertyzon",
    "612398745",
    "9876 zx",
    DUE.isoformat(),
    "MRK-ATTENDANCE-MINE",
    "MRK-SIGNAL-MINE",
    "MRK-ANSWER-MINE",
    "MRK-ERROR-MINE",
    "MRK-OLD-ADDRESS-MINE",
    "MRK-SUPPORT-MINE",
)
#: Other ways of writing them, searched for afterwards too.
MINE_WRITTEN_OTHERWISE = ("9876zx", *date_forms(DUE))
OTHER_NAME, OTHER_EMAIL = "Oskarina Plimsoll", "oskarina.plimsoll@example.org"
OTHERS = (
    "Oskarina",
    "Plimsoll",
    "oskarina.plimsoll",
    "MRK-ATTENDANCE-OTHER",
    "MRK-SIGNAL-OTHER",
    "2027-06-02",
    "MRK-OLD-ADDRESS-OTHER",
)


async def _attendance_totals(db) -> list[tuple]:
    rows = await db.execute(
        select(Attendance.session_id, Attendance.status, func.count()).group_by(
            Attendance.session_id, Attendance.status
        )
    )
    return sorted(rows.all())


async def _everything_about_two_people(client, db, session_factory, clock):
    """Two people in two groups, with every free-text field that can hold something of
    them filled: notes, answers, signals, messages, delivery errors, feeds, audit events."""
    org, pid = await published_programme(db, "centering-pregnancy", "centering-erase", city="Eindhoven")
    mine = await signed_up_token(
        client,
        db,
        "centering-erase",
        1,
        full_name=NAME,
        email=EMAIL,
        phone=PHONE,
        postcode=POSTCODE,
        due_date=DUE.isoformat(),
    )
    other = await signed_up_token(
        client, db, "centering-erase", 2, full_name=OTHER_NAME, email=OTHER_EMAIL, due_date="2027-06-02"
    )
    regs = {r.contact_email: r for r in await db.scalars(select(Registration).where(Registration.programme_id == pid))}
    group_a, sessions_a = await group_with_meetings(db, pid, [NOW - DAY, NOW + DAY], "Groep mei")
    group_b, sessions_b = await group_with_meetings(db, pid, [NOW - DAY, NOW + 200 * DAY], "Groep juni")
    for email, group in ((EMAIL, group_a), (OTHER_EMAIL, group_b)):
        regs[email].cohort_id, regs[email].status, regs[email].confirmed_at = group.id, "confirmed", NOW - 30 * DAY
    regs[EMAIL].preferences = {"part_of_day": "morning", "note": f"MRK-ANSWER-MINE {NAME} needs an interpreter"}
    # A message to an address each no longer has (her contact changed since): found by whose it is.
    for email, mark in ((EMAIL, "MINE"), (OTHER_EMAIL, "OTHER")):
        db.add(
            OutboxMessage(
                dedupe_key=f"test:old-address:{mark}",
                channel="email",
                to_address=f"mrk-old-address-{mark.lower()}@example.org",
                language="ar",
                kind="private_link",
                subject=f"MRK-OLD-ADDRESS-{mark}",
                body_text=f"MRK-OLD-ADDRESS-{mark} for you",
                body_html=f"<p>MRK-OLD-ADDRESS-{mark}</p>",
                created_at=NOW,
                participant_id=regs[email].participant_id,
            )
        )
    regs[EMAIL].support = {
        "interpreter": "ti",
        "children": 2,
        "partner": True,
        "travel": True,
        "access": ["wheelchair"],
        "access_note": "MRK-SUPPORT-MINE a ramp at the door",
    }
    await db.commit()

    coordinator = await make_staff(db, org, "coordinator")
    await sign_in(client, coordinator)
    for s, email, note in (
        (sessions_a[0], EMAIL, f"MRK-ATTENDANCE-MINE came with the sister of {NAME}"),
        (sessions_b[0], OTHER_EMAIL, f"MRK-ATTENDANCE-OTHER {OTHER_NAME} was ill"),
    ):
        mark = {"participant_id": regs[email].participant_id, "present": False, "reason": "other", "note": note}
        taken = await client.post(f"/api/v1/sessions/{s.id}/register", json={"marks": [mark]})
        assert taken.status_code == 200, taken.text
    for group, email, note in (
        (group_a, EMAIL, f"MRK-SIGNAL-MINE called Evaline Q. ({EMAIL}): child born {DUE}, postcode {POSTCODE}"),
        (group_b, OTHER_EMAIL, f"MRK-SIGNAL-OTHER called {OTHER_NAME}"),
    ):
        signal = AttendanceSignal(
            programme_id=pid, cohort_id=group.id, participant_id=regs[email].participant_id, kind="missed_in_a_row"
        )
        signal.raised_at = NOW
        db.add(signal)
        await db.commit()
        handled = await client.post(f"/api/v1/signals/{signal.id}/handled", json={"note": note})
        assert handled.status_code == 200, handled.text
    assert (await client.get(f"/api/v1/programmes/{pid}/registrations")).status_code == 200  # audited reading
    await client.post("/api/v1/auth/sign-out")
    client.cookies.clear()
    client.cookies.set("ga_csrf", "test-csrf-token")

    await plan_due_reminders(session_factory, "http://testserver", clock)  # a reminder naming her
    await db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.to_address == EMAIL)
        .values(last_error=f"550 MRK-ERROR-MINE {EMAIL} unknown", failed_at=NOW)
    )
    await db.commit()
    for token in (mine, other):
        assert (await client.post(f"/api/v1/my/{token}/feed")).status_code == 200
        assert (await client.get(f"/api/v1/my/{token}/data")).status_code == 200  # audited export
    return mine, other


@pytest.mark.parametrize("way", ["the person asks", "the retention time passed"])
async def test_after_erasure_no_table_holds_a_trace_of_the_person(client, db, session_factory, clock, way):
    mine, other = await _everything_about_two_people(client, db, session_factory, clock)
    before = await _attendance_totals(db)
    everything = await database_text(db)
    assert len(found_in(everything, MINE)) == len(MINE)  # the search finds every trace while it exists
    assert len(found_in(everything, OTHERS)) == len(OTHERS)

    if way == "the person asks":
        assert (await client.post(f"/nl/my/{mine}/erase")).status_code == 200
    else:
        settings = Settings(database_url="sqlite:///unused.db", retention_months=12)
        assert await run_housekeeping(session_factory, settings, NOW + 380 * DAY, force=True) == 1

    everything = await database_text(db)
    assert found_in(everything, MINE + MINE_WRITTEN_OTHERWISE) == []
    assert len(found_in(everything, OTHERS)) == len(OTHERS)  # nobody else lost anything
    assert await _attendance_totals(db) == before
    assert (await client.get(f"/api/v1/my/{mine}")).status_code == 404
    assert (await client.get(f"/api/v1/my/{other}")).status_code == 200
    erased = await db.scalar(select(Participant).where(Participant.erased_at.is_not(None)))
    events = list(await db.scalars(select(AuditEvent).where(AuditEvent.participant_id == erased.id)))
    assert {e.action for e in events} >= {"read", "attendance", "export", "erase"}
    assert all(set(e.fields) <= audit.AUDIT_FIELDS for e in events)


async def test_messages_of_another_registration_to_the_same_address_stay(client, db):
    """The same email for two programmes: erasing one leaves the other's messages and link."""
    await published_programme(db, "centering-pregnancy", "centering-one", city="Eindhoven")
    await published_programme(db, "triple-p-group", "triple-two", city="Eindhoven")
    first = await signed_up_token(client, db, "centering-one", 5, email="samen@example.org", due_date="2027-06-02")
    second = await signed_up_token(
        client, db, "triple-two", 6, email="samen@example.org", child_birth_date="2022-01-01"
    )
    keys_before = set(
        await db.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.to_address == "samen@example.org"))
    )
    assert len(keys_before) == 2
    assert (await client.delete(f"/api/v1/my/{first}")).status_code == 204
    kept = list(await db.scalars(select(OutboxMessage).where(OutboxMessage.to_address == "samen@example.org")))
    assert len(kept) == 1
    assert "triple" in kept[0].body_text.lower()
    assert (await client.get(f"/api/v1/my/{second}")).status_code == 200


async def test_audit_events_take_field_names_never_values(db):
    audit.record_audit(db, NOW, audit.DataUse("read", "registrations", ("email", "due_date")), [None])
    for value in ("evaline.qwertyzon@example.org", "Evaline", "2027-05-19", "note: called her"):
        with pytest.raises(ValueError, match="not in AUDIT_FIELDS; name fields, never values"):
            audit.record_audit(db, NOW, audit.DataUse("read", "registrations", (value,)), [None])
    with pytest.raises(ValueError, match="audit subject is a page or API name"):
        audit.record_audit(db, NOW, audit.DataUse("read", "called Evaline Q."), [None])
    with pytest.raises(ValueError, match="unknown audit action 'looked'"):
        audit.record_audit(db, NOW, audit.DataUse("looked", "registrations"), [None])


#: Columns that can hold text, a date or JSON and are NOT erased with a participant, with why
#: they cannot name one. Every other such column is erased with the person (see
#: privacy/services/rights.py) and is filled and searched by the test above. A new column must be
#: put in one of the two: this list, or the erasure.
NOT_A_PARTICIPANTS = {
    "account_tokens": "staff links, hashes only",
    "alembic_version": "the schema version",
    "attendance.absence_reason": "a word from a fixed list",
    "attendance.status": "a word from a fixed list",
    "attendance_signals.kind": "a word from a fixed list",
    "attendance_marks.id": "a random id (a UUID made on the phone)",
    "attendance_marks.value": "a word from a fixed list",
    "attendance_marks.reason": "a word from a fixed list (the register's reasons)",
    "attendance_marks.outcome": "a word from a fixed list",
    "absence_notices.reason": "a word from a fixed list (the register's reasons)",
    "absence_notices.via": "a word from a fixed list (page, link, sms)",
    "sms_replies.understood": "a word from a fixed list",
    "audit_events": "field names and fixed words only (record_audit refuses anything else)",
    "cohort_facilitators": "staff",
    "cohorts": "the group: its name, language, place, the due date it is built around (of many)",
    "guest_teacher_availability": "staff: the topics, weekdays and weeks a guest teacher gives",
    "constraints": "the programme's rules",
    "drop_in_pauses": "a series' pause: its days and why (holidays), like a meeting's cancel reason",
    "drop_in_series": "a drop-in series' days",
    "appointments.chosen_by": "a word from a fixed list (participant or staff); the person is an id",
    "rota_swaps.status": "a word from a fixed list",
    "feeds.language": "a language code",
    "feeds.subject_kind": "a word from a fixed list",
    "feeds.token_hash": "a hash; participants' feeds are deleted with them",
    "organisations": "the provider",
    "outbox_messages.channel": "email or sms",
    "outbox_messages.claim_token": "a random worker token",
    "outbox_messages.kind": "a word from a fixed list",
    "outbox_messages.language": "a language code",
    "participants.language": "a language code, counted in reports",
    "programme_templates": "the programme's plan",
    "programmes": "the programme",
    "rate_counters": "hashed keys of network addresses and accounts",
    "registration_events": "ids, counts and fixed words; the reason a meeting was cancelled is the meeting's",
    "registrations.consent_language": "a language code",
    "registrations.consent_version": "the version of the consent text",
    "registrations.language": "a language code, counted in reports",
    "registrations.place": "the town, counted in reports",
    "registrations.status": "a word from a fixed list",
    "registrations.reminder_channels": "a word from a fixed list (email, sms, both, none)",
    "recovery_codes": "staff second-factor recovery codes, hashes only",
    "reminders": "ids, a channel and a message name; what was sent is in outbox_messages",
    "roles": "staff",
    "school_classes": "a class and its mentor (staff)",
    "session_registers": "the theme and speaker of a meeting",
    "session_specs": "the programme's plan",
    "session_staff": "staff",
    "sessions": "the meeting: topic, time zone, cancel reason, status",
    "staff": "staff (their own account, not a participant's)",
    "staff_absences": "a staff member's own absence",
    "staff_availability": "staff",
    "staff_invitations": "invitations of staff (their address, name and roles), never of participants",
    "staff_sessions": "staff sign-ins, hashes only",
    "venue_closures": "the venue",
    "venue_openings": "the venue",
    "venues": "the venue",
    "api_clients": "an organisation's API clients: their name, scopes and a hash of the secret",
    "webhook_subscriptions": "an organisation's receivers: address, events, scopes, the secret encrypted",
    "webhook_deliveries.event_id": "a random id",
    "webhook_deliveries.event_type": "a word from a fixed list",
    "webhook_deliveries.last_error": "the kind of failure and the receiver's address, never a payload",
    "webhook_deliveries.claim_token": "a random worker token",
}
ERASED = {
    "participants.full_name",
    "participants.email",
    "participants.phone",
    "participants.postcode",
    "participants.due_date",
    "participants.child_birth_date",
    "registrations.contact_email",
    "registrations.contact_phone",
    "registrations.preferences",
    "registrations.support",
    "registrations.access_token_hash",
    "registration_links.token_hash",
    "attendance.note",
    "attendance_signals.handled_note",
    "absence_links.token_hash",
    "sms_replies.message_id",
    "sms_replies.from_phone",
    "sms_replies.text",
    "outbox_messages.to_address",
    "outbox_messages.subject",
    "outbox_messages.body_text",
    "outbox_messages.body_html",
    "outbox_messages.last_error",
    "outbox_messages.dedupe_key",
    "webhook_deliveries.payload",
}


async def test_every_column_that_can_hold_text_is_erased_or_cannot_name_a_participant(db):
    from sqlalchemy import JSON, Date, String, Text

    unplaced = []
    for table in await reflected_tables(db):
        for column in table.columns:
            kind = column.type
            if not isinstance(kind, String | Text | JSON | Date) or type(kind).__name__ in {"DATETIME", "TIMESTAMP"}:
                continue
            name = f"{table.name}.{column.name}"
            if name not in ERASED and name not in NOT_A_PARTICIPANTS and table.name not in NOT_A_PARTICIPANTS:
                unplaced.append(name)
    assert unplaced == [], f"say whether these are erased with a participant or cannot name one: {unplaced}"
