"""Offers with a deadline: a freed place is held for the first on the waiting list, who accepts it
from their private link (accept_offer) or lets it go (decline_offer); an offer nobody answered in
time goes to the next (expire_offers, run by the worker). Nobody is put into a group that may
already be under way without being asked.

People who lose their turn (declined, too late, or their group closed) wait for the next group of
their language and place (wait_for_next_group): they join the open one, or a new one starts by
itself once enough wait, as the first did.

Locks in the one order (db.lock_row): the programme, then the cohort, then registrations; every
change re-reads the registration under those locks, so an accept and an expiry at the same moment
give the place once.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.db import begin_writing, lock_row
from groepsaanbod.history.services import Subject, record
from groepsaanbod.i18n.text import pick
from groepsaanbod.messaging.services.queue import MessageContent
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate
from groepsaanbod.registration import errors
from groepsaanbod.registration.models import Registration
from groepsaanbod.registration.services.enrolment import Newcomer, start_cohort_when_enough
from groepsaanbod.registration.services.registrations import LATEST_PUBLISHED_VERSION, find_registration
from groepsaanbod.registration.services.sign_up_reads import lock_open_cohort, placement_in
from groepsaanbod.registration.services.waiting_list import offer_free_places, tell
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.webhooks.services.record import organisation_of_programme, record_event

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GroupWish:
    """Whom wait_for_next_group places: a programme's unplaced people of one language and place."""

    programme_id: int
    language: str
    place: str


async def wait_for_next_group(
    session: AsyncSession, registrations: Sequence[Registration], *, now: datetime, base_url: str
) -> None:
    """These people (of one programme) lose their turn in their group, and are told: they wait for
    the next group of their language and place, and are placed in it now if one is open or enough
    wait for a new one. The caller holds the programme's lock (and may hold their cohort's)."""
    wishes: set[GroupWish] = set()
    for registration in registrations:
        programme = await session.get_one(Programme, registration.programme_id)
        await tell(
            session,
            registration,
            MessageContent(
                "waiting_for_next_group", {"programme": pick(programme.name, registration.participant.language)}
            ),
            now=now,
            key=registration.cohort_id,
        )
        registration.cohort_id, registration.status = None, RegistrationStatus.PENDING
        registration.waitlist_position, registration.offered_until, registration.confirmed_at = None, None, None
        wishes.add(GroupWish(registration.programme_id, registration.language, registration.place))
    await session.flush()
    for wish in sorted(wishes, key=lambda w: (w.language, w.place)):
        await place_waiting(session, wish, now=now, base_url=base_url)


async def place_waiting(
    session: AsyncSession, wish: GroupWish, *, now: datetime, base_url: str, into_open: bool = True
) -> None:
    """Place the unplaced people of a language and place: in the open group if there is one (up to
    its size, then its waiting list; not `into_open`: they stay for the group after it), else in a
    new group once enough wait. Caller holds the programme's lock."""
    programme = await session.get_one(
        Programme, wish.programme_id, options=[selectinload(Programme.venues)], populate_existing=True
    )
    template = await session.scalar(
        select(ProgrammeTemplate).where(
            ProgrammeTemplate.programme_id == programme.id, ProgrammeTemplate.version == LATEST_PUBLISHED_VERSION
        )
    )
    if template is None:
        return
    open_cohort = await lock_open_cohort(session, programme.id, wish.language, wish.place)
    if open_cohort is None:
        await start_cohort_when_enough(
            session,
            programme=programme,
            template=template,
            newcomer=Newcomer(0, wish.language, wish.place),
            now=now,
            base_url=base_url,
        )
        return
    if not into_open:
        return
    waiting = await session.scalars(
        select(Registration)
        .options(selectinload(Registration.participant))
        .where(
            Registration.programme_id == programme.id,
            Registration.cohort_id.is_(None),
            Registration.status == RegistrationStatus.PENDING,
            Registration.language == wish.language,
            Registration.place == wish.place,
        )
        .order_by(Registration.id)
    )
    # The group's own template version decides its size (a later plan change does not touch it).
    max_size = await session.scalar(
        select(ProgrammeTemplate.max_group_size)
        .join(Cohort, Cohort.template_id == ProgrammeTemplate.id)
        .where(Cohort.id == open_cohort.id)
    )
    for registration in list(waiting):
        placement = await placement_in(session, open_cohort.id, max_size or template.max_group_size)
        registration.cohort_id, registration.status = open_cohort.id, placement.status
        registration.waitlist_position = placement.waitlist_position
        if placement.status == RegistrationStatus.CONFIRMED:
            registration.confirmed_at = now
        await session.flush()
        kind = "cohort_confirmed" if placement.status == RegistrationStatus.CONFIRMED else "cohort_waitlisted"
        await tell(
            session,
            registration,
            MessageContent(
                kind,
                {
                    "programme": pick(programme.name, registration.participant.language),
                    "group": open_cohort.name,
                    "position": placement.waitlist_position,
                },
            ),
            now=now,
            key=open_cohort.id,
        )
        record(
            session,
            now,
            Subject(programme.id, registration_id=registration.id, cohort_id=open_cohort.id),
            "placed",
            status=placement.status,
        )
        await record_event(
            session,
            programme.organisation_id,
            "registration.placed",
            {
                "registration_id": registration.id,
                "cohort_id": open_cohort.id,
                "programme_id": programme.id,
                "status": placement.status,
            },
            now,
        )


