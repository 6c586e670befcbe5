"""A meeting's status. Pure, so the rules (constraints.py) can name it too."""

from enum import StrEnum


class SessionStatus(StrEnum):
    """A meeting: planned, held, or cancelled. Stored as its text (String(16))."""

    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"
