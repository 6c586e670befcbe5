"""Errors of the accounts area; each carries a message id translated at the edge."""

from groepsaanbod.i18n.text import N_


class NotSignedIn(Exception):
    """No valid staff sign-in on this request."""


class NotPermitted(Exception):
    """Signed in, but without a role this route needs."""

    msgid = N_("You do not have the role needed for this page.")


WRONG_CREDENTIALS = N_("The email address or password is not right. Check them and try again.")
