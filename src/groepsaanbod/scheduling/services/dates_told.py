"""Telling each member that her group's dates are set or changed: tell_group_dates.

One message per confirmed member per change (not one per meeting), with every coming meeting
(day, time, place), a further private link to her page and her calendar file, in the language
she reads (Participant.language). Only hashes of private links are stored, so the message
carries a further link, as the appointment notices do; the link she has keeps working.

Planning the same dates again tells nobody again: the message's dedupe key holds a digest of the
dates, and a member whose latest dates message had that digest is skipped. A later change
(other dates) makes a new message. A single meeting moved or cancelled is told by its own notice
(session_moved, session_cancelled), not by this one.

The worker's step tell_new_members_dates tells a member who joins a group that has its dates
already (an accepted offer, the waiting list, a coordinator's assignment; these sit below
scheduling and cannot call tell_group_dates), or whose group was planned before she was
confirmed. One query finds them; a drop-in series (Kids & Koffie) is left out: its weekly
top-ups tell nobody.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, String, and_, cast, exists, literal, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.i18n.text import pick
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.messaging.services.queue import MessageContent, queue_message
from groepsaanbod.organisations.models import Venue
from groepsaanbod.programmes.models import Programme
from groepsaanbod.registration.models import Participant, Registration, RegistrationLink
from groepsaanbod.registration.services.recipients import participant_recipient
from groepsaanbod.registration.services.registrations import PrivateLinks, token_hash
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.scheduling.models import SeriesPlan, Session
from groepsaanbod.scheduling.status import SessionStatus

log = logging.getLogger(__name__)
KIND = "group_dates"
LATE_JOINER = "late_joiner_added"


@dataclass(frozen=True)
class Meeting:
    """One coming meeting as the message shows it."""

    starts_at: datetime
    timezone: str
    place: str


async def coming_meetings(session: AsyncSession, cohort_id: int, now: datetime) -> list[Meeting]:
    rows = list(
        await session.scalars(
            select(Session)
            .where(Session.cohort_id == cohort_id, Session.status == SessionStatus.PLANNED, Session.starts_at > now)
            .order_by(Session.starts_at)
        )
    )
    venues = {v.id: v for v in await session.scalars(select(Venue).where(Venue.id.in_({s.venue_id for s in rows})))}
    meetings = []
    for s in rows:
        venue = venues.get(s.venue_id) if s.venue_id else None
        place = f"{venue.name}, {venue.street}, {venue.postcode} {venue.city}" if venue else ""
        meetings.append(Meeting(s.starts_at, s.timezone, place))
    return meetings


def dates_digest(meetings: list[Meeting]) -> str:
    """The same dates, times and places give the same digest."""
    text = "|".join(f"{m.starts_at.isoformat()}@{m.place}" for m in meetings)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


async def _told_already(session: AsyncSession, registration_id: int, digest: str) -> tuple[bool, int]:
    """Whether her latest dates message had these dates, and how many she had."""
    keys = list(
        await session.scalars(
            select(OutboxMessage.dedupe_key)
            .where(OutboxMessage.dedupe_key.like(f"{KIND}:{registration_id}:%"))
            .order_by(OutboxMessage.id)
        )
    )
    return (bool(keys) and keys[-1].endswith(f":{digest}")), len(keys)


async def tell_group_dates(
    session: AsyncSession,
    cohort_id: int,
    *,
    now: datetime,
    links: PrivateLinks | None,
    only: int | None = None,
) -> int:
    """Queue the dates message to each confirmed member (or only registration `only`) whose
    latest one showed other dates; in the caller's transaction. Returns how many were queued."""
    meetings = await coming_meetings(session, cohort_id, now)
    if not meetings:
        return 0
    cohort = await session.get_one(Cohort, cohort_id)
    programme = await session.get_one(Programme, cohort.programme_id)
    digest = dates_digest(meetings)
    members = select(Registration).where(
        Registration.cohort_id == cohort_id, Registration.status == RegistrationStatus.CONFIRMED
    )
    if only is not None:
        members = members.where(Registration.id == only)
    told = 0
    for registration in await session.scalars(members.options(selectinload(Registration.participant))):
        same, count = await _told_already(session, registration.id, digest)
        if same:
            continue
        participant = registration.participant
        recipient = participant_recipient(participant)
        token = secrets.token_urlsafe(32) if links is not None else None
        message = await queue_message(
            session,
            recipient,
            MessageContent(
                KIND,
                {
                    "name": participant.full_name,
                    "programme": pick(programme.name, recipient.language),
                    "group": cohort.name,
                    "meetings": meetings,
                    "link": links.to(recipient.language, token) if links and token else None,
                    "calendar": f"{links.base_url}/api/v1/my/{token}/calendar.ics" if links and token else None,
                },
            ),
            dedupe_key=f"{KIND}:{registration.id}:{count + 1}:{digest}",
            organisation_id=programme.organisation_id,
            now=now,
        )
        if message is None:
            continue
        if links is not None and token is not None:
            session.add(
                RegistrationLink(
                    registration_id=registration.id,
                    token_hash=token_hash(token),
                    created_at=now,
                    expires_at=links.expires(now),
                )
            )
        told += 1
    if told:
        log.info("group dates told", extra={"cohort_id": cohort_id, "members": told})
    return told


