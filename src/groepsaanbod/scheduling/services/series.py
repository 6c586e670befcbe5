"""Drop-in series (Kids & Koffie): create_series, extend_series, pause_series, end_series, and
top_up_series for the worker. A series is a cohort of a drop-in programme with a row in
`drop_in_series`; its meetings are planned weekly, skipping public holidays, the location's
closures and the series' pauses. An open-ended series is planned HORIZON ahead; the worker
keeps it topped up (`top_up_series`, each round), so it never runs dry."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod import bounds
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.cohorts.models import Cohort, CohortStatus
from groepsaanbod.db import is_sqlite
from groepsaanbod.history.services import Subject, record
from groepsaanbod.i18n.formatting import local_date
from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.organisations.models import Venue, VenueClosure, VenueOpening
from groepsaanbod.programmes.models import SessionSpec
from groepsaanbod.programmes.services.set_up import get_programme, published_template
from groepsaanbod.programmes.templates import Formation
from groepsaanbod.refusals import Problem
from groepsaanbod.scheduling.closed_days import closed_days
from groepsaanbod.scheduling.errors import ScheduleRefused, SessionNotFound
from groepsaanbod.scheduling.models import SeriesPause, SeriesPlan, Session
from groepsaanbod.scheduling.services.context import TIMEZONE, may_manage
from groepsaanbod.scheduling.sessions import DropInSeries, MeetingTime, plan_drop_in
from groepsaanbod.scheduling.status import SessionStatus
from groepsaanbod.webhooks.services.record import organisation_of_programme, record_event

log = logging.getLogger(__name__)

#: How far ahead an open-ended series has its meetings planned.
HORIZON = timedelta(weeks=12)

NOT_DROP_IN = N_("Only a drop-in programme has a series of meetings.")
NOT_PUBLISHED = N_("Publish the programme first.")
STARTS_IN_PAST = N_("The first day cannot be in the past.")
PAST_MIDNIGHT = N_("The meeting must end on the same day.")
OUTSIDE_OPENING = N_("The location is not open then. Choose a time within its opening hours.")
SERIES_ENDED = N_("This series has ended.")
SHORTER = N_("A series cannot be made shorter here. End the series instead.")
NAME_NEEDED = N_("Give the series a name.")
LAST_DAY_NEEDED = N_("Give the last day, or choose to keep it going.")


@dataclass(frozen=True)
class NewSeries:
    """Mondays 9:30 at the petting farm, from `starts_on`, until `ends_on` (None: open-ended)."""

    programme_id: int
    name: str
    weekday: int
    start_time: time | None
    starts_on: date | None
    ends_on: date | None = None
    venue_id: int | None = None


@dataclass(frozen=True)
class Pause:
    starts_on: date | None
    ends_on: date | None
    reason: str = ""
    #: The language the reason is typed in (the writer's page); None: unknown.
    language: str | None = None


def _check_days(today: date, first: date | None, last: date | None, fields: tuple[str, str]) -> list[Problem]:
    window = bounds.meeting_window(today)
    problems = [
        p for p in (bounds.check_date(fields[0], first, window), bounds.check_date(fields[1], last, window)) if p
    ]
    if not problems and first is not None and last is not None and last < first:
        problems.append(Problem(fields[1], Message(bounds.PERIOD_ORDER)))
    return problems


async def _check_opening(session: AsyncSession, venue_id: int, weekday: int, span: tuple[time, time]) -> None:
    """Where a location has opening hours, a meeting fits in one of them on its weekday."""
    openings = list(await session.scalars(select(VenueOpening).where(VenueOpening.venue_id == venue_id)))
    if openings and not any(o.weekday == weekday and o.opens <= span[0] and span[1] <= o.closes for o in openings):
        raise ScheduleRefused.single("start_time", OUTSIDE_OPENING)


async def managed_series(
    session: AsyncSession, viewer: Viewer, cohort_id: int, *, lock: bool = False
) -> tuple[Cohort, SeriesPlan]:
    """A series the viewer may manage; another organisation's gets 404. `lock`: held until commit,
    so a change and the worker's topping up never plan the same weeks twice."""
    plan = await session.get(SeriesPlan, cohort_id, populate_existing=True)
    cohort = await session.get(Cohort, cohort_id) if plan else None
    if plan is None or cohort is None:
        raise SessionNotFound()
    programme = await get_programme(session, viewer, cohort.programme_id)
    if not may_manage(viewer, programme):
        raise SessionNotFound()
    if lock and not is_sqlite(session):  # SQLite: the transaction holds the write lock already
        await session.execute(
            select(SeriesPlan.cohort_id).where(SeriesPlan.cohort_id == cohort_id).with_for_update(key_share=True)
        )
        await session.refresh(plan)
    return cohort, plan


