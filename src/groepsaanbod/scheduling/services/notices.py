"""Telling people about a meeting that changed, each in their own language: its staff, its
confirmed members and, for a class's lesson, its school's contact (notify_session), or the
coordinators when it is at risk (alert_coordinators)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from groepsaanbod.accounts.models import Role, Staff
from groepsaanbod.i18n.text import pick
from groepsaanbod.i18n.translations import render_message
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.messaging.services.queue import MessageContent, Recipient, queue_message
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.registration.models import Registration
from groepsaanbod.registration.services.recipients import participant_recipient
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.scheduling.constraints import Violation
from groepsaanbod.scheduling.models import SessionStaff
from groepsaanbod.scheduling.services.context import MeetingContext


async def notify_session(
    session: AsyncSession, about: MeetingContext, kind: str, *, now: datetime, **context: object
) -> int:
    """Tell everyone of a meeting, each in their own language: its staff and its confirmed members."""
    s, cohort, programme = about.meeting, about.cohort, about.programme
    told = 0
    for person in await session.scalars(
        select(Staff).where(Staff.id.in_(select(SessionStaff.staff_id).where(SessionStaff.session_id == s.id)))
    ):
        await queue_message(
            session,
            Recipient(person.language, person.email, None),
            MessageContent(
                kind,
                {
                    "name": person.full_name,
                    "programme": pick(programme.name, person.language),
                    "group": cohort.name if cohort else "",
                    "starts_at": s.starts_at,
                    "timezone": s.timezone,
                    **context,
                },
            ),
            dedupe_key=f"session:{s.id}:{kind}:{s.sequence}:staff:{person.id}",
            organisation_id=programme.organisation_id,
            now=now,
        )
        told += 1
    if cohort is not None:
        for registration in await session.scalars(
            select(Registration)
            .options(selectinload(Registration.participant))
            .where(Registration.cohort_id == cohort.id, Registration.status == RegistrationStatus.CONFIRMED)
        ):
            participant = registration.participant
            await queue_message(
                session,
                participant_recipient(participant),
                MessageContent(
                    kind,
                    {
                        "name": participant.full_name,
                        "programme": pick(programme.name, participant.language),
                        "group": cohort.name,
                        "starts_at": s.starts_at,
                        "timezone": s.timezone,
                        **context,
                    },
                ),
                dedupe_key=f"session:{s.id}:{kind}:{s.sequence}:registration:{registration.id}",
                organisation_id=programme.organisation_id,
                now=now,
            )
            told += 1
        told += await _tell_school(session, about, kind, now=now, **context)
    return told


async def _tell_school(
    session: AsyncSession, about: MeetingContext, kind: str, *, now: datetime, **context: object
) -> int:
    """A class's lesson that changed is news for its school too: its contact person hears it (in Dutch,
    the school's language), when the school gave one."""
    s, cohort, programme = about.meeting, about.cohort, about.programme
    if cohort is None or cohort.school_class_id is None:
        return 0
    school = await session.get_one(Organisation, programme.organisation_id)
    if not school.contact_email:
        return 0
    await queue_message(
        session,
        Recipient("nl", school.contact_email, None),
        MessageContent(
            kind,
            {
                "name": school.name,
                "programme": pick(programme.name, "nl"),
                "group": cohort.name,
                "starts_at": s.starts_at,
                "timezone": s.timezone,
                **context,
            },
        ),
        dedupe_key=f"session:{s.id}:{kind}:{s.sequence}:school:{school.id}",
        organisation_id=programme.organisation_id,
        now=now,
    )
    return 1


async def alert_coordinators(
    session: AsyncSession, about: MeetingContext, violations: tuple[Violation, ...], *, now: datetime
) -> None:
    """Tell the organisation's coordinators and admins what a meeting breaks, once per state of the meeting."""
    s, cohort, programme = about.meeting, about.cohort, about.programme
    coordinators = list(
        await session.scalars(
            select(Staff).where(
                Staff.active.is_(True),
                Staff.id.in_(
                    select(Role.staff_id).where(
                        Role.organisation_id == programme.organisation_id, Role.role.in_(("coordinator", "admin"))
                    )
                ),
            )
        )
    )
    keys = {person.id: f"session:{s.id}:at_risk:{s.sequence}:{person.id}" for person in coordinators}
    # Told already about this state of the meeting (a second closure over it, say): once is enough.
    told = set(
        await session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys.values())))
    )
    for person in coordinators:
        key = keys[person.id]
        if key in told:
            continue
        problems = [render_message(person.language, v.message) for v in violations]
        await queue_message(
            session,
            Recipient(person.language, person.email, None),
            MessageContent(
                "session_at_risk",
                {
                    "name": person.full_name,
                    "programme": pick(programme.name, person.language),
                    "group": cohort.name if cohort else "",
                    "starts_at": s.starts_at,
                    "timezone": s.timezone,
                    "number": s.number,
                    "problems": problems,
                },
            ),
            dedupe_key=key,
            organisation_id=programme.organisation_id,
            now=now,
        )
