from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from groepsaanbod.db import Base, Timestamped
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate


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


class Session(Timestamped, Base):
    """A dated meeting of a cohort, or of a drop-in series (then cohort is empty).

    Planned in the venue's wall-clock time; the UTC moment is derived from it.
    """

    __tablename__ = "sessions"
    #: Reports choose a programme's meetings in a period.
    __table_args__ = (Index("ix_sessions_programme_starts_at", "programme_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    spec_id: Mapped[int | None] = mapped_column(ForeignKey("session_specs.id", ondelete="SET NULL"))
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id", ondelete="SET NULL"))
    local_start: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    starts_at: Mapped[datetime] = mapped_column(index=True)
    duration_minutes: Mapped[int]
    topic: Mapped[dict[str, str]] = mapped_column(default=dict)
    #: planned | cancelled | held
    status: Mapped[str] = mapped_column(String(16), default="planned")
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    #: Bumped on every change, for calendar feeds (iCalendar SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0)
    #: Meeting number within its cohort (1, 2, …).
    number: Mapped[int] = mapped_column(default=1)
    #: The date it would have had, when a closed day moved it.
    moved_from: Mapped[date | None]

    staff: Mapped[list[SessionStaff]] = relationship(cascade="all, delete-orphan")


class SessionStaff(Base):
    """Who facilitates a session, in which role."""

    __tablename__ = "session_staff"

    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class StaffAvailability(Base):
    """When a staff member can work for one organisation, per weekday (wall-clock time of the venue).

    Per organisation: a person working for two keeps two sets of hours, and one
    organisation's coordinators never change the other's.
    """

    __tablename__ = "staff_availability"
    __table_args__ = (Index("ix_staff_availability_staff_organisation", "staff_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    weekday: Mapped[int]
    starts: Mapped[time]
    ends: Mapped[time]


class StaffAbsence(Base):
    """A staff member cannot come: for one session, or for a period."""

    __tablename__ = "staff_absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(200), default="")
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    reported_at: Mapped[datetime]


class VenueOpening(Base):
    """Opening hours of a venue, per weekday (wall-clock time)."""

    __tablename__ = "venue_openings"

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int]
    opens: Mapped[time]
    closes: Mapped[time]


class VenueClosure(Base):
    """A venue or room cannot be used for a while (renovation, double let, …)."""

    __tablename__ = "venue_closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(200), default="")
