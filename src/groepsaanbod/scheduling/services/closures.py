"""Use case of a location that cannot be used for a while (close_venue): its meetings in
that time are checked at once and the coordinators told which need another room or time."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod import bounds
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.bounds import PERIOD_FORM
from groepsaanbod.history.services import Subject, record
from groepsaanbod.i18n.formatting import local_date
from groepsaanbod.organisations.models import Venue, VenueClosure
from groepsaanbod.scheduling.constraints import check_session
from groepsaanbod.scheduling.errors import ScheduleRefused, SessionNotFound
from groepsaanbod.scheduling.models import Session
from groepsaanbod.scheduling.services.context import TIMEZONE, SessionCheck, rules_of, session_context
from groepsaanbod.scheduling.services.facts import session_facts
from groepsaanbod.scheduling.services.notices import alert_coordinators
from groepsaanbod.scheduling.sessions import to_utc
from groepsaanbod.scheduling.status import SessionStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Closure:
    """From `starts_at` to `ends_at` the location cannot be used. A moment without an offset is
    wall-clock time in Amsterdam."""

    starts_at: datetime
    ends_at: datetime
    reason: str = ""


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else to_utc(moment, TIMEZONE)


async def close_venue(
    session: AsyncSession, viewer: Viewer, venue_id: int, closure: Closure, *, now: datetime
) -> list[SessionCheck]:
    """A room cannot be used for a while: its meetings in that time are checked at once and
    the coordinators are told which ones need another room or time."""
    window = bounds.meeting_window(local_date(now))
    problems = [
        p
        for p in (
            bounds.check_date("starts_at", closure.starts_at.date(), window),
            bounds.check_date("ends_at", closure.ends_at.date(), window),
            bounds.check_line("reason", closure.reason, bounds.SHORT_TEXT),
        )
        if p is not None
    ]
    if problems:
        raise ScheduleRefused(problems)
    starts_at, ends_at = _aware(closure.starts_at), _aware(closure.ends_at)
    venue = await session.get(Venue, venue_id)
    if venue is None or venue.organisation_id not in viewer.organisations_with({"coordinator", "admin"}):
        raise SessionNotFound()
    if ends_at <= starts_at:
        raise ScheduleRefused.single("ends_at", PERIOD_FORM)
    session.add(VenueClosure(venue_id=venue_id, starts_at=starts_at, ends_at=ends_at, reason=closure.reason.strip()))
    await session.flush()
    affected: list[SessionCheck] = []
    for s in await session.scalars(
        select(Session)
        .where(
            Session.venue_id == venue_id,
            Session.status == SessionStatus.PLANNED,
            Session.starts_at < ends_at,
            Session.starts_at >= starts_at - timedelta(hours=12),
        )
        .order_by(Session.starts_at)
    ):
        about = await session_context(session, s.id)
        cohort, template = about.cohort, about.template
        if template is None:
            continue
        violations = check_session(
            await session_facts(session, s, cohort, template),
            rules_of(template),
            template.min_group_size,
            template.max_group_size,
        )
        if violations:
            affected.append(SessionCheck(s, violations))
            await alert_coordinators(session, about, violations, now=now)
    record_programme = affected[0].session.programme_id if affected else None
    if record_programme is not None:
        record(
            session,
            now,
            Subject(record_programme),
            "venue_closed",
            actor=viewer.staff_id,
            venue_id=venue_id,
            affected=len(affected),
        )
    await session.commit()
    log.info("venue closed", extra={"venue_id": venue_id, "affected": len(affected), "by": viewer.staff_id})
    return affected
