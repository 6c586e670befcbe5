from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from groepsaanbod.db import Base


class Attendance(Base):
    """Who came to a session, or a head count for a drop-in (participant empty)."""

    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("session_id", "participant_id", name="session_participant"),
        # Reports read a participant's marks per session; the register reads a session's marks.
        Index("ix_attendance_participant_session", "participant_id", "session_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    #: present | absent | head_count
    status: Mapped[str] = mapped_column(String(16))
    #: ill | excused | no_reason | gave_birth | other
    absence_reason: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    adults: Mapped[int] = mapped_column(default=0)
    children: Mapped[int] = mapped_column(default=0)
    partners: Mapped[int] = mapped_column(default=0)
    babies: Mapped[int] = mapped_column(default=0)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    #: When the value was recorded: the moment of saving, or, for a mark sent later from a phone
    #: (AttendanceMark), the moment it was made there. The later mark wins by this moment.
    recorded_at: Mapped[datetime]


class AttendanceMark(Base):
    """One mark as a phone sent it (the register offline): received once by its own id, however
    often it is sent. Kept also when it changed nothing because a later mark was recorded first:
    both are in the record."""

    __tablename__ = "attendance_marks"

    #: The id the phone gave it (a UUID, lower case).
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    #: Empty for a drop-in's head count.
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    #: present | absent | head_count
    value: Mapped[str] = mapped_column(String(16))
    #: An absence reason of the register, or empty.
    reason: Mapped[str | None] = mapped_column(String(16))
    adults: Mapped[int] = mapped_column(default=0)
    children: Mapped[int] = mapped_column(default=0)
    marked_at: Mapped[datetime]
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    received_at: Mapped[datetime]
    #: applied | outdated (a later mark of the same person was recorded already)
    outcome: Mapped[str] = mapped_column(String(12))


class SessionRegister(Base):
    """That the register of a session was taken, by whom and when; for drop-ins also
    the theme and speaker held and the volunteers who were there."""

    __tablename__ = "session_registers"

    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    taken_at: Mapped[datetime]
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime | None]
    theme: Mapped[str] = mapped_column(String(200), default="")
    speaker: Mapped[str] = mapped_column(String(200), default="")
    #: Staff ids of the volunteers present.
    volunteer_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)


class AttendanceSignal(Base):
    """A member who may be dropping out, on the coordinator's dashboard until handled."""

    __tablename__ = "attendance_signals"
    __table_args__ = (Index("ix_attendance_signals_open", "programme_id", "handled_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    #: missed_in_a_row | below_threshold
    kind: Mapped[str] = mapped_column(String(24))
    attended: Mapped[int] = mapped_column(default=0)
    recorded: Mapped[int] = mapped_column(default=0)
    raised_at: Mapped[datetime]
    handled_at: Mapped[datetime | None]
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    handled_note: Mapped[str] = mapped_column(Text, default="")


class AbsenceNotice(Base):
    """She can't come to this meeting. At most one live notice (withdrawn_at empty) per meeting and
    registration; the register shows it pre-filled as excused."""

    __tablename__ = "absence_notices"
    __table_args__ = (
        Index(
            "uq_absence_notices_live",
            "session_id",
            "registration_id",
            unique=True,
            postgresql_where=text("withdrawn_at IS NULL"),
            sqlite_where=text("withdrawn_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    #: One of the register's absence reasons (attendance.rules.ABSENCE_REASONS); excused when not given.
    reason: Mapped[str] = mapped_column(String(16), default="excused")
    #: page | link | sms
    via: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]
