"""Use cases of calendar feeds: create_feed, rotate_feed, revoke_feed, read_feed.

A feed's URL holds a random secret (256 bits); only its SHA-256 is stored, so a
link is shown once, when made. Making a new link revokes the old one.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Integer, and_, bindparam, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from groepsaanbod.accounts.models import Role, Staff
from groepsaanbod.calendars.appointments import Whose, events_with_times
from groepsaanbod.calendars.errors import FeedNotFound
from groepsaanbod.calendars.ics import FeedEvent, build_calendar
from groepsaanbod.calendars.models import Feed
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.i18n.text import N_, pick
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.organisations.models import Venue
from groepsaanbod.programmes.models import Programme, SessionSpec
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.scheduling.models import Appointment, Session, SessionStaff
from groepsaanbod.scheduling.status import SessionStatus

log = logging.getLogger(__name__)
SUBJECTS = ("staff", "participant", "cohort", "venue")
#: Cancelled and past meetings stay in a feed this long, so calendars show what happened.
KEEP_PAST = timedelta(days=60)
#: Part of every ETag: a change to how events are written (or to the words of their titles)
#: reaches calendars that kept a copy. Bump it with such a change.
FEED_FORMAT = "2"
#: Not every calendar app hides cancelled events: the title says it.
CANCELLED_TITLE = N_("Cancelled: %(title)s")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewFeed:
    feed_id: int
    token: str

    def path(self) -> str:
        return f"/feeds/{self.token}.ics"


async def create_feed(
    session: AsyncSession,
    subject_kind: str,
    subject_id: int,
    *,
    language: str,
    now: datetime,
    made_by: int | None = None,
) -> NewFeed:
    """A new link for this subject; earlier links of the same subject stop working.

    `made_by`: the staff member who made a group's or location's link (it stops when they
    leave that organisation)."""
    if subject_kind not in SUBJECTS:
        raise ValueError(subject_kind)
    for old in await session.scalars(
        select(Feed).where(Feed.subject_kind == subject_kind, Feed.subject_id == subject_id, Feed.revoked_at.is_(None))
    ):
        old.revoked_at = now
    token = secrets.token_urlsafe(32)
    feed = Feed(
        token_hash=token_hash(token),
        subject_kind=subject_kind,
        subject_id=subject_id,
        language=language,
        created_at=now,
        made_by_staff_id=made_by,
    )
    session.add(feed)
    await session.commit()
    log.info("feed created", extra={"feed_id": feed.id, "subject": subject_kind})
    return NewFeed(feed.id, token)


async def revoke_feeds(session: AsyncSession, subject_kind: str, subject_id: int, now: datetime) -> int:
    count = 0
    for feed in await session.scalars(
        select(Feed).where(Feed.subject_kind == subject_kind, Feed.subject_id == subject_id, Feed.revoked_at.is_(None))
    ):
        feed.revoked_at = now
        count += 1
    await session.commit()
    return count


async def stop_feeds_of_leaver(
    session: AsyncSession, staff_id: int, organisation_ids: list[int], now: datetime, *, own_feed: bool
) -> int:
    """A person leaves these organisations: the links they made for its groups and locations
    stop, and their own meetings link too when `own_feed` (no organisation left). No commit."""
    cohorts = select(Cohort.id).join(Programme, Programme.id == Cohort.programme_id)
    cohorts = cohorts.where(Programme.organisation_id.in_(organisation_ids))
    venues = select(Venue.id).where(Venue.organisation_id.in_(organisation_ids))
    made = (Feed.made_by_staff_id == staff_id) & (
        ((Feed.subject_kind == "cohort") & Feed.subject_id.in_(cohorts))
        | ((Feed.subject_kind == "venue") & Feed.subject_id.in_(venues))
    )
    if own_feed:
        made = made | ((Feed.subject_kind == "staff") & (Feed.subject_id == staff_id))
    # An UPDATE's result is a CursorResult, which counts the rows it changed.
    result = cast(
        CursorResult[Any],
        await session.execute(update(Feed).where(made, Feed.revoked_at.is_(None)).values(revoked_at=now)),
    )
    log.info("feeds stopped for a leaver", extra={"staff_id": staff_id, "feeds": result.rowcount})
    return result.rowcount or 0


async def stop_own_feed(session: AsyncSession, staff_id: int, now: datetime) -> None:
    """The person's own meetings link stops (their account is disabled). No commit."""
    await session.execute(
        update(Feed)
        .where(Feed.subject_kind == "staff", Feed.subject_id == staff_id, Feed.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def active_feed(session: AsyncSession, subject_kind: str, subject_id: int) -> Feed | None:
    return await session.scalar(
        select(Feed).where(Feed.subject_kind == subject_kind, Feed.subject_id == subject_id, Feed.revoked_at.is_(None))
    )


@cache
def _live_feed():
    """The feed behind a token, while its subject is still there (built once: every calendar
    app's poll runs it). Feeds follow the people: a staff member's works while the account is
    active and holds a role somewhere; a participant's while the registration is not
    withdrawn and the person not erased."""
    staff_live = exists().where(
        Staff.id == Feed.subject_id,
        Staff.active.is_(True),
        exists().where(Role.staff_id == Staff.id),
    )
    participant_live = exists().where(
        Registration.id == Feed.subject_id,
        Registration.status != RegistrationStatus.WITHDRAWN,
        Participant.id == Registration.participant_id,
        Participant.erased_at.is_(None),
    )
    return select(Feed).where(
        Feed.token_hash == bindparam("token_hash"),
        Feed.revoked_at.is_(None),
        or_(
            Feed.subject_kind.in_(("cohort", "venue")),
            and_(Feed.subject_kind == "staff", staff_live),
            and_(Feed.subject_kind == "participant", participant_live),
        ),
    )


async def find_feed(session: AsyncSession, token: str) -> Feed:
    feed = await session.scalar(_live_feed(), {"token_hash": token_hash(token)})
    if feed is None:
        raise FeedNotFound()
    return feed


def _shown_sessions(subject_kind: str):
    """Which sessions a feed of this kind shows (parameters: subject_id, since)."""
    subject_id = bindparam("subject_id", type_=Integer)
    since = Session.starts_at >= bindparam("since", type_=Session.starts_at.type)
    if subject_kind == "staff":
        # Only meetings of organisations where the person still holds a role.
        return (
            since,
            Session.id.in_(select(SessionStaff.session_id).where(SessionStaff.staff_id == subject_id)),
            Programme.organisation_id.in_(select(Role.organisation_id).where(Role.staff_id == subject_id)),
        )
    if subject_kind == "cohort":
        return since, Session.cohort_id == subject_id
    if subject_kind == "venue":
        return since, Session.venue_id == subject_id
    # participant: the sessions of the cohort of a live registration
    cohort = select(Registration.cohort_id).where(
        Registration.id == subject_id,
        Registration.status.in_((RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING)),
    )
    return since, Session.cohort_id.in_(cohort)


def _joined(query, subject_kind: str):
    return (
        query.select_from(Session)
        .join(Programme, Programme.id == Session.programme_id)
        .outerjoin(Cohort, Cohort.id == Session.cohort_id)
        # The meeting's own venue, else its group's.
        .outerjoin(Venue, Venue.id == func.coalesce(Session.venue_id, Cohort.venue_id))
        .outerjoin(SessionSpec, SessionSpec.id == Session.spec_id)
        .where(*_shown_sessions(subject_kind))
    )


# Built once per kind of feed and run with parameters: building a statement costs more than running it.
@cache
def _rows_statement(subject_kind: str):
    """Everything a feed shows, in one query: each session with its programme, cohort and venue."""
    columns = (
        Session.id,
        Session.local_start,
        Session.timezone,
        Session.duration_minutes,
        Session.topic,
        Session.status,
        Session.sequence,
        Session.updated_at,
        Programme.name.label("programme_name"),
        Cohort.name.label("cohort_name"),
        Venue.name.label("venue_name"),
        Venue.street,
        Venue.postcode,
        Venue.city,
        SessionSpec.kind,
    )
    return _joined(select(*columns), subject_kind).order_by(Session.local_start, Session.id)


@cache
def _version_statement(subject_kind: str):
    stamps: list[ColumnElement[Any]] = [
        func.max(Session.updated_at),
        func.max(Programme.updated_at),
        func.max(Cohort.updated_at),
        func.max(Venue.updated_at),
    ]
    # The feed's own subject names the calendar: its changes count too.
    subjects: dict[str, type[Staff] | type[Cohort] | type[Venue]] = {"staff": Staff, "cohort": Cohort, "venue": Venue}
    subject = subjects.get(subject_kind)
    if subject is not None:
        named = aliased(subject)
        stamps.append(
            select(named.updated_at).where(named.id == bindparam("subject_id", type_=Integer)).scalar_subquery()
        )
    # Individual times (calendars/appointments.py) count too: added, taken, freed or taken back.
    slots = select(Appointment).where(Appointment.session_id.in_(_joined(select(Session.id), subject_kind)))
    stamps.append(slots.with_only_columns(func.max(Appointment.updated_at)).scalar_subquery())
    slot_total = slots.with_only_columns(
        func.count() + func.coalesce(func.sum(Appointment.sequence * 1_000_003 + Appointment.id), 0)
    ).scalar_subquery()
    totals = (
        func.count(),
        func.coalesce(func.sum(Session.sequence), 0),
        func.coalesce(func.sum(Session.id), 0),
        slot_total,
    )
    return _joined(select(*totals, *stamps), subject_kind)


def _parameters(feed: Feed, now: datetime) -> dict:
    return {"subject_id": feed.subject_id, "since": now - KEEP_PAST}


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


async def feed_version(session: AsyncSession, feed: Feed, now: datetime) -> tuple[str, datetime]:
    """ETag and Last-Modified from one small query, so a 304 costs almost nothing.

    The tag covers everything the feed shows (sessions, their programme, cohort and
    venue, the subject's name, the language), so equal tags mean equal feeds, in
    any app process: that is what lets rendered feeds be kept by their tag.
    """
    # Core execution (no ORM layer): the statement reads columns, not objects.
    connection = await session.connection()
    result = await connection.execute(_version_statement(feed.subject_kind), _parameters(feed, now))
    count, total, ids, slots, *moments = result.one()
    known = [_aware(m) for m in moments if m is not None]
    latest = max(known, default=_aware(feed.created_at))
    fingerprint = ":".join(
        [
            FEED_FORMAT,
            str(feed.id),
            feed.language,
            str(count),
            str(total),
            str(ids),
            str(slots),
            *(m.isoformat() for m in known),
        ]
    )
    return f'"{hashlib.sha256(fingerprint.encode()).hexdigest()[:32]}"', latest


class RenderedFeeds:
    """Feeds already rendered, by ETag: a full fetch of an unchanged feed costs no rendering.

    Calendar apps that never send If-None-Match (Google's among them) fetch the same
    bytes again and again. A tag names its content exactly, so this per-process keep
    never disagrees with another process; it only saves work. Bounded, oldest out.
    """

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._bodies: OrderedDict[str, bytes] = OrderedDict()

    def get(self, etag: str) -> bytes | None:
        body = self._bodies.get(etag)
        if body is not None:
            self._bodies.move_to_end(etag)
        return body

    def put(self, etag: str, body: bytes) -> None:
        self._bodies[etag] = body
        while len(self._bodies) > self.size:
            self._bodies.popitem(last=False)


rendered_feeds = RenderedFeeds()


async def feed_calendar(session: AsyncSession, feed: Feed, now: datetime, etag: str | None = None) -> bytes:
    """The feed as iCalendar; with its current `etag`, from the rendered feeds when it was made before."""
    # The link's own hash too: a tag names content, the hash whose (ids may be used again).
    key = f"{feed.token_hash}:{etag}" if etag is not None else None
    if key is not None and (body := rendered_feeds.get(key)) is not None:
        return body
    rows = list(await session.execute(_rows_statement(feed.subject_kind), _parameters(feed, now)))
    events = await events_with_times(session, rows, Whose(feed.subject_kind, feed.subject_id, feed.language), _event)
    body = build_calendar(events, await feed_name(session, feed))
    if key is not None:
        rendered_feeds.put(key, body)
    return body


def _event(row, language: str) -> FeedEvent:
    """Titled by what the meeting is (its topic) with its group as context; the programme
    and group in the description; the venue as location, except for phone calls."""
    programme = pick(row.programme_name, language)
    topic = pick(row.topic, language) if row.topic else ""
    context = f"{programme} – {row.cohort_name}" if row.cohort_name else programme
    title = f"{topic} – {row.cohort_name or programme}" if topic else context
    if row.status == SessionStatus.CANCELLED:
        title = gettext(language, CANCELLED_TITLE, title=title)
    venue = f"{row.venue_name}, {row.street}, {row.postcode} {row.city}" if row.venue_name else ""
    return FeedEvent(
        uid=f"session-{row.id}@groepsaanbod",
        local_start=row.local_start,
        timezone=row.timezone,
        duration_minutes=row.duration_minutes,
        summary=title,
        description=context,
        location="" if row.kind == "phone" else venue,
        cancelled=row.status == SessionStatus.CANCELLED,
        sequence=row.sequence,
        last_modified=_aware(row.updated_at),
    )


async def feed_name(session: AsyncSession, feed: Feed) -> str:
    if feed.subject_kind == "staff":
        person = await session.get(Staff, feed.subject_id)
        return f"groepsaanbod – {person.full_name if person else ''}"
    if feed.subject_kind == "cohort":
        cohort = await session.get(Cohort, feed.subject_id)
        return f"groepsaanbod – {cohort.name if cohort else ''}"
    if feed.subject_kind == "venue":
        venue = await session.get(Venue, feed.subject_id)
        return f"groepsaanbod – {venue.name if venue else ''}"
    return "groepsaanbod"


#: Downloads hold every meeting of the group, however long ago.
_EVER = datetime(1970, 1, 1, tzinfo=UTC)


async def cohort_calendar(
    session: AsyncSession,
    cohort_id: int | None,
    language: str,
    session_id: int | None = None,
    registration_id: int | None = None,
) -> bytes | None:
    """A group's meetings (or the one `session_id`) as a file to add to a calendar; None when
    the group has no such meeting. For a member (`registration_id`), individual meetings at their own time."""
    rows = []
    if cohort_id is not None:
        query = _rows_statement("cohort")
        if session_id is not None:
            query = query.where(Session.id == session_id)
        rows = list(await session.execute(query, {"subject_id": cohort_id, "since": _EVER}))
        if session_id is not None and not rows:
            return None
    whose = Whose("participant" if registration_id else "cohort", registration_id, language)
    return build_calendar(await events_with_times(session, rows, whose, _event), "groepsaanbod")
