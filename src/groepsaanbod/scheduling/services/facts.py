"""Gathering what the constraint engine needs about sessions, from the database.

The rules themselves live in constraints.py (pure); this module only reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.accounts.models import Staff
from groepsaanbod.bounds import shifted
from groepsaanbod.cohorts.models import Cohort, SchoolClass
from groepsaanbod.organisations.models import Venue, VenueClosure, VenueOpening
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate, SessionSpec
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.registration.support import count_support, room_people
from groepsaanbod.scheduling.closed_days import school_holidays
from groepsaanbod.scheduling.constraints import AssignedStaff, Booking, RoomFacts, SessionFacts
from groepsaanbod.scheduling.models import Session, SessionStaff, StaffAbsence, StaffAvailability
from groepsaanbod.scheduling.status import SessionStatus


def session_end(s: Session) -> datetime:
    return shifted(s.starts_at, timedelta(minutes=s.duration_minutes))


async def _bookings(
    session: AsyncSession, *, staff_id: int | None = None, venue_id: int | None = None, around: Session, at: datetime
) -> tuple[Booking, ...]:
    """Other planned sessions of this person or room within a day of `at` (enough to see overlaps)."""
    start = shifted(at, -timedelta(hours=24))
    end = shifted(at, timedelta(hours=24))
    query = select(Session).where(
        Session.id != around.id,
        Session.status != SessionStatus.CANCELLED,
        Session.starts_at >= start,
        Session.starts_at <= end,
    )
    if staff_id is not None:
        query = query.where(Session.id.in_(select(SessionStaff.session_id).where(SessionStaff.staff_id == staff_id)))
    if venue_id is not None:
        query = query.where(Session.venue_id == venue_id)
    return tuple(Booking(s.id, s.starts_at, session_end(s)) for s in await session.scalars(query))


@dataclass(frozen=True)
class _When:
    """A meeting's time: as planned, or as it would be when moved."""

    start: datetime  # aware UTC
    end: datetime
    local_start: datetime  # wall-clock at the venue


async def _absent(
    session: AsyncSession, staff_id: int, *, meeting_id: int | None, when: _When, organisation_id: int
) -> bool:
    """Absent for this meeting (`meeting_id`, while it keeps its time), for a period that overlaps it, or
    outside the weekly hours the person said they can work for the meeting's organisation
    (when they gave any)."""
    start, end, local_start = when.start, when.end, when.local_start
    for_period = (StaffAbsence.session_id.is_(None)) & (StaffAbsence.starts_at < end) & (StaffAbsence.ends_at > start)
    condition = ((StaffAbsence.session_id == meeting_id) | for_period) if meeting_id is not None else for_period
    found = await session.scalar(
        select(func.count()).select_from(StaffAbsence).where(StaffAbsence.staff_id == staff_id, condition)
    )
    if found:
        return True
    hours = list(
        await session.scalars(
            select(StaffAvailability).where(
                StaffAvailability.staff_id == staff_id, StaffAvailability.organisation_id == organisation_id
            )
        )
    )
    if not hours:
        return False
    local_end = shifted(local_start, end - start)
    return not any(
        h.weekday == local_start.weekday()
        and h.starts <= local_start.time()
        and local_end.time() <= h.ends
        and local_end.date() == local_start.date()
        for h in hours
    )


async def is_free(session: AsyncSession, staff_id: int, s: Session, organisation_id: int) -> bool:
    """Whether the person can be at this meeting: not absent, within their hours, and at no other meeting then."""
    end = session_end(s)
    if await _absent(
        session, staff_id, meeting_id=s.id, when=_When(s.starts_at, end, s.local_start), organisation_id=organisation_id
    ):
        return False
    bookings = await _bookings(session, staff_id=staff_id, around=s, at=s.starts_at)
    return not any(b.start < end and s.starts_at < b.end for b in bookings)


