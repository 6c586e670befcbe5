"""Errors of the accounts area; each carries a message id translated at the edge."""

from groepsaanbod.i18n.text import N_
from groepsaanbod.refusals import NotFound

WRONG_CREDENTIALS = N_("The email address or password is not right. Check them and try again.")


SECOND_FACTOR_NEEDED = N_("Enter the 6-digit code from your authenticator app.")
SET_UP_SECOND_FACTOR_FIRST = N_(
    "Your account needs a second factor. Sign in on the website once to set up your authenticator app."
)
WRONG_CODE = N_("This code is not right or was used already. Enter the code your app shows now.")


class InvitationNotFound(NotFound):
    """No open invitation with this id or link for this person or organisation (or it expired)."""


class StaffNotFound(NotFound):
    """No member of the signed-in admin's organisations with this id."""
