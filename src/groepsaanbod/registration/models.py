from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from groepsaanbod.db import Base, Timestamped
from groepsaanbod.programmes.models import Programme


class Participant(Timestamped, Base):
    """A person who registers, without an account."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    language: Mapped[str] = mapped_column(String(5), default="nl")
    postcode: Mapped[str | None] = mapped_column(String(10))
    #: Health data: asked only by pregnancy programmes, with consent.
    due_date: Mapped[date | None]
    child_birth_date: Mapped[date | None]


class Registration(Timestamped, Base):
    """A participant's sign-up for a programme, later placed in a cohort."""

    __tablename__ = "registrations"
    __table_args__ = (UniqueConstraint("participant_id", "programme_id", name="participant_programme"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"), index=True)
    #: pending | confirmed | waitlisted | withdrawn
    status: Mapped[str] = mapped_column(String(16), default="pending")
    waitlist_position: Mapped[int | None]
    #: Place, part of the day, … as asked by the programme.
    preferences: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Hash of the private link's secret (the secret itself is never stored).
    access_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)

    participant: Mapped[Participant] = relationship()
    programme: Mapped[Programme] = relationship()
