"""Whom a message to a participant goes to: her, in the language she reads (Participant.language),
not the language her group speaks (Registration.language)."""

from __future__ import annotations

from groepsaanbod.messaging.services.queue import Recipient
from groepsaanbod.registration.models import Participant


def participant_recipient(participant: Participant) -> Recipient:
    """The one place that turns a participant into a message's receiver. After she answered STOP
    by SMS her phone is left out: nothing more goes by SMS (with no email, nothing is sent)."""
    phone = None if participant.sms_stopped_at is not None else participant.phone
    return Recipient(participant.language, participant.email, phone, participant.id)
