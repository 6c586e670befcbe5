"""Use cases of programmes: create_programme, change_programme, revise_template,
publish_programme, and reading them back for staff."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import column, func, select, table
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from groepsaanbod.access.roles import PROGRAMME_EDITORS
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.i18n.languages import LANGUAGE_CODES
from groepsaanbod.i18n.text import N_
from groepsaanbod.organisations.models import Venue
from groepsaanbod.programmes import errors
from groepsaanbod.programmes.errors import ProgrammeError, ProgrammeNotFound
from groepsaanbod.programmes.library import builtin_templates
from groepsaanbod.programmes.models import Constraint, Programme, ProgrammeStatus, ProgrammeTemplate, SessionSpec
from groepsaanbod.programmes.templates import (
    ConstraintData,
    RoleNeed,
    SessionSpecData,
    TemplateData,
    check_template,
    template_to_data,
)
from groepsaanbod.refusals import Problem

log = logging.getLogger(__name__)
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$")
TEXT_FIELDS = ("name", "description", "audience")
#: What a coordinator may change in a template; the rest follows from the built-in one.
REVISABLE = ("min_group_size", "max_group_size", "completion_threshold", "sessions", "constraints", "rules")


# -- reading -----------------------------------------------------------------


def _with_everything() -> tuple[LoaderOption, ...]:
    return (
        selectinload(Programme.venues),
        selectinload(Programme.organisation),
        selectinload(Programme.templates).selectinload(ProgrammeTemplate.session_specs),
        selectinload(Programme.templates).selectinload(ProgrammeTemplate.constraints),
    )


async def list_programmes(session: AsyncSession, viewer: Viewer) -> list[Programme]:
    """The programmes of the organisations where the viewer may edit programmes."""
    orgs = viewer.organisations_with(PROGRAMME_EDITORS)
    rows = await session.scalars(
        select(Programme)
        .options(*_with_everything())
        .where(Programme.organisation_id.in_(orgs))
        .order_by(Programme.slug)
    )
    return list(rows)


async def get_programme(session: AsyncSession, viewer: Viewer, programme_id: int) -> Programme:
    orgs = viewer.organisations_with(PROGRAMME_EDITORS)
    programme = await session.scalar(
        select(Programme)
        .options(*_with_everything())
        .where(Programme.id == programme_id)
        .execution_options(populate_existing=True)
    )
    if programme is None or programme.organisation_id not in orgs:
        raise ProgrammeNotFound()
    return programme


def latest_template(programme: Programme) -> ProgrammeTemplate:
    return max(programme.templates, key=lambda t: t.version)


def published_template(programme: Programme) -> ProgrammeTemplate | None:
    published = [t for t in programme.templates if t.published_at is not None]
    return max(published, key=lambda t: t.version) if published else None


@dataclass(frozen=True)
class ProgrammeEditing:
    """What the edit page shows: the programme, its newest and its published template version, the
    newest as plain data (the form's values), and the venues of its organisation to offer it at."""

    programme: Programme
    latest: ProgrammeTemplate
    published: ProgrammeTemplate | None
    template: dict[str, Any]
    venues: list[Venue]


async def programme_for_editing(session: AsyncSession, viewer: Viewer, programme_id: int) -> ProgrammeEditing:
    programme = await get_programme(session, viewer, programme_id)
    latest = latest_template(programme)
    venues = await session.scalars(
        select(Venue).where(Venue.organisation_id == programme.organisation_id).order_by(Venue.name)
    )
    return ProgrammeEditing(
        programme=programme,
        latest=latest,
        published=published_template(programme),
        template=template_to_data(template_data(programme, latest)),
        venues=list(venues),
    )


def template_data(programme: Programme, template: ProgrammeTemplate) -> TemplateData:
    """Rebuild the pure template from its rows."""
    return TemplateData(
        key=programme.template_key,
        name=dict(programme.name),
        description=dict(programme.description),
        audience=dict(programme.audience),
        formation=template.formation,
        schedule=template.schedule,
        min_group_size=template.min_group_size,
        max_group_size=template.max_group_size,
        completion_threshold=template.completion_threshold,
        languages=tuple(programme.languages),
        sessions=tuple(
            SessionSpecData(
                kind=s.kind,
                duration_minutes=s.duration_minutes,
                timing=s.timing,
                week=s.week,
                topic=dict(s.topic),
                roles=tuple(RoleNeed(r["role"], r.get("count", 1)) for r in s.roles),
                partners_invited=s.partners_invited,
                with_babies=s.with_babies,
            )
            for s in template.session_specs
        ),
        constraints=tuple(ConstraintData(c.kind, dict(c.params), c.hard) for c in template.constraints),
        rules=dict(template.rules),
    )


# -- writing -----------------------------------------------------------------


def _fill_template(row: ProgrammeTemplate, data: TemplateData) -> None:
    row.formation = data.formation
    row.schedule = data.schedule
    row.min_group_size = data.min_group_size
    row.max_group_size = data.max_group_size
    row.completion_threshold = data.completion_threshold
    row.rules = dict(data.rules)
    row.session_specs = [
        SessionSpec(
            position=index + 1,
            kind=s.kind,
            duration_minutes=s.duration_minutes,
            timing=s.timing,
            week=s.week,
            topic=dict(s.topic),
            roles=[{"role": r.role, "count": r.count} for r in s.roles],
            partners_invited=s.partners_invited,
            with_babies=s.with_babies,
        )
        for index, s in enumerate(data.sessions)
    ]
    row.constraints = [Constraint(kind=c.kind, params=dict(c.params), hard=c.hard) for c in data.constraints]


def _check_languages(languages: Any) -> list[str]:
    if not isinstance(languages, list) or not languages or any(code not in LANGUAGE_CODES for code in languages):
        raise ProgrammeError.single(
            "languages", N_("Choose one or more languages from: %(allowed)s."), allowed=", ".join(LANGUAGE_CODES)
        )
    return list(dict.fromkeys(languages))


async def _check_slug(session: AsyncSession, slug: str, programme_id: int | None = None) -> str:
    slug = slug.strip().lower()
    if not SLUG.match(slug):
        raise ProgrammeError.single("slug", errors.SLUG_FORM)
    taken = await session.scalar(
        select(func.count()).select_from(Programme).where(Programme.slug == slug, Programme.id != (programme_id or 0))
    )
    if taken:
        raise ProgrammeError.single("slug", errors.SLUG_TAKEN)
    return slug


@dataclass(frozen=True)
class NewProgramme:
    organisation_id: int
    template_key: str
    slug: str
    languages: list[str] | None = None


async def create_programme(session: AsyncSession, viewer: Viewer, new: NewProgramme, now: datetime) -> Programme:
    """A new draft programme, copied from a built-in template."""
    if new.organisation_id not in viewer.organisations_with(PROGRAMME_EDITORS):
        raise ProgrammeError.single("organisation_id", errors.NOT_YOUR_ORGANISATION)
    builtin = builtin_templates().get(new.template_key)
    if builtin is None:
        raise ProgrammeError.single("template_key", errors.UNKNOWN_TEMPLATE, allowed=", ".join(builtin_templates()))
    slug = await _check_slug(session, new.slug)
    languages = _check_languages(new.languages) if new.languages is not None else list(builtin.languages)
    programme = Programme(
        organisation_id=new.organisation_id,
        slug=slug,
        template_key=builtin.key,
        name=dict(builtin.name),
        description=dict(builtin.description),
        audience=dict(builtin.audience),
        languages=languages,
        status=ProgrammeStatus.DRAFT,
    )
    first = ProgrammeTemplate(version=1, created_at=now)
    _fill_template(first, builtin)
    programme.templates = [first]
    session.add(programme)
    await session.commit()
    log.info("programme created", extra={"programme_id": programme.id, "by": viewer.staff_id})
    return await get_programme(session, viewer, programme.id)


@dataclass(frozen=True)
class ProgrammeChanges:
    """Texts per language, languages offered, venues and web address; None keeps a value."""

    name: dict[str, str] | None = None
    description: dict[str, str] | None = None
    audience: dict[str, str] | None = None
    languages: list[str] | None = None
    venue_ids: list[int] | None = None
    slug: str | None = None


async def change_programme(
    session: AsyncSession, viewer: Viewer, programme_id: int, changes: ProgrammeChanges
) -> Programme:
    programme = await get_programme(session, viewer, programme_id)
    problems: list[Problem] = []
    texts: dict[str, dict[str, str]] = {}
    for field in TEXT_FIELDS:
        value = getattr(changes, field)
        if value is None:
            continue
        # The template checker knows the rules for translated texts; reuse it.
        probe = check_template({field: value})
        problems.extend(p for p in probe.problems if p.field.split(".")[0] == field)
        texts[field] = {code: text.strip() for code, text in value.items() if text and text.strip()}
    if problems:
        raise ProgrammeError(problems)
    languages = _check_languages(changes.languages) if changes.languages is not None else None
    slug = await _check_slug(session, changes.slug, programme.id) if changes.slug is not None else None
    venues = None
    if changes.venue_ids is not None:
        venues = list(await session.scalars(select(Venue).where(Venue.id.in_(changes.venue_ids))))
        if len(venues) != len(set(changes.venue_ids)) or any(
            v.organisation_id != programme.organisation_id for v in venues
        ):
            raise ProgrammeError.single("venue_ids", errors.UNKNOWN_VENUE)
    for field, value in texts.items():
        setattr(programme, field, value)
    if languages is not None:
        programme.languages = languages
    if slug is not None:
        programme.slug = slug
    if venues is not None:
        programme.venues = venues
    await session.commit()
    log.info("programme changed", extra={"programme_id": programme.id, "by": viewer.staff_id})
    return await get_programme(session, viewer, programme.id)


async def revise_template(
    session: AsyncSession, viewer: Viewer, programme_id: int, revision: dict[str, Any], *, now: datetime
) -> ProgrammeTemplate:
    """Change meetings, durations, group sizes or rules.

    A draft version is changed in place; a published one is left as it is (its
    cohorts keep it) and the change becomes the next version, a draft until
    published.
    """
    programme = await get_programme(session, viewer, programme_id)
    current = latest_template(programme)
    proposed = template_to_data(template_data(programme, current))
    proposed.update({k: v for k, v in revision.items() if k in REVISABLE})
    check = check_template(proposed)
    if not check.ok:
        raise ProgrammeError(check.problems)
    assert check.template is not None
    if current.published_at is None and not await _has_cohorts(session, current):
        target = current
        # Old meetings go first: the unit of work inserts before it deletes, and
        # (template, position) is unique.
        target.session_specs.clear()
        target.constraints.clear()
        await session.flush()
    else:
        target = ProgrammeTemplate(version=current.version + 1, created_at=now)
        programme.templates.append(target)
    _fill_template(target, check.template)
    await session.commit()
    log.info("template revised", extra={"programme_id": programme.id, "version": target.version, "by": viewer.staff_id})
    return target


#: Cohorts name the template version they started with. Read as a table: cohorts sit above
#: programmes on the ladder (a cohort knows its programme, not the other way round).
_COHORTS = table("cohorts", column("template_id"))


async def _has_cohorts(session: AsyncSession, template: ProgrammeTemplate) -> bool:
    in_use = select(func.count()).select_from(_COHORTS).where(_COHORTS.c.template_id == template.id)
    return bool(await session.scalar(in_use))


async def publish_programme(session: AsyncSession, viewer: Viewer, programme_id: int, now: datetime) -> Programme:
    """Put the programme in the public catalogue with its newest template version."""
    programme = await get_programme(session, viewer, programme_id)
    newest = latest_template(programme)
    if newest.published_at is None:
        newest.published_at = now
    programme.status = ProgrammeStatus.PUBLISHED
    programme.published_at = programme.published_at or now
    await session.commit()
    log.info(
        "programme published", extra={"programme_id": programme.id, "version": newest.version, "by": viewer.staff_id}
    )
    return await get_programme(session, viewer, programme.id)


async def withdraw_programme(session: AsyncSession, viewer: Viewer, programme_id: int) -> Programme:
    """Take the programme out of the public catalogue (cohorts go on)."""
    programme = await get_programme(session, viewer, programme_id)
    programme.status = ProgrammeStatus.DRAFT
    await session.commit()
    log.info("programme withdrawn from catalogue", extra={"programme_id": programme.id, "by": viewer.staff_id})
    return await get_programme(session, viewer, programme.id)
