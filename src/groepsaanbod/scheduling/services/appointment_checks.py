"""What individual appointments are checked against: which meetings are individual (the
template's kind "individual" or "phone"), who runs one (runnable_meeting), and where its times
may fall (add_times: in the future, in the meeting's week or between the group's meetings
around it, not overlapping another time of the group)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod import bounds
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import Staff
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.db import lock_row
from groepsaanbod.i18n.formatting import local_date
from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.programmes.models import Programme, SessionSpec
from groepsaanbod.refusals import Problem
from groepsaanbod.scheduling.errors import ScheduleRefused, SessionNotFound
from groepsaanbod.scheduling.models import Appointment, Session, SessionStaff
from groepsaanbod.scheduling.services.context import MeetingContext, may_manage, session_context
from groepsaanbod.scheduling.sessions import to_utc
from groepsaanbod.scheduling.status import SessionStatus

INDIVIDUAL_KINDS = ("individual", "phone")
#: At most this many times in one offer, and this long a pause between two.
SLOT_COUNT_RANGE = (1, 24)
GAP_RANGE = (0, 120)
NOT_INDIVIDUAL = N_("This meeting is for the whole group. Only individual meetings have their own times.")
NOT_YOURS = N_("You are not planned for this meeting.")
IN_THE_PAST = N_("This time has passed. Choose a time in the future.")
OUTSIDE_WEEK = N_("Choose a time from %(first)s to %(last)s: the week of this meeting.")
OUTSIDE_MEETINGS = N_("Choose a time between the meeting before this one and the meeting after it.")
OVERLAP = N_("The time %(time)s overlaps a time that is already offered. Choose another time.")
STAFF_BUSY = N_(
    "At %(time)s %(person)s is busy: meeting %(number)s of group %(group)s (%(when)s). Choose another time."
)
#: Busy for another organisation: which meeting is theirs to know, not ours.
STAFF_BUSY_ELSEWHERE = N_("At %(time)s %(person)s is busy with another organisation. Choose another time.")


@dataclass(frozen=True)
class SlotOffer:
    """Times back to back from `start` on `day`: `count` of them, each the meeting's length,
    with `gap_minutes` between two."""

    day: date
    start: time
    count: int = 1
    gap_minutes: int = 0


def is_individual(meeting: MeetingContext) -> bool:
    spec = spec_of(meeting)
    return spec is not None and spec.kind in INDIVIDUAL_KINDS


def spec_of(meeting: MeetingContext) -> SessionSpec | None:
    if meeting.template is None:
        return None
    return next((spec for spec in meeting.template.session_specs if spec.id == meeting.meeting.spec_id), None)


async def individual_meeting(session: AsyncSession, session_id: int) -> MeetingContext:
    meeting = await session_context(session, session_id)
    if meeting.cohort is None or not is_individual(meeting):
        raise ScheduleRefused.single("session_id", NOT_INDIVIDUAL)
    return meeting


async def runnable_meeting(session: AsyncSession, viewer: Viewer, session_id: int) -> MeetingContext:
    """The individual meeting, when the viewer runs it: a coordinator or admin of its organisation,
    or staff planned on it. Another organisation's meeting does not exist for them (404)."""
    meeting = await session_context(session, session_id)
    if meeting.programme.organisation_id not in viewer.roles:
        raise SessionNotFound()
    if not may_manage(viewer, meeting.programme):
        on = await session.scalar(
            select(SessionStaff.staff_id).where(
                SessionStaff.session_id == session_id, SessionStaff.staff_id == viewer.staff_id
            )
        )
        if on is None:
            raise ScheduleRefused.single("session_id", NOT_YOURS)
    return await individual_meeting(session, session_id)


async def lock_meeting(session: AsyncSession, s: Session) -> None:
    """Every change to a meeting's times queues behind the others on its row."""
    await lock_row(session, Session.__table__, s.id)


def _window(meeting: MeetingContext, spec: SessionSpec | None, neighbours: list[Session]) -> tuple[datetime, datetime]:
    """Where this meeting's times may fall (wall clock): its week when the template dates it by a
    course week, else between the group's meeting before it and the one after it."""
    s = meeting.meeting
    if spec is not None and spec.timing == "week_after_start":
        monday = s.local_start.date() - timedelta(days=s.local_start.weekday())
        return datetime.combine(monday, time.min), datetime.combine(monday + timedelta(days=7), time.min)
    before = [n.local_start for n in neighbours if n.local_start < s.local_start and n.id != s.id]
    after = [n.local_start for n in neighbours if n.local_start > s.local_start and n.id != s.id]
    return (max(before, default=datetime.min), min(after, default=datetime.max))


def _outside(window: tuple[datetime, datetime], field: str, spec: SessionSpec | None) -> ScheduleRefused:
    first, last = window
    if spec is not None and spec.timing == "week_after_start":
        return ScheduleRefused.single(field, OUTSIDE_WEEK, first=first.date(), last=last.date() - timedelta(days=1))
    return ScheduleRefused.single(field, OUTSIDE_MEETINGS)


def check_offer(offer: SlotOffer) -> None:
    problems = [
        Problem(field, Message(bounds.NUMBER_RANGE, {"min": low, "max": high}))
        for field, value, (low, high) in (
            ("count", offer.count, SLOT_COUNT_RANGE),
            ("gap_minutes", offer.gap_minutes, GAP_RANGE),
        )
        if not low <= value <= high
    ]
    if problems:
        raise ScheduleRefused(problems)


