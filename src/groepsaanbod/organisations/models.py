from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from groepsaanbod.db import Base, Timestamped


class Organisation(Timestamped, Base):
    """A provider that runs programmes; the boundary of what its staff may see."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: municipality, cjg, midwifery_practice, school, foundation
    kind: Mapped[str] = mapped_column(String(40))
    city: Mapped[str] = mapped_column(String(120))
    #: All staff must use a second factor (admins always must).
    require_second_factor: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: A school's holiday region (noord | midden | zuid): its classes' lessons skip that region's breaks.
    #: None until a coordinator chooses it: the place alone does not say it reliably.
    school_region: Mapped[str | None] = mapped_column(String(8))
    #: Who at the school hears when a lesson is cancelled (a school office, say).
    contact_email: Mapped[str | None] = mapped_column(String(254))

    venues: Mapped[list[Venue]] = relationship(back_populates="organisation", order_by="Venue.name")


class Venue(Timestamped, Base):
    """Where meetings happen."""

    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    street: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(10))
    city: Mapped[str] = mapped_column(String(120), index=True)
    capacity: Mapped[int]
    #: Per language: step-free access, lift, parking, …
    accessibility: Mapped[dict[str, str]] = mapped_column(default=dict)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")

    organisation: Mapped[Organisation] = relationship(back_populates="venues")


class VenueOpening(Base):
    """Opening hours of a venue, per weekday (wall-clock time)."""

    __tablename__ = "venue_openings"

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int]
    opens: Mapped[time]
    closes: Mapped[time]


class VenueClosure(Base):
    """A venue or room cannot be used for a while (renovation, double let, …)."""

    __tablename__ = "venue_closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(200), default="")
