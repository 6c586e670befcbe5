from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from groepsaanbod.db import Base


class RateCounter(Base):
    """Hits of one rate-limited key in one time window, shared by every app process.

    The key is a hash (of an email address or network address with the kind of
    action), so the table holds no personal data.
    """

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(primary_key=True)
    hits: Mapped[int] = mapped_column(default=0)
