"""Whom a message to a participant goes to: her, in the language she reads (Participant.language),
not the language her group speaks (Registration.language)."""

from __future__ import annotations

from groepsaanbod.messaging.services.queue import Recipient
from groepsaanbod.registration.models import Participant


def participant_recipient(participant: Participant) -> Recipient:
    """The one place that turns a participant into a message's receiver."""
    return Recipient(participant.language, participant.email, participant.phone, participant.id)