#: How many members one round of the worker tells at most (the rest the next round).
BATCH = 100
#: How often a worker looks (a process remembers when it last did).
EVERY = timedelta(minutes=1)
_last_run: dict[str, datetime] = {}


def untold_members(now: datetime, batch: int = BATCH) -> Select[int, int | None]:
    """(registration, group) of confirmed members whom a message can reach, in a group (not a
    drop-in series) with a coming planned meeting, who never had a dates message (nor a late
    joiner's welcome, which lists the meetings)."""
    coming = exists().where(
        Session.cohort_id == Registration.cohort_id, Session.status == SessionStatus.PLANNED, Session.starts_at > now
    )
    series = exists().where(SeriesPlan.cohort_id == Registration.cohort_id)
    registration = cast(Registration.id, String)
    told = exists().where(
        OutboxMessage.participant_id == Registration.participant_id,  # indexed: a few rows per person
        OutboxMessage.kind.in_((KIND, LATE_JOINER)),
        or_(
            OutboxMessage.dedupe_key.like(literal(f"{KIND}:") + registration + literal(":%")),
            # A late joiner's welcome (late_joiners.py) lists the meetings already.
            OutboxMessage.dedupe_key.like(literal("registration:") + registration + literal(":late_joiner:%")),
        ),
    )
    reachable = or_(
        Participant.email.is_not(None), and_(Participant.phone.is_not(None), Participant.sms_stopped_at.is_(None))
    )
    return (
        select(Registration.id, Registration.cohort_id)
        .join(Participant, Participant.id == Registration.participant_id)
        .where(
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.cohort_id.is_not(None),
            coming,
            ~series,
            ~told,
            reachable,
        )
        .order_by(Registration.id)
        .limit(batch)
    )


async def tell_new_members_dates(
    factory: async_sessionmaker[AsyncSession], now: datetime, links: PrivateLinks, *, force: bool = False
) -> int:
    """The worker's step: tell each member who joined a group with dates already set (or whose
    group was planned before she was confirmed) its dates, once. Safe beside another worker:
    the message's dedupe key is unique, and the one that comes second rolls back."""
    last = _last_run.get("new_members_dates")
    if not force and last is not None and now - last < EVERY:
        return 0
    _last_run["new_members_dates"] = now
    async with factory() as session:
        found = [(r, c) for r, c in (await session.execute(untold_members(now))).all() if c is not None]
    told = 0
    for registration_id, cohort_id in found:
        async with factory() as session:
            try:
                queued = await tell_group_dates(session, cohort_id, now=now, links=links, only=registration_id)
                await session.commit()
                told += queued
            except IntegrityError:
                await session.rollback()  # another worker told her a moment ago
    if told:
        log.info("group dates told to new members", extra={"members": told})
    return told
