"""Where a registration stands. Pure, so the pure rules (privacy's retention, …) can name it too."""

from enum import StrEnum


class RegistrationStatus(StrEnum):
    """Stored as its text (String(16))."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    WITHDRAWN = "withdrawn"
