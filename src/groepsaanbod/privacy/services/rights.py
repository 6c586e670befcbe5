"""Use cases of the AVG: export_participant_data, erase_participant,
erase_expired_participants. Both erasures go through erasure.erase_person; when data is
due to go is decided by retention.py (pure) from the facts read here.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from groepsaanbod.attendance.models import Attendance
from groepsaanbod.audit.services import PERSONAL_FIELDS, DataUse, record_audit
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.db import begin_writing
from groepsaanbod.history.models import RegistrationEvent
from groepsaanbod.i18n.text import pick
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.privacy.retention import (
    WAITING_MONTHS,
    RegistrationFacts,
    add_months_to_date,
    is_due,
    is_waiting,
)
from groepsaanbod.privacy.services.erasure import erase_person
from groepsaanbod.programmes.models import ProgrammeTemplate
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.registration.services.registrations import find_registration
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.scheduling.models import Session

log = logging.getLogger(__name__)
#: A registration that still waits for a group or for a place in one.
_WAITING = (RegistrationStatus.PENDING, RegistrationStatus.WAITLISTED, RegistrationStatus.OFFERED)


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


async def _messages_to(session: AsyncSession, participant_id: int) -> list[dict[str, Any]]:
    """What we sent her (or will send: sent_at is None until it went), oldest first."""
    rows = await session.execute(
        select(
            OutboxMessage.kind,
            OutboxMessage.channel,
            OutboxMessage.to_address,
            OutboxMessage.language,
            OutboxMessage.subject,
            OutboxMessage.body_text,
            OutboxMessage.created_at,
            OutboxMessage.sent_at,
        )
        .where(OutboxMessage.participant_id == participant_id)
        .order_by(OutboxMessage.id)
    )
    return [
        {
            "kind": row.kind,
            "channel": row.channel,
            "to": row.to_address,
            "language": row.language,
            "subject": row.subject,
            "body_text": row.body_text,
            "created_at": _day(row.created_at),
            "sent_at": _day(row.sent_at),
        }
        for row in rows.all()
    ]


async def export_participant_data(session: AsyncSession, token: str, now: datetime) -> dict[str, Any]:
    """Everything we keep about the person behind a private link, as plain data: her details (with
    the language she reads), her registrations (with the language of each group) and the messages
    we sent her."""
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
                "programme": pick(r.programme.name, person.language),
                "status": r.status,
                "group": cohort.name if cohort else None,
                # She reads one language (her messages are in it); her group speaks another, or the same.
                "language": person.language,
                "group_language": r.language,
                "place": r.place,
                "preferences": r.preferences,
                "support": r.support,
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
        session,
        now,
        DataUse("export", "private_page"),
        [person.id],
        organisation_id=registration.programme.organisation_id,
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
        "messages": await _messages_to(session, person.id),
        "exported_at": _day(now),
    }


async def erase_participant(session: AsyncSession, token: str, now: datetime) -> None:
    """The person asked (also after they stopped): every live registration of theirs is
    withdrawn (their places go to the waiting lists), then their data is erased."""
    registration = await find_registration(session, token, now)
    person_id = registration.participant_id
    await begin_writing(session)
    await erase_person(session, person_id, now, "participant_request")
    await session.commit()


_LAST_MEETING = (
    select(Session.cohort_id, func.max(Session.starts_at).label("last"))
    .where(Session.cohort_id.is_not(None))
    .group_by(Session.cohort_id)
    .subquery()
)
_LAST_EVENT = (
    select(RegistrationEvent.registration_id, func.max(RegistrationEvent.at).label("at"))
    .where(RegistrationEvent.registration_id.is_not(None))
    .group_by(RegistrationEvent.registration_id)
    .subquery()
)


async def _upper_ages(session: AsyncSession) -> dict[int, int]:
    """Per programme, the child's age in months up to which it is for (latest template version)."""
    ages: dict[int, int] = {}
    rows = await session.execute(
        select(ProgrammeTemplate.programme_id, ProgrammeTemplate.rules).order_by(ProgrammeTemplate.version)
    )
    for programme_id, rules in rows.all():
        span = (rules or {}).get("child_age_months")
        if span:
            ages[programme_id] = int(span[1])
        else:
            ages.pop(programme_id, None)
    return ages


async def retention_facts(
    session: AsyncSession, participant_id: int | None = None
) -> dict[int, list[tuple[int, RegistrationFacts]]]:
    """Per participant not yet erased, each registration's id and facts, from one query."""
    query = (
        select(
            Registration.id,
            Registration.participant_id,
            Registration.programme_id,
            Registration.status,
            Registration.withdrawn_at,
            Registration.consented_at,
            Registration.confirmed_at,
            Registration.created_at,
            _LAST_MEETING.c.last,
            _LAST_EVENT.c.at,
            Participant.due_date,
            Participant.child_birth_date,
        )
        .join(Participant, Participant.id == Registration.participant_id)
        .outerjoin(_LAST_MEETING, _LAST_MEETING.c.cohort_id == Registration.cohort_id)
        .outerjoin(_LAST_EVENT, _LAST_EVENT.c.registration_id == Registration.id)
        .where(Participant.erased_at.is_(None))
    )
    if participant_id is not None:
        query = query.where(Registration.participant_id == participant_id)
    ages = await _upper_ages(session)
    facts: dict[int, list[tuple[int, RegistrationFacts]]] = {}
    for row in (await session.execute(query)).all():
        changes = [m for m in (row.consented_at, row.confirmed_at, row.at) if m is not None]
        upper = ages.get(row.programme_id)
        outgrown = (
            add_months_to_date(row.child_birth_date, upper)
            if row.child_birth_date is not None and upper is not None
            else None
        )
        facts.setdefault(row.participant_id, []).append(
            (
                row.id,
                RegistrationFacts(
                    status=row.status,
                    withdrawn_at=row.withdrawn_at,
                    last_meeting=row.last,
                    last_activity=max(changes) if changes else row.created_at,
                    due_date=row.due_date,
                    outgrown_on=outgrown,
                ),
            )
        )
    return facts


async def erase_expired_participants(
    session: AsyncSession, now: datetime, months: int, waiting_months: int = WAITING_MONTHS
) -> int:
    """Erase everyone whose data is no longer needed (see privacy/retention.py); the count.
    Each person in a transaction of their own, checked again under their lock."""
    every = await retention_facts(session)
    due = sorted(pid for pid, rows in every.items() if is_due([f for _, f in rows], months, now, waiting_months))
    await session.commit()
    erased = 0
    for participant_id in due:
        await begin_writing(session)
        rows = (await retention_facts(session, participant_id)).get(participant_id, [])
        if is_due([f for _, f in rows], months, now, waiting_months):
            # Still waiting for a group: withdrawn too. Members of a group that met stay counted.
            ending = {rid for rid, f in rows if f.status in _WAITING or is_waiting(f)}
            if await erase_person(session, participant_id, now, "retention", ending=ending):
                erased += 1
        await session.commit()
    if erased:
        log.info("participants erased after the retention time", extra={"erased": erased})
    return erased


__all__ = ["PERSONAL_FIELDS", "erase_expired_participants", "erase_participant", "export_participant_data"]
