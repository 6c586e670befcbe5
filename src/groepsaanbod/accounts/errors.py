"""Errors of the accounts area; each carries a message id translated at the edge."""

from groepsaanbod.i18n.text import N_
from groepsaanbod.refusals import NotFound


class NotSignedIn(Exception):
    """No valid staff sign-in on this request."""


class NotPermitted(Exception):
    """Signed in, but without a role this route needs."""

    msgid = N_("You do not have the role needed for this page.")


WRONG_CREDENTIALS = N_("The email address or password is not right. Check them and try again.")


class SecondFactorDue(Exception):
    """Signed in with a password, but the second factor is still due."""

    msgid = N_("Enter the code from your authenticator app first.")


SECOND_FACTOR_NEEDED = N_("Enter the 6-digit code from your authenticator app.")
SET_UP_SECOND_FACTOR_FIRST = N_(
    "Your account needs a second factor. Sign in on the website once to set up your authenticator app."
)
WRONG_CODE = N_("This code is not right or was used already. Enter the code your app shows now.")


class InvitationNotFound(NotFound):
    """No open invitation with this id or link for this person or organisation (or it expired)."""


class StaffNotFound(NotFound):
    """No member of the signed-in admin's organisations with this id."""
