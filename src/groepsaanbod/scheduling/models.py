from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from groepsaanbod.db import Base, Timestamped


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
    #: The language the reason was typed in (the writer's page or request language); None: unknown.
    cancel_reason_language: Mapped[str | None] = mapped_column(String(5))
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


class SeriesPlan(Timestamped, Base):
    """A drop-in series (a cohort of a drop-in programme): from when, until when (None: open-ended),
    and up to which day its meetings are planned. Open-ended series are topped up by the worker."""

    __tablename__ = "drop_in_series"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    planned_until: Mapped[date]
    ended: Mapped[bool] = mapped_column(default=False)


class SeriesPause(Base):
    """A drop-in series does not meet from `starts_on` to `ends_on` (holidays): no meetings then."""

    __tablename__ = "drop_in_pauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str] = mapped_column(String(200), default="")
    #: The language the reason was typed in; None: unknown.
    reason_language: Mapped[str | None] = mapped_column(String(5))


class RotaSwap(Base):
    """A volunteer asks another to take their place on one meeting: asked, then accepted or declined."""

    __tablename__ = "rota_swaps"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    from_staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    to_staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    #: asked | accepted | declined
    status: Mapped[str] = mapped_column(String(16), default="asked")
    asked_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]


class Appointment(Timestamped, Base):
    """A time offered for one person at an individual meeting (a phone call, an intake), and who has it.

    A free time has no registration. Taking one is a conditional UPDATE (`registration_id IS NULL`),
    so of two people choosing it at once exactly one gets it; one time per person per meeting.
    """

    __tablename__ = "appointments"
    __table_args__ = (
        UniqueConstraint("session_id", "local_start", name="uq_appointments_session_local_start"),
        UniqueConstraint("session_id", "registration_id", name="uq_appointments_session_registration"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    local_start: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    duration_minutes: Mapped[int]
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="SET NULL"), index=True)
    #: participant | staff: who chose this time for the person
    chosen_by: Mapped[str | None] = mapped_column(String(16))
    chosen_at: Mapped[datetime | None]
    #: Bumped whenever the time changes hands, for reminders and calendar feeds.
    sequence: Mapped[int] = mapped_column(default=0)


class GuestTeacherAvailability(Base):
    """What a guest teacher gives for one organisation's THINK lessons and when: the year planner's input."""

    __tablename__ = "guest_teacher_availability"
    __table_args__ = (UniqueConstraint("organisation_id", "staff_id", name="guest_teacher_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    #: The lesson topics they give, as the template names them in Dutch.
    topics: Mapped[list[str]] = mapped_column(default=list)
    #: 0 = Monday .. 4 = Friday
    weekdays: Mapped[list[Any]] = mapped_column(JSON, default=list)
    #: The Mondays (ISO dates) of the weeks they cannot teach.
    weeks_off: Mapped[list[str]] = mapped_column(default=list)
    max_lessons_per_week: Mapped[int] = mapped_column(default=4)
