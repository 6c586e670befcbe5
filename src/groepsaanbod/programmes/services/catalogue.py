"""The public catalogue: published programmes, as a participant sees them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from groepsaanbod.i18n.text import Shown, picked_language, shown
from groepsaanbod.programmes.counts import counts_of, filled
from groepsaanbod.programmes.models import Programme, ProgrammeStatus, ProgrammeTemplate
from groepsaanbod.programmes.services.set_up import published_template


@dataclass(frozen=True)
class MeetingSummary:
    kind: str
    count: int
    duration_minutes: int


@dataclass(frozen=True)
class VenueSummary:
    name: str
    street: str
    postcode: str
    city: str
    #: In the page's language, else the fallback's (then marked with its `lang` on the page).
    accessibility: Shown


@dataclass(frozen=True)
class CatalogueEntry:
    slug: str
    #: Each text carries its language: a fallback (Dutch, English) is marked on the page.
    name: Shown
    description: Shown
    audience: Shown
    organisation: str
    languages: tuple[str, ...]
    places: tuple[str, ...]
    venues: tuple[VenueSummary, ...]
    meetings: tuple[MeetingSummary, ...]
    meeting_count: int
    schedule: str
    formation: str
    min_group_size: int
    max_group_size: int
    #: Language the texts are shown in (differs from the page's when not translated).
    text_language: str

    def offered_in(self, language: str) -> bool:
        return language in self.languages


def _summarise(template: ProgrammeTemplate) -> tuple[MeetingSummary, ...]:
    """Group meetings by kind and length: '9 group meetings of 120 minutes'."""
    counts: dict[tuple[str, int], int] = {}
    for spec in template.session_specs:
        key = (spec.kind, spec.duration_minutes)
        counts[key] = counts.get(key, 0) + 1
    return tuple(MeetingSummary(kind, n, minutes) for (kind, minutes), n in counts.items())


def _entry(programme: Programme, template: ProgrammeTemplate, language: str) -> CatalogueEntry:
    counts = counts_of([s.kind for s in template.session_specs], template.min_group_size, template.max_group_size)
    return CatalogueEntry(
        slug=programme.slug,
        name=shown(programme.name, language),
        # Numbers in the texts ({group_meetings}, …) come from the published template.
        description=filled(shown(programme.description, language), language, counts),
        audience=filled(shown(programme.audience, language), language, counts),
        organisation=programme.organisation.name,
        languages=tuple(programme.languages),
        places=tuple(sorted({v.city for v in programme.venues})),
        venues=tuple(
            VenueSummary(v.name, v.street, v.postcode, v.city, shown(v.accessibility, language))
            for v in programme.venues
        ),
        meetings=_summarise(template),
        meeting_count=len(template.session_specs),
        schedule=template.schedule,
        formation=template.formation,
        min_group_size=template.min_group_size,
        max_group_size=template.max_group_size,
        text_language=picked_language(programme.description, language) or language,
    )


async def _published(session: AsyncSession) -> list[Programme]:
    rows = await session.scalars(
        select(Programme)
        .options(
            selectinload(Programme.venues),
            selectinload(Programme.organisation),
            selectinload(Programme.templates).selectinload(ProgrammeTemplate.session_specs),
        )
        .where(Programme.status == ProgrammeStatus.PUBLISHED)
        .order_by(Programme.slug)
    )
    return list(rows)


async def list_catalogue(session: AsyncSession, language: str, place: str | None = None) -> list[CatalogueEntry]:
    """Published programmes, those offered in `language` first, optionally in one place."""
    entries = []
    for programme in await _published(session):
        template = published_template(programme)
        if template is None:
            continue
        entry = _entry(programme, template, language)
        if place and place not in entry.places:
            continue
        entries.append(entry)
    entries.sort(key=lambda e: (not e.offered_in(language), e.name.lower()))
    return entries


async def list_places(session: AsyncSession) -> list[str]:
    places = {v.city for p in await _published(session) for v in p.venues}
    return sorted(places)


async def find_in_catalogue(session: AsyncSession, slug: str, language: str) -> CatalogueEntry | None:
    programme = await session.scalar(
        select(Programme)
        .options(
            selectinload(Programme.venues),
            selectinload(Programme.organisation),
            selectinload(Programme.templates).selectinload(ProgrammeTemplate.session_specs),
        )
        .where(Programme.slug == slug, Programme.status == ProgrammeStatus.PUBLISHED)
    )
    if programme is None:
        return None
    template = published_template(programme)
    return _entry(programme, template, language) if template else None
