"""Refusals of the API clients area; each message id is translated at the edge."""

from __future__ import annotations

from groepsaanbod.access.errors import NotPermitted
from groepsaanbod.i18n.text import N_
from groepsaanbod.refusals import NotFound, Refused

SCOPE_MISSING = N_("This service token does not have the scope %(scope)s, which this request needs.")


class ClientRefused(Refused):
    """A new client's name, scopes or end date is not allowed."""


class ScopeMissing(Refused):
    """The token lacks the scope the route needs (403, naming the scope)."""

    status_code = 403

    @classmethod
    def of(cls, scope: str) -> ScopeMissing:
        return cls.single("scope", SCOPE_MISSING, scope=scope)


class TokenRefused(NotPermitted):
    """A route that never takes a service token: a person's own account, signing in, her link, SMS."""

    msgid = N_("A service token cannot be used here. Sign in as a person.")


class TokenNotForUse(NotPermitted):
    """A route whose work is not open to service tokens (making tokens, for one)."""

    msgid = N_("A service token cannot be used for this. An admin signed in as a person can do it.")


class ApiClientNotFound(NotFound):
    """No client with this id in the admin's organisations."""
