"""The public offer for anyone: published programmes with their groups that are open for sign-up
or running, and those groups' meetings, as plain public data (linked_data.py).

What it reads, and what it leaves out on purpose: a programme's public texts, its organisation's
name, the names and addresses of the venues where it meets, the groups' language, place and
status, the group meetings' times and whether they are cancelled or moved. Never a person (no
member, facilitator, mentor or volunteer), never a group's own name (staff name groups freely,
e.g. after a member), no cancellation reason, no meeting topic, no individual meetings or
phone calls, no school class (a class's lessons are the school's, not an offer). Reads the
tables of programmes, cohorts, scheduling and organisations, read-only, in one place, so that
what becomes public is decided here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.cohorts.models import Cohort, CohortStatus
from groepsaanbod.opendata.filters import MAX_MEETINGS, MAX_PROGRAMMES, OfferQuery
from groepsaanbod.opendata.linked_data import PublicMeeting, PublicProgramme, PublicSeries, PublicVenue
from groepsaanbod.organisations.models import Venue
from groepsaanbod.programmes.models import Programme, SessionSpec
from groepsaanbod.programmes.services.catalogue import CatalogueEntry, find_in_catalogue, list_catalogue
from groepsaanbod.programmes.services.set_up import SLUG
from groepsaanbod.scheduling.models import Session

#: Groups anyone may know of: filling up, about to start, or meeting.
OPEN_STATUSES = (CohortStatus.FORMING, CohortStatus.CONFIRMED, CohortStatus.RUNNING)
DEFAULT_ZONE = "Europe/Amsterdam"


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def _venue(venue: Venue | None) -> PublicVenue | None:
    return PublicVenue(venue.name, venue.street, venue.postcode, venue.city) if venue else None


def _meeting(row: Session, venues: dict[int, Venue]) -> PublicMeeting:
    start = row.local_start.replace(tzinfo=_zone(row.timezone))
    return PublicMeeting(
        id=row.id,
        start=start,
        end=start + timedelta(minutes=row.duration_minutes),
        time_zone=row.timezone,
        status=row.status,
        moved=row.moved_from is not None,
        venue=_venue(venues.get(row.venue_id)) if row.venue_id else None,
    )


def _same_place(place: str | None, *cities: str) -> bool:
    return place is None or place.casefold() in {c.casefold() for c in cities if c}


def _public(entry: CatalogueEntry, base_url: str, language: str, series: tuple[PublicSeries, ...]) -> PublicProgramme:
    page = f"{base_url}/{language}/programmes/{entry.slug}"
    return PublicProgramme(
        slug=entry.slug,
        # Plain strings: the catalogue's texts carry their language, which JSON does not encode.
        name=str(entry.name),
        description=str(entry.description),
        audience=str(entry.audience),
        organisation=entry.organisation,
        languages=entry.languages,
        venues=tuple(PublicVenue(v.name, v.street, v.postcode, v.city) for v in entry.venues),
        text_language=entry.text_language,
        page_url=page,
        sign_up_url=None if entry.formation == "school_class" else f"{page}/register",
        series=series,
    )


async def _series_of(
    session: AsyncSession, programme_ids: dict[str, int], query: OfferQuery
) -> dict[int, list[PublicSeries]]:
    """Per programme id, its open or running groups with their group meetings in the period."""
    cohorts = list(
        await session.scalars(
            select(Cohort)
            .where(
                Cohort.programme_id.in_(programme_ids.values()),
                Cohort.status.in_(OPEN_STATUSES),
                Cohort.school_class_id.is_(None),
            )
            .order_by(Cohort.id)
        )
    )
    if query.language:
        cohorts = [c for c in cohorts if c.language == query.language]
    meetings: dict[int, list[Session]] = defaultdict(list)
    if cohorts:
        rows = await session.scalars(
            select(Session)
            .outerjoin(SessionSpec, SessionSpec.id == Session.spec_id)
            .where(
                Session.cohort_id.in_([c.id for c in cohorts]),
                Session.local_start >= datetime.combine(query.first_day, datetime.min.time()),
                Session.local_start < datetime.combine(query.last_day + timedelta(days=1), datetime.min.time()),
                or_(SessionSpec.kind == "group", Session.spec_id.is_(None)),
            )
            .order_by(Session.local_start, Session.id)
        )
        for row in rows:
            if row.cohort_id is not None:
                meetings[row.cohort_id].append(row)
    venue_ids = {c.venue_id for c in cohorts} | {m.venue_id for ms in meetings.values() for m in ms}
    venues = {v.id: v for v in await session.scalars(select(Venue).where(Venue.id.in_([i for i in venue_ids if i])))}
    found: dict[int, list[PublicSeries]] = defaultdict(list)
    for cohort in cohorts:
        mine = meetings.get(cohort.id, [])
        venue = venues.get(cohort.venue_id) if cohort.venue_id else None
        if not mine and not cohort.accepts_registrations:
            continue  # running, but not in this period: nothing to show
        if not _same_place(query.place, cohort.place, venue.city if venue else ""):
            continue
        found[cohort.programme_id].append(
            PublicSeries(
                id=cohort.id,
                language=cohort.language,
                place=cohort.place,
                status=cohort.status,
                open_for_sign_up=cohort.accepts_registrations,
                venue=_venue(venue),
                meetings=tuple(_meeting(m, venues) for m in mine[:MAX_MEETINGS]),
                more_meetings=len(mine) > MAX_MEETINGS,
            )
        )
    return found


async def _ids(session: AsyncSession, slugs: list[str]) -> dict[str, int]:
    rows = await session.execute(select(Programme.slug, Programme.id).where(Programme.slug.in_(slugs)))
    return {slug: pid for slug, pid in rows.all()}


async def _offer(
    session: AsyncSession, entries: list[CatalogueEntry], query: OfferQuery, base_url: str
) -> list[PublicProgramme]:
    if query.language:
        entries = [e for e in entries if e.offered_in(query.language)]
    ids = await _ids(session, [e.slug for e in entries])
    series = await _series_of(session, ids, query)
    offer = []
    for entry in entries:
        mine = tuple(series.get(ids[entry.slug], ()))
        if mine or _same_place(query.place, *entry.places):
            offer.append(_public(entry, base_url, query.text_language, mine))
    return offer


async def list_open_offer(
    session: AsyncSession, query: OfferQuery, base_url: str
) -> tuple[list[PublicProgramme], bool]:
    """The offer matching the query, by slug, at most MAX_PROGRAMMES; and whether there was more."""
    entries = sorted(await list_catalogue(session, query.text_language), key=lambda e: e.slug)
    offer = await _offer(session, entries, query, base_url)
    return offer[:MAX_PROGRAMMES], len(offer) > MAX_PROGRAMMES


async def find_open_programme(
    session: AsyncSession, slug: str, query: OfferQuery, base_url: str
) -> PublicProgramme | None:
    """One published programme with all its groups in the period; None for a draft, a withdrawn
    or an unknown slug (the query's place and language do not apply to one programme)."""
    if not SLUG.fullmatch(slug):
        return None  # no programme has it; and a NUL would be an error in PostgreSQL, not a miss
    entry = await find_in_catalogue(session, slug, query.text_language)
    if entry is None:
        return None
    return (await _offer(session, [entry], replace(query, place=None, language=None), base_url))[0]
