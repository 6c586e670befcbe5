from groepsaanbod.i18n.text import N_
from groepsaanbod.refusals import NotFound, Refused


class VenueError(Refused):
    """A refused change to a venue."""


class VenueNotFound(NotFound):
    """No such venue, or not one of the viewer's organisations (we do not say which)."""


NAME_NEEDED = N_("Give a name of at most %(max)s characters.")
POSTCODE_FORM = N_("Give a Dutch postcode: 4 digits and 2 letters, for example 1234 AB.")
PLACE_NEEDED = N_("Give the name of the town or city.")
STREET_NEEDED = N_("Give the street and house number.")
NOT_YOUR_ORGANISATION = N_("You cannot add locations for this organisation.")
