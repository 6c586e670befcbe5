from groepsaanbod.i18n.text import N_
from groepsaanbod.refusals import Refused


class RegistrationRefused(Refused):
    """The form or the person does not fit the programme; each problem says what to do instead."""


class AlreadyRegistered(Refused):
    """The same person (email or phone) is already signed up for this programme."""

    status_code = 409


class RegistrationNotFound(Exception):
    """No registration behind this link (unknown, withdrawn or revoked): we do not say which."""


class CohortRefused(Refused):
    """A coordinator's change to a cohort that breaks a rule."""


class CohortNotFound(Exception):
    pass


ALREADY_REGISTERED = N_(
    "You are already signed up for this programme. Look for our message with your own link, "
    "or ask the organisation to send it again."
)
PROGRAMME_CLOSED = N_("You cannot sign up for this programme now. Look at the start page for other programmes.")