async def _skipped_days(session: AsyncSession, cohort: Cohort, first: date, last: date) -> frozenset[date]:
    """Public holidays, the series' pauses and the days its location is closed."""
    days = set(closed_days(range(first.year, last.year + 1), None, school=False))
    for pause in await session.scalars(select(SeriesPause).where(SeriesPause.cohort_id == cohort.id)):
        day = pause.starts_on
        while day <= pause.ends_on:
            days.add(day)
            day += timedelta(days=1)
    if cohort.venue_id is not None:
        for closure in await session.scalars(select(VenueClosure).where(VenueClosure.venue_id == cohort.venue_id)):
            day = closure.starts_at.date()
            while day <= closure.ends_at.date():
                days.add(day)
                day += timedelta(days=1)
    return frozenset(days)


async def _plan_meetings(session: AsyncSession, cohort: Cohort, first: date, last: date, now: datetime) -> int:
    """Add the series' meetings from `first` to `last` (inclusive); gives how many. Subscribers
    hear of them as `session.planned`, as of a group's schedule."""
    if last < first or cohort.weekday is None or cohort.start_time is None:
        return 0
    spec = await session.scalar(
        select(SessionSpec).where(SessionSpec.template_id == cohort.template_id).order_by(SessionSpec.position)
    )
    duration = spec.duration_minutes if spec else 90
    topic = dict(spec.topic) if spec else {}
    series = DropInSeries(first, last, duration, topic, await _skipped_days(session, cohort, first, last))
    plan = plan_drop_in(series, MeetingTime(cohort.weekday, cohort.start_time, TIMEZONE), closed=frozenset())
    number = await session.scalar(select(func.max(Session.number)).where(Session.cohort_id == cohort.id)) or 0
    for planned in plan.sessions:
        number += 1
        session.add(
            Session(
                programme_id=cohort.programme_id,
                cohort_id=cohort.id,
                spec_id=spec.id if spec else None,
                venue_id=cohort.venue_id,
                local_start=planned.local_start,
                timezone=planned.timezone,
                starts_at=planned.starts_at,
                duration_minutes=planned.duration_minutes,
                topic=dict(planned.topic),
                status=SessionStatus.PLANNED,
                number=number,
            )
        )
    if plan.sessions:
        await record_event(
            session,
            await organisation_of_programme(session, cohort.programme_id),
            "session.planned",
            {
                "cohort_id": cohort.id,
                "programme_id": cohort.programme_id,
                "sessions": len(plan.sessions),
                "starts_at": [p.starts_at for p in plan.sessions],
            },
            now,
        )
    return len(plan.sessions)


def _target(plan: SeriesPlan, today: date) -> date:
    """Up to which day the series should be planned now: to its end, or HORIZON ahead when open-ended."""
    if plan.ends_on is not None:
        return plan.ends_on
    return max(plan.starts_on, today) + HORIZON


