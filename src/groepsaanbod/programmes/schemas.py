"""What the programmes API takes and gives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from groepsaanbod.programmes.models import Programme, ProgrammeTemplate
from groepsaanbod.programmes.services.catalogue import CatalogueEntry
from groepsaanbod.programmes.services.set_up import latest_template, published_template, template_data
from groepsaanbod.programmes.templates import template_to_data


@dataclass
class ProgrammeCreate:
    organisation_id: int
    template_key: str
    slug: str
    languages: list[str] | None = None


@dataclass
class ProgrammeUpdate:
    """Leave a field out to keep it. Texts are per language code: {"nl": "…", "pl": "…"}."""

    name: dict[str, str] | None = None
    description: dict[str, str] | None = None
    audience: dict[str, str] | None = None
    languages: list[str] | None = None
    venue_ids: list[int] | None = None
    slug: str | None = None


@dataclass
class TemplateRevision:
    """Fields of the template to change; the rest stays. See GET …/template for the shape."""

    min_group_size: int | None = None
    max_group_size: int | None = None
    completion_threshold: int | None = None
    sessions: list[dict[str, Any]] | None = None
    constraints: list[dict[str, Any]] | None = None
    rules: dict[str, Any] | None = None

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class TemplateOut:
    version: int
    published: bool
    template: dict[str, Any]


@dataclass
class VenueOut:
    id: int
    name: str
    city: str


@dataclass
class ProgrammeOut:
    id: int
    organisation_id: int
    slug: str
    template_key: str
    status: str
    name: dict[str, str]
    description: dict[str, str]
    audience: dict[str, str]
    languages: list[str]
    venues: list[VenueOut]
    latest_version: int
    published_version: int | None


def template_out(programme: Programme, template: ProgrammeTemplate) -> TemplateOut:
    return TemplateOut(
        version=template.version,
        published=template.published_at is not None,
        template=template_to_data(template_data(programme, template)),
    )


def programme_out(programme: Programme) -> ProgrammeOut:
    published = published_template(programme)
    return ProgrammeOut(
        id=programme.id,
        organisation_id=programme.organisation_id,
        slug=programme.slug,
        template_key=programme.template_key,
        status=programme.status,
        name=dict(programme.name),
        description=dict(programme.description),
        audience=dict(programme.audience),
        languages=list(programme.languages),
        venues=[VenueOut(v.id, v.name, v.city) for v in programme.venues],
        latest_version=latest_template(programme).version,
        published_version=published.version if published else None,
    )


@dataclass
class MeetingOut:
    kind: str
    count: int
    duration_minutes: int


@dataclass
class CatalogueItemOut:
    slug: str
    name: str
    description: str
    audience: str
    organisation: str
    languages: list[str]
    places: list[str]
    meeting_count: int
    meetings: list[MeetingOut] = field(default_factory=list)
    text_language: str = "nl"


def catalogue_out(entry: CatalogueEntry) -> CatalogueItemOut:
    return CatalogueItemOut(
        slug=entry.slug,
        # Plain strings: the texts' languages are not part of the encoded answer (text_language is).
        name=str(entry.name),
        description=str(entry.description),
        audience=str(entry.audience),
        organisation=entry.organisation,
        languages=list(entry.languages),
        places=list(entry.places),
        meeting_count=entry.meeting_count,
        meetings=[MeetingOut(m.kind, m.count, m.duration_minutes) for m in entry.meetings],
        text_language=entry.text_language,
    )


@dataclass
class BuiltinTemplateOut:
    key: str
    name: dict[str, str]
    template: dict[str, Any]
