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
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.calendars.errors import FeedNotFound
from groepsaanbod.calendars.ics import FeedEvent, build_calendar
from groepsaanbod.calendars.models import Feed
from groepsaanbod.i18n.text import pick
from groepsaanbod.organisations.models import Venue
from groepsaanbod.programmes.models import Programme
from groepsaanbod.registration.models import Registration
from groepsaanbod.scheduling.models import Cohort, Session, SessionStaff

log = logging.getLogger(__name__)
SUBJECTS = ("staff", "participant", "cohort", "venue")
#: Cancelled and past meetings stay in a feed this long, so calendars show what happened.
KEEP_PAST = timedelta(days=60)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewFeed:
    feed_id: int
    token: str

    def path(self) -> str:
        return f"/feeds/{self.token}.ics"


async def create_feed(
    session: AsyncSession, subject_kind: str, subject_id: int, language: str, now: datetime
) -> NewFeed:
    """A new link for this subject; earlier links of the same subject stop working."""
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


async def active_feed(session: AsyncSession, subject_kind: str, subject_id: int) -> Feed | None:
    return await session.scalar(
        select(Feed).where(Feed.subject_kind == subject_kind, Feed.subject_id == subject_id, Feed.revoked_at.is_(None))
    )


async def find_feed(session: AsyncSession, token: str) -> Feed:
    feed = await session.scalar(select(Feed).where(Feed.token_hash == token_hash(token), Feed.revoked_at.is_(None)))
    if feed is None:
        raise FeedNotFound()
    return feed


def _session_query(feed: Feed, since: datetime):
    query = select(Session).where(Session.starts_at >= since)
    if feed.subject_kind == "staff":
        return query.where(
            Session.id.in_(select(SessionStaff.session_id).where(SessionStaff.staff_id == feed.subject_id))
        )
    if feed.subject_kind == "cohort":
        return query.where(Session.cohort_id == feed.subject_id)
    if feed.subject_kind == "venue":
        return query.where(Session.venue_id == feed.subject_id)
    # participant: the sessions of the cohort of a live registration
    cohort = select(Registration.cohort_id).where(
        Registration.id == feed.subject_id, Registration.status.in_(("confirmed", "pending"))
    )
    return query.where(Session.cohort_id.in_(cohort))


async def feed_version(session: AsyncSession, feed: Feed, now: datetime) -> tuple[str, datetime]:
    """ETag and Last-Modified from one small query, so a 304 costs almost nothing."""
    sub = _session_query(feed, now - KEEP_PAST).subquery()
    count, latest, total = (
        await session.execute(
            select(func.count(), func.max(sub.c.updated_at), func.coalesce(func.sum(sub.c.sequence), 0)).select_from(
                sub
            )
        )
    ).one()
    latest = latest or feed.created_at
    if latest.tzinfo is None:
        from datetime import UTC

        latest = latest.replace(tzinfo=UTC)
    tag = hashlib.sha256(f"{feed.id}:{feed.language}:{count}:{latest.isoformat()}:{total}".encode()).hexdigest()[:32]
    return f'"{tag}"', latest


async def feed_calendar(session: AsyncSession, feed: Feed, now: datetime) -> bytes:
    sessions = list(await session.scalars(_session_query(feed, now - KEEP_PAST).order_by(Session.starts_at)))
    return await calendar_for_sessions(session, sessions, feed.language, await feed_name(session, feed))


class RenderedFeeds:
    """The last few feed bodies rendered by this process, by ETag.

    Not state that must agree between processes: the ETag is derived from the
    database (feed, language, the sessions' count, latest change and sequences),
    and the body is a deterministic function of the same rows (DTSTAMP is the
    session's last change, not the clock), so every process renders the same bytes
    for the same ETag; this only saves rendering them again. A change to a session
    gives a new ETag, hence a new render. (Like the ETag itself, a renamed group or
    venue shows once one of its sessions changes.)
    """

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self.bodies: OrderedDict[tuple[str, str], bytes] = OrderedDict()

    async def get(self, session: AsyncSession, feed: Feed, etag: str, now: datetime) -> bytes:
        key = (feed.token_hash, etag)  # the token's hash too: unique per link, even where ids are reused
        body = self.bodies.get(key)
        if body is not None:
            self.bodies.move_to_end(key)
            return body
        body = await feed_calendar(session, feed, now)
        self.bodies[key] = body
        if len(self.bodies) > self.size:
            self.bodies.popitem(last=False)
        return body


RENDERED = RenderedFeeds()


async def feed_name(session: AsyncSession, feed: Feed) -> str:
    from groepsaanbod.accounts.models import Staff

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


async def calendar_for_sessions(session: AsyncSession, sessions: list[Session], language: str, name: str) -> bytes:
    programmes: dict[int, Programme] = {}
    cohorts: dict[int, Cohort] = {}
    venues: dict[int, Venue] = {}
    events = []
    for s in sessions:
        programme = programmes.get(s.programme_id) or await session.get(Programme, s.programme_id)
        programmes[s.programme_id] = programme
        cohort = None
        if s.cohort_id:
            cohort = cohorts.get(s.cohort_id) or await session.get(Cohort, s.cohort_id)
            cohorts[s.cohort_id] = cohort
        venue = None
        if s.venue_id:
            venue = venues.get(s.venue_id) or await session.get(Venue, s.venue_id)
            venues[s.venue_id] = venue
        title = pick(programme.name, language)
        events.append(
            FeedEvent(
                uid=f"session-{s.id}@groepsaanbod",
                local_start=s.local_start,
                timezone=s.timezone,
                duration_minutes=s.duration_minutes,
                summary=f"{title} – {cohort.name}" if cohort else title,
                description=pick(s.topic, language),
                location=f"{venue.name}, {venue.street}, {venue.postcode} {venue.city}" if venue else "",
                cancelled=s.status == "cancelled",
                sequence=s.sequence,
                last_modified=s.updated_at,
            )
        )
    return build_calendar(events, name)