async def _locked_offer(session: AsyncSession, token: str, now: datetime) -> Registration:
    """The registration behind the link as it is once its programme's and cohort's locks are held."""
    await begin_writing(session)
    found = await find_registration(session, token, now)
    await lock_row(session, Programme.__table__, found.programme_id)
    if found.cohort_id is not None:
        await lock_row(session, Cohort.__table__, found.cohort_id)
    return await find_registration(session, token, now)  # re-read under the locks


async def accept_offer(session: AsyncSession, token: str, now: datetime) -> Registration:
    """Take the offered place. Refused (in the person's language) when there is no open offer:
    it was answered already, or its time has passed and it went to the next."""
    registration = await _locked_offer(session, token, now)
    until = registration.offered_until
    if registration.status != RegistrationStatus.OFFERED or until is None or until <= now:
        await session.rollback()
        raise errors.RegistrationRefused.single("offer", errors.NO_OPEN_OFFER)
    registration.status, registration.confirmed_at, registration.offered_until = RegistrationStatus.CONFIRMED, now, None
    record(
        session,
        now,
        Subject(registration.programme_id, registration_id=registration.id, cohort_id=registration.cohort_id),
        "offer_accepted",
    )
    await record_event(
        session,
        await organisation_of_programme(session, registration.programme_id),
        "registration.placed",
        {
            "registration_id": registration.id,
            "cohort_id": registration.cohort_id,
            "programme_id": registration.programme_id,
            "status": registration.status,
        },
        now,
    )
    await session.commit()
    log.info("offer accepted", extra={"registration_id": registration.id})
    return registration


async def decline_offer(session: AsyncSession, token: str, now: datetime, base_url: str) -> Registration:
    """Let the offered place go: it goes to the next on the waiting list, and the person waits for
    the next group. Refused when there is no open offer."""
    registration = await _locked_offer(session, token, now)
    if registration.status != RegistrationStatus.OFFERED:
        await session.rollback()
        raise errors.RegistrationRefused.single("offer", errors.NO_OPEN_OFFER)
    await _pass_on(session, registration, now=now, base_url=base_url, why="offer_declined")
    await session.commit()
    log.info("offer declined", extra={"registration_id": registration.id})
    return registration


async def _pass_on(
    session: AsyncSession, registration: Registration, *, now: datetime, base_url: str, why: str
) -> None:
    """The offer ends unanswered or declined: the place goes to the next on the waiting list; the
    person waits for a later group (not this one again). Caller holds the programme's and the
    cohort's locks."""
    cohort_id = registration.cohort_id
    record(session, now, Subject(registration.programme_id, registration_id=registration.id, cohort_id=cohort_id), why)
    registration.cohort_id, registration.status = None, RegistrationStatus.PENDING
    registration.offered_until, registration.confirmed_at = None, None
    await session.flush()
    if cohort_id is not None:
        cohort = await session.get_one(Cohort, cohort_id)
        template = await session.get_one(ProgrammeTemplate, cohort.template_id)
        programme = await session.get_one(Programme, cohort.programme_id)
        await offer_free_places(session, cohort, template=template, now=now, programme_name=programme.name)
    wish = GroupWish(registration.programme_id, registration.language, registration.place)
    await place_waiting(session, wish, now=now, base_url=base_url, into_open=False)


async def expire_offers(session: AsyncSession, now: datetime, base_url: str) -> int:
    """Pass on every offer whose time has passed (the worker); one transaction per offer, so a
    person accepting at the same moment waits for it or it for them. The number passed on."""
    due = list(
        await session.scalars(
            select(Registration.id)
            .where(Registration.status == RegistrationStatus.OFFERED, Registration.offered_until <= now)
            .order_by(Registration.offered_until)
        )
    )
    await session.rollback()
    passed = 0
    for registration_id in due:
        await begin_writing(session)
        programme_id = await session.scalar(select(Registration.programme_id).where(Registration.id == registration_id))
        if programme_id is None:
            await session.rollback()
            continue
        await lock_row(session, Programme.__table__, programme_id)
        cohort_id = await session.scalar(select(Registration.cohort_id).where(Registration.id == registration_id))
        if cohort_id is not None:
            await lock_row(session, Cohort.__table__, cohort_id)
        registration = await session.scalar(
            select(Registration)
            .options(selectinload(Registration.participant))
            .where(Registration.id == registration_id)
            .execution_options(populate_existing=True)
        )
        until = registration.offered_until if registration else None
        if registration is None or registration.status != RegistrationStatus.OFFERED or until is None or until > now:
            await session.rollback()
            continue
        programme = await session.get_one(Programme, programme_id)
        await tell(
            session,
            registration,
            MessageContent("offer_expired", {"programme": pick(programme.name, registration.participant.language)}),
            now=now,
            key=until.isoformat(),
        )
        await _pass_on(session, registration, now=now, base_url=base_url, why="offer_expired")
        await session.commit()
        passed += 1
    if passed:
        log.info("offers passed on", extra={"count": passed})
    return passed
