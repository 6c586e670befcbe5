"""Where a registration stands. Pure, so the pure rules (privacy's retention, …) can name it too."""

from enum import StrEnum


class RegistrationStatus(StrEnum):
    """Stored as its text (String(16))."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    #: A freed place is held for this person until Registration.offered_until: they accept it from
    #: their private link, or it goes to the next on the waiting list (registration/services/offers.py).
    OFFERED = "offered"
    WITHDRAWN = "withdrawn"
