"""A cohort (one run of a template), its facilitators, and the school classes of THINK-like programmes."""

from __future__ import annotations

from datetime import date, time
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from groepsaanbod.db import Base, Timestamped
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate


class CohortStatus(StrEnum):
    """A cohort's life: proposed (by formation, editable) or forming (open enrolment, filling up),
    then confirmed, running, completed; or cancelled. Stored as its text (String(16))."""

    PROPOSED = "proposed"
    FORMING = "forming"
    CONFIRMED = "confirmed"
    RUNNING = "running"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class SchoolClass(Timestamped, Base):
    """A school class: the cohort of THINK-like programmes."""

    __tablename__ = "school_classes"
    __table_args__ = (UniqueConstraint("organisation_id", "class_name", "school_year", name="class_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    school_name: Mapped[str] = mapped_column(String(200))
    class_name: Mapped[str] = mapped_column(String(40))
    #: e.g. "2026-2027"
    school_year: Mapped[str] = mapped_column(String(9))
    #: noord | midden | zuid (school holiday region)
    region: Mapped[str] = mapped_column(String(8))
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    #: The mentor was invited (an account of another organisation): mentor_id is set when they accept.
    mentor_invitation_id: Mapped[int | None] = mapped_column(ForeignKey("staff_invitations.id", ondelete="SET NULL"))
    pupils: Mapped[int] = mapped_column(default=0)


class Cohort(Timestamped, Base):
    """One run of a template with its members, language, venue and facilitators."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    #: The template version this cohort started with; later edits do not touch it.
    template_id: Mapped[int] = mapped_column(ForeignKey("programme_templates.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(5))
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id", ondelete="SET NULL"))
    school_class_id: Mapped[int | None] = mapped_column(ForeignKey("school_classes.id", ondelete="SET NULL"))
    #: proposed (by cohort formation, editable) | forming (open enrolment, filling up)
    #: | confirmed | running | completed | cancelled
    status: Mapped[str] = mapped_column(String(16), default="forming")
    #: The town the group meets in (registrations choose a place).
    place: Mapped[str] = mapped_column(String(120), default="")
    #: New registrations for this language and place join this cohort (or its waiting list).
    accepts_registrations: Mapped[bool] = mapped_column(default=False)
    #: Due date the group is built around, or the start date.
    reference_date: Mapped[date | None]
    weekday: Mapped[int | None]
    start_time: Mapped[time | None]

    programme: Mapped[Programme] = relationship()
    template: Mapped[ProgrammeTemplate] = relationship()
    facilitators: Mapped[list[CohortFacilitator]] = relationship(cascade="all, delete-orphan")


class CohortFacilitator(Base):
    __tablename__ = "cohort_facilitators"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)
