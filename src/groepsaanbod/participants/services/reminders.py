"""A participant's own reminders: own_reminders (what she may choose and what she chose) and
choose_reminders (by email, SMS, both or none; and, where the programme lets her, how many hours
before a meeting). The rules are the template's (programmes/templates/reminders.py); her choice
is kept on her registration and followed by reminders/services.py."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.history.services import Subject, record
from groepsaanbod.i18n.text import N_
from groepsaanbod.programmes.models import ProgrammeTemplate
from groepsaanbod.programmes.templates.reminders import REMINDER_CHANNELS, member_hours, reminder_choices
from groepsaanbod.registration.errors import RegistrationRefused
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.registration.services.registrations import find_registration
from groepsaanbod.registration.status import RegistrationStatus

log = logging.getLogger(__name__)

NO_REMINDERS_HERE = N_("This programme sends no reminders, so there is nothing to choose.")
STOPPED = N_("You have stopped, so you get no reminders.")
CHOOSE_A_CHANNEL = N_("Choose how you want your reminders: by email, by text message (SMS), both, or none.")
NO_EMAIL = N_("We have no email address for you. Choose text message (SMS), or no reminders.")
NO_PHONE = N_("We have no mobile number for you. Choose email, or no reminders.")
CHOOSE_HOURS = N_("Choose one of these times before a meeting: %(allowed)s hours.")
NO_HOURS_CHOICE = N_("In this programme you cannot choose the time of your reminders.")


@dataclass(frozen=True)
class ReminderChoice:
    """What she asks for: channels (email | sms | both | none) and hours before (None: the usual)."""

    channels: str
    hours: int | None = None


@dataclass(frozen=True)
class OwnReminders:
    registration: Registration
    participant: Participant
    #: The times she may choose from (largest first); empty when she cannot choose.
    choices: list[int]
    #: The template's own times, for everyone who did not choose.
    usual: list[int]

    @property
    def offered(self) -> bool:
        return bool(self.choices or self.usual)

    @property
    def hours(self) -> list[int]:
        """The hours before each meeting she is reminded now."""
        r = self.registration
        return member_hours(
            {"reminder_hours": self.usual, "reminder_choices_hours": self.choices},
            r.reminder_channels,
            r.reminder_hours,
        )


async def _rules(session: AsyncSession, registration: Registration) -> dict[str, Any]:
    """The rules of her group's template, or (no group yet) of the programme's latest published one."""
    template_id = None
    if registration.cohort_id is not None:
        template_id = await session.scalar(select(Cohort.template_id).where(Cohort.id == registration.cohort_id))
    if template_id is None:
        template_id = await session.scalar(
            select(ProgrammeTemplate.id)
            .where(
                ProgrammeTemplate.programme_id == registration.programme_id,
                ProgrammeTemplate.published_at.is_not(None),
            )
            .order_by(ProgrammeTemplate.version.desc())
            .limit(1)
        )
    template = await session.get(ProgrammeTemplate, template_id) if template_id else None
    return dict(template.rules or {}) if template else {}


async def reminders_of(session: AsyncSession, registration: Registration) -> OwnReminders:
    rules = await _rules(session, registration)
    participant = await session.get_one(Participant, registration.participant_id)
    return OwnReminders(registration, participant, reminder_choices(rules), list(rules.get("reminder_hours") or []))


async def own_reminders(session: AsyncSession, token: str, now: datetime) -> OwnReminders:
    """Her reminders behind her private link (RegistrationNotFound when there is none)."""
    return await reminders_of(session, await find_registration(session, token, now))


def _check(own: OwnReminders, choice: ReminderChoice) -> None:
    if own.registration.status == RegistrationStatus.WITHDRAWN:
        raise RegistrationRefused.single("channels", STOPPED)
    if not own.offered:
        raise RegistrationRefused.single("channels", NO_REMINDERS_HERE)
    if choice.channels not in REMINDER_CHANNELS:
        raise RegistrationRefused.single("channels", CHOOSE_A_CHANNEL)
    if choice.channels in ("email", "both") and not own.participant.email:
        raise RegistrationRefused.single("channels", NO_EMAIL)
    if choice.channels in ("sms", "both") and not own.participant.phone:
        raise RegistrationRefused.single("channels", NO_PHONE)
    if choice.hours is not None and not own.choices:
        raise RegistrationRefused.single("hours", NO_HOURS_CHOICE)
    if choice.hours is not None and choice.hours not in own.choices:
        raise RegistrationRefused.single("hours", CHOOSE_HOURS, allowed=", ".join(str(h) for h in own.choices))


async def choose_reminders(session: AsyncSession, token: str, choice: ReminderChoice, now: datetime) -> OwnReminders:
    """Keep her choice; refused, with what is allowed, when it does not fit. Nothing half-saved."""
    registration = await find_registration(session, token, now)
    own = await reminders_of(session, registration)
    _check(own, choice)
    registration.reminder_channels = choice.channels
    registration.reminder_hours = None if choice.channels == "none" else choice.hours
    record(
        session,
        now,
        Subject(registration.programme_id, cohort_id=registration.cohort_id, registration_id=registration.id),
        "reminders_chosen",
        channels=choice.channels,
        hours=registration.reminder_hours,
    )
    await session.commit()
    log.info("reminders chosen", extra={"registration_id": registration.id, "channels": choice.channels})
    return await reminders_of(session, registration)
