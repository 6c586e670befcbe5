from groepsaanbod.i18n.text import N_
from groepsaanbod.refusals import NotFound, Refused


class RegistrationRefused(Refused):
    """The form or the person does not fit the programme; each problem says what to do instead."""


class RegistrationNotFound(NotFound):
    """No registration behind this link (unknown, withdrawn or revoked): we do not say which."""


#: The answer to every sign-up that was taken, whether or not the person was signed up before:
#: the answer must not tell anyone that (see known_person.py). The message tells the person.
CHECK_YOUR_MESSAGES = N_(
    "Thank you. Check your messages: we sent a message to the email address or mobile number you "
    "gave. It tells you how your sign-up went and has your own link. No message within an hour? "
    "Look in your spam folder, or ask for a new link."
)
PROGRAMME_CLOSED = N_("You cannot sign up for this programme now. Look at the start page for other programmes.")
NO_OPEN_OFFER = N_(
    "There is no place waiting for you now: you answered already, or the time to say yes has passed."
    " Look at your page to see where you stand."
)
