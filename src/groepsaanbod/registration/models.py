from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, text
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
    #: When the personal data above was erased (at the person's request or after the retention time).
    erased_at: Mapped[datetime | None]
    #: She answered STOP by SMS: no more messages by SMS (participant_recipient leaves out the phone).
    sms_stopped_at: Mapped[datetime | None]


class Registration(Timestamped, Base):
    """A participant's sign-up for a programme, later placed in a cohort."""

    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("participant_id", "programme_id", name="participant_programme"),
        # A cohort's head count and the end of its waiting list (one backward step), read on
        # every sign-up under the cohort's lock.
        Index("ix_registrations_cohort_status_position", "cohort_id", "status", "waitlist_position"),
        Index("ix_registrations_programme_status", "programme_id", "status"),
        # One live registration per person and programme, also when two arrive at once.
        Index(
            "uq_registrations_programme_email",
            "programme_id",
            "contact_email",
            unique=True,
            postgresql_where=text("status <> 'withdrawn' AND contact_email IS NOT NULL"),
            sqlite_where=text("status <> 'withdrawn' AND contact_email IS NOT NULL"),
        ),
        Index(
            "uq_registrations_programme_phone",
            "programme_id",
            "contact_phone",
            unique=True,
            postgresql_where=text("status <> 'withdrawn' AND contact_phone IS NOT NULL"),
            sqlite_where=text("status <> 'withdrawn' AND contact_phone IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"))
    #: pending | confirmed | waitlisted | offered | withdrawn
    status: Mapped[str] = mapped_column(String(16), default="pending")
    waitlist_position: Mapped[int | None]
    #: An offered place is held until this moment (status offered); then it goes to the next.
    offered_until: Mapped[datetime | None] = mapped_column(index=True)
    #: The programme language the person chose, and the town they want to meet in.
    language: Mapped[str] = mapped_column(String(5), default="nl")
    place: Mapped[str] = mapped_column(String(120), default="")
    #: The participant's normalised email and phone, kept here for the uniqueness rule above.
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    consented_at: Mapped[datetime | None]
    #: Which consent text the person agreed to, and in which language it was shown.
    consent_version: Mapped[str | None] = mapped_column(String(20))
    consent_language: Mapped[str | None] = mapped_column(String(5))
    confirmed_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    #: Place, part of the day, … as asked by the programme.
    preferences: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Support needs (interpreter, childcare, partner, travel, access; registration/support.py
    #: gives the shape); None when she asked for nothing. Personal data: erased with the person.
    support: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    #: Hash of the private link's secret (the secret itself is never stored).
    access_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    access_revoked_at: Mapped[datetime | None]
    #: The private link stops working after this moment; a new one can be sent.
    access_expires_at: Mapped[datetime | None]
    #: How she wants meeting reminders: email | sms | both | none; None: email, else SMS.
    reminder_channels: Mapped[str | None] = mapped_column(String(8))
    #: Hours before a meeting she chose (one of the template's reminder_choices_hours);
    #: None: the template's reminder_hours.
    reminder_hours: Mapped[int | None]

    participant: Mapped[Participant] = relationship()
    programme: Mapped[Programme] = relationship()


class RegistrationLink(Base):
    """A further private link to a registration, sent when someone signs up again with the
    person's email or phone: the link the person has keeps working, so whoever typed their
    address cannot stop it. Only the hash of the secret is stored; it ends with the
    registration's own link (withdrawal, erasure) or at `expires_at`."""

    __tablename__ = "registration_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
