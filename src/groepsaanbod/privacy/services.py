"""Use cases of the AVG: export_participant_data, erase_participant,
erase_expired_participants.

Erasure removes everything that names or reaches the person (name, email, phone,
postcode, due date, child's birth date, the contact copies on registrations,
their answers, their messages, their calendar links and private links, notes on their attendance)
and keeps the rows that reports count: the registration (status, language, town)
and attendance (came or not). The participant row stays, empty, so counts and
links between rows stay whole.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from groepsaanbod.attendance.models import Attendance
from groepsaanbod.audit.services import PERSONAL_FIELDS, record_audit
from groepsaanbod.calendars.models import Feed
from groepsaanbod.i18n.text import pick
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.privacy.retention import RegistrationFacts, is_due
from groepsaanbod.programmes.models import Programme
from groepsaanbod.registration.models import Participant, Registration, RegistrationLink
from groepsaanbod.registration.services import find_registration, withdraw_registration
from groepsaanbod.scheduling.models import Cohort, Session

log = logging.getLogger(__name__)


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


async def export_participant_data(session: AsyncSession, token: str, now: datetime) -> dict[str, Any]:
    """Everything we keep about the person behind a private link, as plain data."""
    registration = await find_registration(session, token, now)
    person = registration.participant
    registrations = list(
        await session.scalars(
            select(Registration)
            .options(selectinload(Registration.programme))
            .where(Registration.participant_id == person.id)
            .order_by(Registration.id)
        )
    )
    out_regs = []
    for r in registrations:
        cohort = await session.get(Cohort, r.cohort_id) if r.cohort_id else None
        attended = list(
            await session.execute(
                select(Session.starts_at, Attendance.status)
                .join(Attendance, Attendance.session_id == Session.id)
                .where(Attendance.participant_id == person.id, Session.programme_id == r.programme_id)
                .order_by(Session.starts_at)
            )
        )
        out_regs.append(
            {
                "programme": pick(r.programme.name, r.language),
                "status": r.status,
                "group": cohort.name if cohort else None,
                "language": r.language,
                "place": r.place,
                "preferences": r.preferences,
                "registered_at": _day(r.created_at),
                "consent": {
                    "given_at": _day(r.consented_at),
                    "text_version": r.consent_version,
                    "language": r.consent_language,
                },
                "confirmed_at": _day(r.confirmed_at),
                "withdrawn_at": _day(r.withdrawn_at),
                "link_valid_until": _day(r.access_expires_at),
                "attendance": [{"meeting": _day(start), "status": status} for start, status in attended],
            }
        )
    record_audit(
        session, now, "export", "private_page", [person.id], organisation_id=registration.programme.organisation_id
    )
    await session.commit()
    log.info("participant data exported", extra={"participant_id": person.id})
    return {
        "person": {
            "name": person.full_name,
            "email": person.email,
            "phone": person.phone,
            "language": person.language,
            "postcode": person.postcode,
            "due_date": _day(person.due_date),
            "child_birth_date": _day(person.child_birth_date),
        },
        "registrations": out_regs,
        "exported_at": _day(now),
    }


async def _erase(session: AsyncSession, person: Participant, now: datetime, reason: str) -> None:
    registrations = list(await session.scalars(select(Registration).where(Registration.participant_id == person.id)))
    contacts = {c for r in registrations for c in (r.contact_email, r.contact_phone) if c} | {
        c for c in (person.email, person.phone) if c
    }
    if contacts:
        await session.execute(delete(OutboxMessage).where(OutboxMessage.to_address.in_(contacts)))
    await session.execute(
        delete(Feed).where(Feed.subject_kind == "participant", Feed.subject_id.in_([r.id for r in registrations]))
    )
    await session.execute(update(Attendance).where(Attendance.participant_id == person.id).values(note=None))
    await session.execute(
        delete(RegistrationLink).where(RegistrationLink.registration_id.in_([r.id for r in registrations]))
    )
    for r in registrations:
        r.contact_email = r.contact_phone = None
        r.preferences = {}
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
    for organisation_id in sorted(organisations):
        record_audit(session, now, "erase", reason, [person.id], organisation_id=organisation_id)
    await session.flush()
    log.info("participant erased", extra={"participant_id": person.id, "reason": reason})


async def erase_participant(session: AsyncSession, token: str, now: datetime) -> None:
    """The person asked: withdraw (their place goes to the waiting list), then erase."""
    registration = await find_registration(session, token, now)
    person_id = registration.participant_id
    if registration.status != "withdrawn":
        await withdraw_registration(session, token, now)
    others = list(
        await session.scalars(
            select(Registration).where(Registration.participant_id == person_id, Registration.status != "withdrawn")
        )
    )
    for other in others:  # the same person's other live registrations end too
        other.status, other.withdrawn_at, other.waitlist_position = "withdrawn", now, None
    person = await session.get(Participant, person_id)
    await _erase(session, person, now, "participant_request")
    await session.commit()


async def erase_expired_participants(session: AsyncSession, now: datetime, months: int) -> int:
    """Erase everyone whose data is no longer needed (see privacy/retention.py); the count."""
    last_meeting = (
        select(Session.cohort_id, func.max(Session.starts_at).label("last")).group_by(Session.cohort_id).subquery()
    )
    rows = (
        await session.execute(
            select(Registration.participant_id, Registration.status, Registration.withdrawn_at, last_meeting.c.last)
            .join(Participant, Participant.id == Registration.participant_id)
            .outerjoin(last_meeting, last_meeting.c.cohort_id == Registration.cohort_id)
            .where(
                Participant.erased_at.is_(None),
                or_(Registration.status == "withdrawn", last_meeting.c.last.isnot(None)),
            )
        )
    ).all()
    candidates = {row.participant_id for row in rows}
    erased = 0
    for participant_id in sorted(candidates):
        facts = [
            RegistrationFacts(status, withdrawn_at, last)
            for status, withdrawn_at, last in (
                await session.execute(
                    select(Registration.status, Registration.withdrawn_at, last_meeting.c.last)
                    .outerjoin(last_meeting, last_meeting.c.cohort_id == Registration.cohort_id)
                    .where(Registration.participant_id == participant_id)
                )
            ).all()
        ]
        if is_due(facts, months, now):
            person = await session.get(Participant, participant_id)
            await _erase(session, person, now, "retention")
            erased += 1
    await session.commit()
    if erased:
        log.info("participants erased after the retention time", extra={"erased": erased})
    return erased


__all__ = ["PERSONAL_FIELDS", "erase_expired_participants", "erase_participant", "export_participant_data"]
