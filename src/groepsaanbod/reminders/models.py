from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from groepsaanbod.db import Base


class Reminder(Base):
    """A message due at a time, in the receiver's language, sent once.

    `dedupe_key` is unique, so planning the same reminder twice cannot send it twice.
    """

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    #: participant | staff
    recipient_kind: Mapped[str] = mapped_column(String(16))
    recipient_id: Mapped[int]
    #: email | sms
    channel: Mapped[str] = mapped_column(String(8))
    language: Mapped[str] = mapped_column(String(5))
    message_key: Mapped[str] = mapped_column(String(80))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    due_at: Mapped[datetime] = mapped_column(index=True)
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
