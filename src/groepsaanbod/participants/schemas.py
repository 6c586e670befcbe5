"""What the participant's API gives."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class MyRegistrationOut:
    programme: str
    status: str
    waitlist_position: int | None
    group: str | None
    language: str
    place: str
