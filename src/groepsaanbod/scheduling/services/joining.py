"""An open group closes for joining by itself (the worker's close_groups_due): once the meeting
from which the template says nobody joins any more has started (rules.joinable_until_meeting, e.g.
2: people join before meeting 2), or its last meeting when the template does not say. Here, and
not in cohorts, because the meetings are scheduling's; the closing itself is cohorts' close_group."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.cohorts.services.lifecycle import Change, close_group
from groepsaanbod.programmes.models import ProgrammeTemplate
from groepsaanbod.programmes.templates import Formation
from groepsaanbod.refusals import NotFound, Refused
from groepsaanbod.registration.services.offers import expire_offers
from groepsaanbod.scheduling.models import Session
from groepsaanbod.scheduling.status import SessionStatus

log = logging.getLogger(__name__)


async def groups_to_close(session: AsyncSession, now: datetime) -> list[int]:
    """Open groups (taking new people) whose last joining meeting has started."""
    rows = (
        await session.execute(
            select(Cohort.id, ProgrammeTemplate.rules)
            .join(ProgrammeTemplate, ProgrammeTemplate.id == Cohort.template_id)
            .where(Cohort.accepts_registrations.is_(True), ProgrammeTemplate.formation == Formation.ENROLMENT)
            .order_by(Cohort.id)
        )
    ).all()
    due: list[int] = []
    for cohort_id, rules in rows:
        last = await session.scalar(
            select(func.max(Session.number)).where(
                Session.cohort_id == cohort_id, Session.status != SessionStatus.CANCELLED
            )
        )
        if last is None:
            continue  # no meetings planned yet: nothing has started
        joining = min(int((rules or {}).get("joinable_until_meeting") or last), last)
        started = await session.scalar(
            select(func.count()).where(
                Session.cohort_id == cohort_id,
                Session.status != SessionStatus.CANCELLED,
                Session.number >= joining,
                Session.starts_at <= now,
            )
        )
        if started:
            due.append(cohort_id)
    return due


async def close_groups_due(session: AsyncSession, now: datetime, base_url: str) -> int:
    """Close every group whose last joining meeting has started, each in a transaction of its own;
    the number closed. A group a coordinator closed meanwhile is left as it is."""
    due = await groups_to_close(session, now)
    await session.rollback()
    closed = 0
    for cohort_id in due:
        try:
            await close_group(session, cohort_id, Change(now, base_url))
        except (Refused, NotFound):
            await session.rollback()
            continue
        await session.commit()
        closed += 1
    if closed:
        log.info("groups closed for joining", extra={"count": closed})
    return closed


#: How often a worker looks (a process remembers when it last did): a group closes, and an
#: unanswered offer passes on, at most this long after its moment.
EVERY = timedelta(minutes=1)
_last_run: dict[str, datetime] = {}


async def run_open_groups(
    factory: async_sessionmaker[AsyncSession], now: datetime, base_url: str, *, force: bool = False
) -> None:
    """The worker's round for open groups: close those due, then pass on offers nobody answered."""
    last = _last_run.get("open_groups")
    if not force and last is not None and now - last < EVERY:
        return
    _last_run["open_groups"] = now
    async with factory() as session:
        await close_groups_due(session, now, base_url)
        await expire_offers(session, now, base_url)
