"""Refusals of access: not signed in, a second factor owed, not permitted. The web edge turns each
into a redirect or a 401/403 in the person's language."""

from groepsaanbod.i18n.text import N_


class NotSignedIn(Exception):
    """No valid staff sign-in on this request."""


class NotPermitted(Exception):
    """Signed in, but without a role this route needs."""

    msgid = N_("You do not have the role needed for this page.")


class SecondFactorDue(Exception):
    """Signed in with a password, but the second factor is still due."""

    msgid = N_("Enter the code from your authenticator app first.")
