"""Errors of the programmes area, carrying message ids translated at the edge."""

from __future__ import annotations

from groepsaanbod.i18n.text import N_
from groepsaanbod.refusals import NotFound, Refused


class ProgrammeError(Refused):
    """A refused change to a programme; `problems` say per field what is wrong and what is allowed."""


class ProgrammeNotFound(NotFound):
    """No such programme, or not one of the viewer's organisations (we do not say which)."""


SLUG_TAKEN = N_("This web address is already in use. Choose another one.")
SLUG_FORM = N_("Use 3 to 60 small letters, digits and dashes, for example triple-p-zwolle.")
UNKNOWN_TEMPLATE = N_("There is no template with that name. Choose one of: %(allowed)s.")
NOT_YOUR_ORGANISATION = N_("You cannot add programmes for this organisation.")
UNKNOWN_VENUE = N_("This location does not belong to your organisation.")