async def _cohort_times(session: AsyncSession, cohort_id: int) -> list[Appointment]:
    """Every time offered for any meeting of the group: the trainer of one group has one agenda."""
    return list(
        await session.scalars(
            select(Appointment)
            .join(Session, Session.id == Appointment.session_id)
            .where(Session.cohort_id == cohort_id)
        )
    )


def _end(start: datetime, minutes: int) -> datetime:
    return start + timedelta(minutes=minutes)


async def add_times(session: AsyncSession, meeting: MeetingContext, starts: list[datetime], now: datetime) -> None:
    """Check these wall-clock starts for the meeting and add them; nothing is added if one is wrong."""
    s, cohort = meeting.meeting, meeting.cohort
    assert cohort is not None
    spec = spec_of(meeting)
    neighbours = list(await session.scalars(select(Session).where(Session.cohort_id == cohort.id)))
    window = _window(meeting, spec, neighbours)
    taken = [(a.local_start, _end(a.local_start, a.duration_minutes)) for a in await _cohort_times(session, cohort.id)]
    meeting_days = bounds.meeting_window(local_date(now))
    utc = [to_utc(start, s.timezone) for start in starts]
    busy = await staff_busy(
        session, s, (min(utc, default=now) - timedelta(days=1), max(utc, default=now) + timedelta(days=1))
    )
    for start in starts:
        problem = bounds.check_date("day", start.date(), meeting_days)
        if problem is not None:
            raise ScheduleRefused([problem])
        if to_utc(start, s.timezone) <= now:
            raise ScheduleRefused.single("start", IN_THE_PAST)
        end = _end(start, s.duration_minutes)
        if not (window[0] <= start and end <= window[1]):
            raise _outside(window, "day", spec)
        if any(start < other_end and other_start < end for other_start, other_end in taken):
            raise ScheduleRefused.single("start", OVERLAP, time=start)
        clash = next((c for c in busy if c.overlaps(to_utc(start, s.timezone), s.duration_minutes)), None)
        if clash is not None:
            raise clash.refusal(start)
        taken.append((start, end))
        session.add(
            Appointment(
                session_id=s.id,
                local_start=start,
                starts_at=to_utc(start, s.timezone),
                duration_minutes=s.duration_minutes,
            )
        )
    await session.flush()


@dataclass(frozen=True)
class Busy:
    """Where a staff member of the meeting is at some time: another meeting, or a time of another
    individual meeting (UTC)."""

    person: str
    group: str
    number: int
    starts_at: datetime
    local_start: datetime
    minutes: int
    elsewhere: bool = False

    def overlaps(self, start: datetime, minutes: int) -> bool:
        return start < _end(self.starts_at, self.minutes) and self.starts_at < _end(start, minutes)

    def refusal(self, start: datetime) -> ScheduleRefused:
        if self.elsewhere:
            return ScheduleRefused.single("start", STAFF_BUSY_ELSEWHERE, time=start, person=self.person)
        return ScheduleRefused.single(
            "start",
            STAFF_BUSY,
            time=start,
            person=self.person,
            group=self.group,
            number=self.number,
            when=self.local_start,
        )


async def staff_busy(session: AsyncSession, s: Session, around: tuple[datetime, datetime]) -> list[Busy]:
    """The other meetings and individual times (UTC `around`) of everyone planned on meeting `s`
    (not cancelled): a group meeting by its own time, an individual meeting by its offered times.
    The same group's times are add_times' own check."""
    staff = select(SessionStaff.staff_id).where(SessionStaff.session_id == s.id)
    home = select(Programme.organisation_id).where(Programme.id == s.programme_id).scalar_subquery()
    rows = await session.execute(
        select(Session, Staff.full_name, Cohort.name, SessionSpec.kind, Programme.organisation_id != home)
        .join(SessionStaff, SessionStaff.session_id == Session.id)
        .join(Staff, Staff.id == SessionStaff.staff_id)
        .join(Programme, Programme.id == Session.programme_id)
        .outerjoin(Cohort, Cohort.id == Session.cohort_id)
        .outerjoin(SessionSpec, SessionSpec.id == Session.spec_id)
        .where(
            SessionStaff.staff_id.in_(staff),
            Session.id != s.id,
            Session.status != SessionStatus.CANCELLED,
            or_(SessionSpec.kind.in_(INDIVIDUAL_KINDS), Session.starts_at.between(*around)),
        )
    )
    busy: list[Busy] = []
    individual: dict[int, list[Busy]] = {}
    for other, person, group, kind, elsewhere in rows.all():
        seen = Busy(
            person, group or "", other.number, other.starts_at, other.local_start, other.duration_minutes, elsewhere
        )
        if kind not in INDIVIDUAL_KINDS:
            busy.append(seen)
        elif other.cohort_id != s.cohort_id:
            individual.setdefault(other.id, []).append(seen)
    if individual:
        slots = await session.scalars(
            select(Appointment).where(Appointment.session_id.in_(individual), Appointment.starts_at.between(*around))
        )
        for slot in slots:
            busy += [
                replace(b, starts_at=slot.starts_at, local_start=slot.local_start, minutes=slot.duration_minutes)
                for b in individual[slot.session_id]
            ]
    return busy
