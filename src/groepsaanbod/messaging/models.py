from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from groepsaanbod.db import Base


class OutboxMessage(Base):
    """A message rendered in the receiver's language, waiting to be delivered.

    Written in the same transaction as the change it tells about, so a message
    exists exactly when the change does. `dedupe_key` is unique: the same event
    cannot queue the same message twice.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        # Workers claim the oldest unsent message: this index holds only those, in id order.
        Index(
            "ix_outbox_messages_unsent",
            "id",
            postgresql_where=text("sent_at IS NULL AND failed_at IS NULL"),
            sqlite_where=text("sent_at IS NULL AND failed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    #: email | sms
    channel: Mapped[str] = mapped_column(String(8))
    to_address: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(5))
    #: What it is about, e.g. registration_confirmed (for reports and tests).
    kind: Mapped[str] = mapped_column(String(40), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(index=True)
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    #: Not before this moment (retries back off); None: as soon as possible.
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)
    #: Given up after too many failed attempts; shown to staff.
    failed_at: Mapped[datetime | None]
    #: The organisation whose staff see a failure (None for messages of no one organisation).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    #: The participant it was sent to (None for staff and schools): her data export lists these,
    #: and erasing her deletes them, whichever address they went to.
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)

    #: A sender's claim (delivery.py): its random token, and until when other workers keep away.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None]

    @property
    def message_id(self) -> str:
        return message_id_of(self.id)


def message_id_of(outbox_id: int) -> str:
    """Stable across retries: a receiver can tell a repeat from a new message."""
    return f"<outbox-{outbox_id}@groepsaanbod>"