async def create_series(session: AsyncSession, viewer: Viewer, new: NewSeries, *, now: datetime) -> Cohort:
    """A new drop-in series with its meetings planned (up to its end, or HORIZON ahead)."""
    today = local_date(now)
    programme = await get_programme(session, viewer, new.programme_id)
    template = published_template(programme)
    if template is None:
        raise ScheduleRefused.single("programme_id", NOT_PUBLISHED)
    if template.formation != Formation.DROP_IN:
        raise ScheduleRefused.single("programme_id", NOT_DROP_IN)
    problems = _check_days(today, new.starts_on, new.ends_on, ("starts_on", "ends_on"))
    name = new.name.strip()
    name_problem = bounds.check_line("name", name, bounds.NAME)
    problems += [name_problem] if name_problem else []
    if not name:
        problems.append(Problem("name", Message(NAME_NEEDED)))
    if not 0 <= new.weekday <= 6:
        problems.append(Problem("weekday", Message(N_("Choose a day of the week."))))
    if new.start_time is None:
        problems.append(Problem("start_time", Message(bounds.TIME_FORM)))
    if new.starts_on is None:
        problems.append(Problem("starts_on", Message(N_("Give the date of the first meeting."))))
    elif new.starts_on < today:
        problems.append(Problem("starts_on", Message(STARTS_IN_PAST)))
    if problems:
        raise ScheduleRefused(problems)
    assert new.start_time is not None
    assert new.starts_on is not None
    duration = template.session_specs[0].duration_minutes if template.session_specs else 90
    ends = datetime.combine(today, new.start_time) + timedelta(minutes=duration)
    if ends.date() != today:
        raise ScheduleRefused.single("start_time", PAST_MIDNIGHT)
    venue = await session.get(Venue, new.venue_id) if new.venue_id is not None else None
    if new.venue_id is not None:
        if venue is None or venue.organisation_id != programme.organisation_id:
            raise ScheduleRefused.single("venue_id", N_("This location does not belong to your organisation."))
        await _check_opening(session, venue.id, new.weekday, (new.start_time, ends.time()))
    cohort = Cohort(
        programme_id=programme.id,
        template_id=template.id,
        name=name,
        language=programme.languages[0] if programme.languages else "nl",
        status=CohortStatus.RUNNING,
        place=venue.city if venue is not None else "",
        venue_id=new.venue_id,
        reference_date=new.starts_on,
        weekday=new.weekday,
        start_time=new.start_time,
    )
    session.add(cohort)
    await session.flush()
    plan = SeriesPlan(cohort_id=cohort.id, starts_on=new.starts_on, ends_on=new.ends_on, planned_until=new.starts_on)
    plan.planned_until = _target(plan, today)
    session.add(plan)
    planned = await _plan_meetings(session, cohort, new.starts_on, plan.planned_until, now)
    record(
        session,
        now,
        Subject(programme.id, cohort_id=cohort.id),
        "series_created",
        actor=viewer.staff_id,
        sessions=planned,
        ends_on=new.ends_on.isoformat() if new.ends_on else None,
    )
    await session.commit()
    log.info("drop-in series created", extra={"cohort_id": cohort.id, "sessions": planned, "by": viewer.staff_id})
    return cohort


async def extend_series(
    session: AsyncSession, viewer: Viewer, cohort_id: int, ends_on: date | None, *, now: datetime
) -> int:
    """Run the series longer: until `ends_on`, or open-ended (None). Gives the meetings added."""
    today = local_date(now)
    cohort, plan = await managed_series(session, viewer, cohort_id, lock=True)
    if plan.ended:
        raise ScheduleRefused.single("ends_on", SERIES_ENDED)
    problems = _check_days(today, None, ends_on, ("starts_on", "ends_on"))
    if problems:
        raise ScheduleRefused(problems)
    if ends_on is not None and (ends_on < today or (plan.ends_on is None or ends_on < plan.ends_on)):
        raise ScheduleRefused.single("ends_on", SHORTER)
    plan.ends_on = ends_on
    added = await _top_up(session, cohort, plan, now)
    record(
        session,
        now,
        Subject(cohort.programme_id, cohort_id=cohort.id),
        "series_extended",
        actor=viewer.staff_id,
        sessions=added,
        ends_on=ends_on.isoformat() if ends_on else None,
    )
    await session.commit()
    return added


async def _top_up(session: AsyncSession, cohort: Cohort, plan: SeriesPlan, now: datetime) -> int:
    target = _target(plan, local_date(now))
    if target <= plan.planned_until:
        return 0
    added = await _plan_meetings(session, cohort, plan.planned_until + timedelta(days=1), target, now)
    plan.planned_until = target
    return added


