from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from groepsaanbod.db import Base


class Feed(Base):
    """A secret, revocable iCal URL for one staff member, participant, cohort or venue."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the URL's secret; the secret itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: staff | participant | cohort | venue
    subject_kind: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int] = mapped_column(index=True)
    language: Mapped[str] = mapped_column(String(5), default="nl")
    created_at: Mapped[datetime]
    #: Who made a group's or a location's link: it stops when they leave that organisation.
    made_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None]
