from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from groepsaanbod.access.roles import ROLES
from groepsaanbod.db import Base, Timestamped, UTCDateTime
from groepsaanbod.organisations.models import Organisation

_ROLE_LIST = ", ".join(f"'{r}'" for r in ROLES)


class Staff(Timestamped, Base):
    """A person who works for one or more organisations."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(5), default="nl")
    active: Mapped[bool] = mapped_column(default=True)
    #: Languages this person can lead a group in (trainers, guest teachers).
    spoken_languages: Mapped[list[str]] = mapped_column(default=list)
    #: The TOTP second factor's shared secret (base32), encrypted (protection/encryption.py);
    #: None until the person sets it up.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    #: The last TOTP time step accepted, so a code works only once.
    totp_last_step: Mapped[int | None]

    roles: Mapped[list[Role]] = relationship(back_populates="staff", cascade="all, delete-orphan")


class Role(Base):
    """One role a staff member holds in one organisation."""

    __tablename__ = "roles"
    __table_args__ = (
        UniqueConstraint("staff_id", "organisation_id", "role", name="staff_org_role"),
        CheckConstraint(f"role IN ({_ROLE_LIST})", name="known_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))

    staff: Mapped[Staff] = relationship(back_populates="roles")
    organisation: Mapped[Organisation] = relationship()


class StaffSession(Base):
    """A server-side sign-in; the cookie holds a random token, the table its hash."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: A second-factor code was given in this session.
    second_factor_done: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: A TOTP secret the server made for this person to set up (encrypted), until a code confirms it.
    pending_totp_secret: Mapped[str | None] = mapped_column(String(255))


class RecoveryCode(Base):
    """One recovery code of the second factor (hash only); each works once instead of a TOTP code."""

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("staff_id", "code_hash", name="staff_recovery_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AccountToken(Base):
    """A one-time link for a staff member: a password reset or an invitation (hash only)."""

    __tablename__ = "account_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    #: reset | invite
    purpose: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class InvitationStatus(StrEnum):
    """What became of an invitation. Open until the person answers or the admin withdraws it.
    Stored as its text (String(12)); "expired" is only shown, never stored (an open one past its time)."""

    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


_STATUS_LIST = ", ".join(f"'{s}'" for s in InvitationStatus)


class StaffInvitation(Base):
    """An organisation asks a person to work with it, with roles.

    The person joins only by accepting it: signed in as the account of this address,
    or, for an address without a usable account, by choosing a password through its
    link. Until then the organisation sees only what its admin typed.
    """

    __tablename__ = "staff_invitations"
    __table_args__ = (
        Index("ix_staff_invitations_organisation_status", "organisation_id", "status"),
        CheckConstraint(f"status IN ({_STATUS_LIST})", name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    #: Normalised (lower case); the account it is for is found by this address.
    email: Mapped[str] = mapped_column(String(254), index=True)
    #: The name as the inviting admin typed it (never the account's own name).
    full_name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(default=list)
    #: The language of the message to a new address (an account gets its own language).
    language: Mapped[str] = mapped_column(String(5), default="nl")
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12), default="open")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The account that accepted or declined it.
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
