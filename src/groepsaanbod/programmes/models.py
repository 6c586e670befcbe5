from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from groepsaanbod.db import Base, Timestamped
from groepsaanbod.organisations.models import Organisation, Venue

programme_venues = Table(
    "programme_venues",
    Base.metadata,
    Column("programme_id", ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True),
    Column("venue_id", ForeignKey("venues.id", ondelete="CASCADE"), primary_key=True),
)


class ProgrammeStatus(StrEnum):
    """draft (only staff see it) or published (in the public catalogue)."""

    DRAFT = "draft"
    PUBLISHED = "published"


class Programme(Timestamped, Base):
    """A programme an organisation offers, e.g. CenteringPregnancy in Huizen."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    #: The built-in template it was made from, e.g. "triple-p-group".
    template_key: Mapped[str] = mapped_column(String(80))
    name: Mapped[dict[str, str]]
    description: Mapped[dict[str, str]]
    audience: Mapped[dict[str, str]]
    languages: Mapped[list[str]]
    #: draft (only staff see it) or published (in the public catalogue)
    status: Mapped[str] = mapped_column(String(16), default=ProgrammeStatus.DRAFT)
    published_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()
    venues: Mapped[list[Venue]] = relationship(secondary=programme_venues, order_by="Venue.name")
    templates: Mapped[list[ProgrammeTemplate]] = relationship(
        back_populates="programme", order_by="ProgrammeTemplate.version", cascade="all, delete-orphan"
    )


class ProgrammeTemplate(Base):
    """One version of a programme's plan (draaiboek).

    A published version is never changed: an edit makes the next version, so
    cohorts keep the version they started with.
    """

    __tablename__ = "programme_templates"
    __table_args__ = (UniqueConstraint("programme_id", "version", name="programme_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    #: due_date | school_class | enrolment | drop_in
    formation: Mapped[str] = mapped_column(String(20))
    #: pregnancy_week | weekly | drop_in
    schedule: Mapped[str] = mapped_column(String(20))
    min_group_size: Mapped[int]
    max_group_size: Mapped[int]
    completion_threshold: Mapped[int]
    #: Extra rules: first-meeting window, child ages, reminders … (validated in templates.py).
    rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    programme: Mapped[Programme] = relationship(back_populates="templates")
    session_specs: Mapped[list[SessionSpec]] = relationship(
        back_populates="template", order_by="SessionSpec.position", cascade="all, delete-orphan"
    )
    constraints: Mapped[list[Constraint]] = relationship(
        back_populates="template", order_by="Constraint.id", cascade="all, delete-orphan"
    )


class SessionSpec(Base):
    """One planned meeting in a template."""

    __tablename__ = "session_specs"
    __table_args__ = (UniqueConstraint("template_id", "position", name="template_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("programme_templates.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    #: group | individual | phone
    kind: Mapped[str] = mapped_column(String(16))
    duration_minutes: Mapped[int]
    #: pregnancy_week | week_after_start | weeks_after_birth | weekly
    timing: Mapped[str] = mapped_column(String(24))
    week: Mapped[int | None]
    topic: Mapped[dict[str, str]]
    #: [{"role": "midwife", "count": 1}, …]
    roles: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    partners_invited: Mapped[bool] = mapped_column(default=False)
    with_babies: Mapped[bool] = mapped_column(default=False)

    template: Mapped[ProgrammeTemplate] = relationship(back_populates="session_specs")


class Constraint(Base):
    """A rule a session or cohort must satisfy (voorwaarde)."""

    __tablename__ = "constraints"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("programme_templates.id", ondelete="CASCADE"), index=True)
    #: role_present | min_role_count | trainer_speaks_language | group_size | pregnancy_window
    #: | no_school_holidays | no_double_booking
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    hard: Mapped[bool] = mapped_column(default=True)

    template: Mapped[ProgrammeTemplate] = relationship(back_populates="constraints")