async def _cancel_between(
    session: AsyncSession, cohort: Cohort, first: date, last: date | None, reason: str, language: str | None = None
) -> int:
    """Cancel the series' planned meetings from `first` to `last` (None: all later ones)."""
    start = datetime.combine(first, time(0))
    cancelled = 0
    for s in await session.scalars(
        select(Session).where(
            Session.cohort_id == cohort.id, Session.status == SessionStatus.PLANNED, Session.local_start >= start
        )
    ):
        if last is None or s.local_start.date() <= last:
            s.status, s.cancel_reason, s.sequence = SessionStatus.CANCELLED, reason, s.sequence + 1
            s.cancel_reason_language = language if reason != "-" else None
            cancelled += 1
    return cancelled


async def pause_series(session: AsyncSession, viewer: Viewer, cohort_id: int, pause: Pause, *, now: datetime) -> int:
    """No meetings from `starts_on` to `ends_on` (a holiday): those planned are cancelled, and
    topping up skips them too. Gives the meetings cancelled."""
    cohort, plan = await managed_series(session, viewer, cohort_id, lock=True)
    if plan.ended:
        raise ScheduleRefused.single("starts_on", SERIES_ENDED)
    reason = pause.reason.strip()
    problems = _check_days(local_date(now), pause.starts_on, pause.ends_on, ("starts_on", "ends_on"))
    if pause.starts_on is None:
        problems.append(Problem("starts_on", Message(N_("Give the first day."))))
    if pause.ends_on is None:
        problems.append(Problem("ends_on", Message(N_("Give the last day."))))
    reason_problem = bounds.check_line("reason", reason, bounds.SHORT_TEXT)
    if reason_problem:
        problems.append(reason_problem)
    if problems:
        raise ScheduleRefused(problems)
    assert pause.starts_on is not None
    assert pause.ends_on is not None
    language = pause.language if reason else None
    session.add(
        SeriesPause(
            cohort_id=cohort.id,
            starts_on=pause.starts_on,
            ends_on=pause.ends_on,
            reason=reason,
            reason_language=language,
        )
    )
    cancelled = await _cancel_between(session, cohort, pause.starts_on, pause.ends_on, reason or "-", language)
    record(
        session,
        now,
        Subject(cohort.programme_id, cohort_id=cohort.id),
        "series_paused",
        actor=viewer.staff_id,
        starts_on=pause.starts_on.isoformat(),
        ends_on=pause.ends_on.isoformat(),
        sessions=cancelled,
    )
    await session.commit()
    return cancelled


async def end_series(
    session: AsyncSession, viewer: Viewer, cohort_id: int, last_day: date | None, *, now: datetime
) -> int:
    """The series stops after `last_day` (default today): later meetings are cancelled, nothing
    new is planned. Gives the meetings cancelled."""
    today = local_date(now)
    cohort, plan = await managed_series(session, viewer, cohort_id, lock=True)
    day = last_day or today
    problems = _check_days(today, day, None, ("last_day", "last_day"))
    if problems:
        raise ScheduleRefused(problems)
    if day < plan.starts_on - timedelta(days=1) or day < today - timedelta(days=1):
        raise ScheduleRefused.single("last_day", N_("Choose today or a later day."))
    cancelled = await _cancel_between(session, cohort, day + timedelta(days=1), None, "-")
    plan.ends_on, plan.ended, plan.planned_until = day, True, min(plan.planned_until, day)
    cohort.status = CohortStatus.COMPLETED
    record(
        session,
        now,
        Subject(cohort.programme_id, cohort_id=cohort.id),
        "series_ended",
        actor=viewer.staff_id,
        last_day=day.isoformat(),
        sessions=cancelled,
    )
    await session.commit()
    return cancelled


async def top_up_series(session: AsyncSession, now: datetime) -> int:
    """Plan each running series up to HORIZON ahead (the worker, every round); gives meetings added."""
    today = local_date(now)
    added = 0
    due = list(
        await session.scalars(
            select(SeriesPlan)
            .where(SeriesPlan.ended.is_(False), SeriesPlan.planned_until < today + HORIZON)
            .with_for_update(skip_locked=True)
        )
    )
    for plan in due:
        cohort = await session.get_one(Cohort, plan.cohort_id)
        added += await _top_up(session, cohort, plan, now)
    await session.commit()
    if added:
        log.info("drop-in series topped up", extra={"sessions": added})
    return added
