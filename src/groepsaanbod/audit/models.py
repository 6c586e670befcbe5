from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from groepsaanbod.db import Base


class AuditEvent(Base):
    """One reading or change of personal data: who, what, when. Written once, never edited.

    `fields` names what was read or changed (`due_date`, `email`, …), never the values.
    """

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_organisation_at", "organisation_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    #: None when the participant or the system did it.
    actor_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="SET NULL"), index=True)
    #: read | change | export | erase | attendance
    action: Mapped[str] = mapped_column(String(20))
    #: Where: a page or API name such as "registrations" or "attendance".
    subject: Mapped[str] = mapped_column(String(60))
    fields: Mapped[list[str]] = mapped_column(default=list)
