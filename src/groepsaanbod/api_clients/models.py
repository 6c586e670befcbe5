from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from groepsaanbod.db import Base, UTCDateTime


class ApiClient(Base):
    """Another system that calls the API for one organisation, with a service token.

    The token is `ga_<public_id>_<secret>`; only the secret's SHA-256 is kept. The client acts
    through its own staff row (`staff_id`, a service account: not active, no password, no roles
    rows), so every service that records who did something names the client.
    """

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The token's recognisable middle part, also how the client is found.
    public_id: Mapped[str] = mapped_column(String(16), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    scopes: Mapped[list[str]] = mapped_column(default=list)
    #: SHA-256 of the secret in hex: a 256-bit random secret needs no slow hash.
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    #: The token works up to and including this day (UTC).
    expires_on: Mapped[date] = mapped_column(Date)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
