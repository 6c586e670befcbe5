"""Erasing one participant: erase_person, shared by the person's own request and the
worker's retention erasure (services.py), so both leave the same nothing.

What goes: name, email, phone, postcode, due date, child's birth date, the contact copies
on registrations, their answers, their messages with their delivery errors, their
calendar links and further private links, notes on their attendance, their drop-out signals with
the coordinator's notes, and any detail (due date, town, language) in webhook payloads about them.
What stays: the rows that reports count (registration status, language, town; attendance, came or
not) and the empty participant row, so counts and links stay whole.
Every other free-text column cannot name a participant (tests/integration/privacy/
test_erasure.py lists each with why); the audit record holds field names only.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.attendance.models import Attendance, AttendanceSignal
from groepsaanbod.audit.services import DataUse, record_audit
from groepsaanbod.calendars.models import Feed
from groepsaanbod.db import lock_row
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.participants.models import AbsenceLink, SmsReply
from groepsaanbod.programmes.models import Programme
from groepsaanbod.registration.models import Participant, Registration, RegistrationLink
from groepsaanbod.registration.services.registrations import end_registration
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.webhooks.events import is_basic
from groepsaanbod.webhooks.models import WebhookDelivery

log = logging.getLogger(__name__)

#: The registration a participant's message is about, as its dedupe key names it
#: ("registration:7:…", "session:3:…:registration:7", "reminder:…:registration:7", "private-link:7:…").
_KEY_REGISTRATION = re.compile(r"(?:^|:)(?:registration|private-link):(\d+)(?::|$)")


async def _delete_messages(
    session: AsyncSession, participant_id: int, contacts: set[str], registration_ids: set[int]
) -> None:
    """The person's messages: those sent to her (participant_id, whatever address they went to),
    and, for messages from before the outbox knew whose they were, those to her addresses except
    the ones about another person's registration (two people, or one person's two sign-ups, may
    share an address)."""
    await session.execute(delete(OutboxMessage).where(OutboxMessage.participant_id == participant_id))
    if not contacts:
        return
    rows = await session.execute(
        select(OutboxMessage.id, OutboxMessage.dedupe_key).where(
            OutboxMessage.to_address.in_(contacts), OutboxMessage.participant_id.is_(None)
        )
    )
    theirs = []
    for message_id, key in rows.all():
        about = {int(found) for found in _KEY_REGISTRATION.findall(key)}
        if not about or about & registration_ids:
            theirs.append(message_id)
    if theirs:
        await session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(theirs)))


async def _strip_webhook_payloads(
    session: AsyncSession, person_id: int, registration_ids: set[int], organisations: set[int]
) -> None:
    """Webhook payloads about her keep only ids, statuses and times: a subscriber with a detail
    scope got her due date or town, and the delivery log must not keep them once she is erased."""
    if not organisations:
        return
    rows = await session.execute(
        select(WebhookDelivery.id, WebhookDelivery.payload).where(WebhookDelivery.organisation_id.in_(organisations))
    )
    for delivery_id, payload in rows.all():
        body = json.loads(payload)
        data = body.get("data") or {}
        if data.get("registration_id") not in registration_ids and data.get("participant_id") != person_id:
            continue
        kept = {key: value for key, value in data.items() if is_basic(key)}
        if kept != data:
            body["data"] = kept
            await session.execute(
                update(WebhookDelivery).where(WebhookDelivery.id == delivery_id).values(payload=json.dumps(body))
            )


async def _erase_data(session: AsyncSession, person: Participant, now: datetime, reason: str) -> None:
    registrations = list(await session.scalars(select(Registration).where(Registration.participant_id == person.id)))
    contacts = {c for r in registrations for c in (r.contact_email, r.contact_phone) if c} | {
        c for c in (person.email, person.phone) if c
    }
    await _delete_messages(session, person.id, contacts, {r.id for r in registrations})
    # Messages about her registrations that carry no owner (to an address she has since changed).
    for r in registrations:
        await session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.dedupe_key.startswith(f"registration:{r.id}:", autoescape=True)
                | OutboxMessage.dedupe_key.startswith(f"private-link:{r.id}:", autoescape=True)
            )
        )
    await session.execute(
        delete(Feed).where(Feed.subject_kind == "participant", Feed.subject_id.in_([r.id for r in registrations]))
    )
    await session.execute(update(Attendance).where(Attendance.participant_id == person.id).values(note=None))
    # Further private links (sent when the person signed up again) stop with the data.
    await session.execute(
        delete(RegistrationLink).where(RegistrationLink.registration_id.in_([r.id for r in registrations]))
    )
    # A signal is work for a coordinator about this person, with their note of what they did:
    # nothing is counted from it, and a signal without a person is no work.
    await session.execute(delete(AttendanceSignal).where(AttendanceSignal.participant_id == person.id))
    # Her SMS replies (number and text) and her reminders' one-meeting links go with her.
    await session.execute(
        delete(SmsReply).where(or_(SmsReply.participant_id == person.id, SmsReply.from_phone.in_(contacts)))
    )
    await session.execute(delete(AbsenceLink).where(AbsenceLink.registration_id.in_([r.id for r in registrations])))
    for r in registrations:
        r.contact_email = r.contact_phone = None
        r.preferences = {}
        r.support = None
        r.access_token_hash = None
        r.access_revoked_at = r.access_revoked_at or now
        r.access_expires_at = None
    person.full_name = ""
    person.email = person.phone = person.postcode = None
    person.due_date = person.child_birth_date = None
    person.erased_at = now
    organisations = set(
        await session.scalars(
            select(Programme.organisation_id).where(Programme.id.in_([r.programme_id for r in registrations]))
        )
    )
    await _strip_webhook_payloads(session, person.id, {r.id for r in registrations}, organisations)
    for organisation_id in sorted(organisations):
        record_audit(session, now, DataUse("erase", reason), [person.id], organisation_id=organisation_id)
    await session.flush()
    log.info("participant erased", extra={"participant_id": person.id, "reason": reason})


async def erase_person(
    session: AsyncSession, participant_id: int, now: datetime, reason: str, *, ending: Collection[int] | None = None
) -> bool:
    """Erase one participant in the caller's transaction (begun with db.begin_writing; the
    caller commits). First the registrations in `ending` (None: every live one) are
    withdrawn as when the person stops, so their place and the waiting list move on and no
    nameless person waits for a group. False when someone erased them a moment ago."""
    await lock_row(session, Participant.__table__, participant_id)
    person = await session.scalar(
        select(Participant).where(Participant.id == participant_id).execution_options(populate_existing=True)
    )
    if person is None or person.erased_at is not None:
        return False
    live = await session.scalars(
        select(Registration.id)
        .where(Registration.participant_id == participant_id, Registration.status != RegistrationStatus.WITHDRAWN)
        .order_by(Registration.id)
    )
    for registration_id in list(live):
        if ending is None or registration_id in ending:
            await end_registration(session, registration_id, now)
    await _erase_data(session, person, now, reason)
    return True
