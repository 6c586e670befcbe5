"""What the participant tells by link or SMS (her notice that she can't come is attendance.models.AbsenceNotice):
the one-meeting links in reminders that let her say so (absence_links), and SMS replies that were not
understood (sms_replies), which the coordinator reads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from groepsaanbod.db import Base


class AbsenceLink(Base):
    """The secret of a reminder's "can't come" link, kept hashed: scoped to one meeting and one
    registration, valid until the meeting starts."""

    __tablename__ = "absence_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    #: The reminder carrying it went by SMS: an SMS reply ("NEE") answers the latest such one.
    by_sms: Mapped[bool] = mapped_column(default=False)


class SmsReply(Base):
    """An SMS sent to the service: understood ones are acted on; the others wait for a coordinator."""

    __tablename__ = "sms_replies"
    __table_args__ = (Index("ix_sms_replies_open", "organisation_id", "handled_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The gateway's id of the message: the same message twice is taken once.
    message_id: Mapped[str] = mapped_column(String(100), unique=True)
    from_phone: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str | None] = mapped_column(String(500))
    received_at: Mapped[datetime]
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="SET NULL"), index=True)
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="SET NULL"))
    #: cannot_come | stop | unknown
    understood: Mapped[str] = mapped_column(String(16))
    handled_at: Mapped[datetime | None]
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