async def _room(session: AsyncSession, s: Session, start: datetime, end: datetime) -> RoomFacts | None:
    if s.venue_id is None:
        return None
    venue = await session.get_one(Venue, s.venue_id)
    openings = tuple(
        (o.weekday, o.opens, o.closes)
        for o in await session.scalars(select(VenueOpening).where(VenueOpening.venue_id == venue.id))
    )
    closed = await session.scalar(
        select(func.count())
        .select_from(VenueClosure)
        .where(VenueClosure.venue_id == venue.id, VenueClosure.starts_at < end, VenueClosure.ends_at > start)
    )
    return RoomFacts(
        venue.id,
        venue.name,
        venue.capacity,
        openings,
        await _bookings(session, venue_id=venue.id, around=s, at=start),
        unavailable=bool(closed),
    )


async def session_facts(
    session: AsyncSession,
    s: Session,
    cohort: Cohort | None,
    template: ProgrammeTemplate,
    *,
    at: tuple[datetime, datetime] | None = None,
) -> SessionFacts:
    """The facts of a meeting as planned, or as it would be at another time `at` (UTC, local)."""
    start, local_start = at if at is not None else (s.starts_at, s.local_start)
    end = shifted(start, timedelta(minutes=s.duration_minutes))
    when = _When(start, end, local_start)
    staff: list[AssignedStaff] = []
    organisation_id = (await session.get_one(Programme, s.programme_id)).organisation_id
    for link in await session.scalars(select(SessionStaff).where(SessionStaff.session_id == s.id)):
        person = await session.get_one(Staff, link.staff_id)
        staff.append(
            AssignedStaff(
                person.id,
                person.full_name,
                link.role,
                frozenset(person.spoken_languages or []),
                absent=await _absent(
                    session,
                    person.id,
                    # An absence for this meeting stays with its old time, not a moved one.
                    meeting_id=s.id if at is None else None,
                    when=when,
                    organisation_id=organisation_id,
                ),
                other_bookings=await _bookings(session, staff_id=person.id, around=s, at=start),
            )
        )
    members, extra = 0, 0
    support_room = (0, 0)
    due_dates: tuple[date, ...] = ()
    spec = await session.get(SessionSpec, s.spec_id) if s.spec_id else None
    if cohort is not None:
        rows = (
            await session.execute(
                select(Participant.due_date, Registration.support)
                .join(Registration, Registration.participant_id == Participant.id)
                .where(Registration.cohort_id == cohort.id, Registration.status == RegistrationStatus.CONFIRMED)
            )
        ).all()
        members = len(rows)
        due_dates = tuple(d for d, _ in rows if d is not None)
        # The template's room_counts rule: partners who come along (where the meeting does not
        # count one per member already) and children looked after in the room take room too.
        counted = count_support(needs for _, needs in rows)
        partners, children = room_people(counted, template.rules.get("room_counts", ()))
        support_room = (0 if spec is not None and spec.partners_invited else partners, children)
        if cohort.school_class_id:
            school_class = await session.get_one(SchoolClass, cohort.school_class_id)
            members = school_class.pupils or members
        if spec is not None and (spec.partners_invited or spec.with_babies):
            extra = members  # one partner or one baby each
    holidays: frozenset[date] = frozenset()
    if cohort is not None and cohort.school_class_id:
        school_class = await session.get_one(SchoolClass, cohort.school_class_id)
        local = local_start
        years = {y for y in (local.year - 1, local.year, local.year + 1) if MINYEAR < y < MAXYEAR}
        holidays = school_holidays(years, school_class.region)
    window = template.rules.get("first_meeting_weeks")
    school_hours = next(
        (
            (time.fromisoformat(c.params["from"]), time.fromisoformat(c.params["to"]))
            for c in template.constraints
            if c.kind == "no_school_hours"
        ),
        None,
    )
    return SessionFacts(
        session_id=s.id,
        number=s.number,
        start=start,
        local_start=local_start,
        duration_minutes=s.duration_minutes,
        status=s.status,
        cohort_language=cohort.language if cohort else "nl",
        members=members,
        extra_people=extra,
        support_partners=support_room[0],
        support_children=support_room[1],
        staff=tuple(staff),
        room=await _room(session, s, start, end),
        pregnancy_week=spec.week if spec is not None and spec.timing == "pregnancy_week" else None,
        member_due_dates=due_dates,
        # Planned around the middle of the group's due dates: half the formation window either way.
        window_weeks=(window[1] - window[0] + 1) // 2 if window else 1,
        school_holidays=holidays,
        school_hours=school_hours,
    )


def local_date(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()
