from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from groepsaanbod.db import Base


class Attendance(Base):
    """Who came to a session, or a head count for a drop-in (participant empty)."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "participant_id", name="session_participant"),)

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
    recorded_at: Mapped[datetime]
