"""What the participant's API gives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class MyRegistrationOut:
    programme: str
    status: str
    waitlist_position: int | None
    group: str | None
    #: The language you read: your messages, links and calendar files are in it.
    language: str
    place: str
    #: Status offered: the place is held for you until then (accept or decline it).
    offered_until: datetime | None = None
    #: The language spoken in your group.
    group_language: str = ""
