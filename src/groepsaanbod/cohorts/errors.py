from groepsaanbod.i18n.text import N_
from groepsaanbod.refusals import NotFound, Refused


class CohortRefused(Refused):
    """A coordinator's change to a cohort that breaks a rule."""


class CohortNotFound(NotFound):
    pass


class ImportRefused(Refused):
    """A file with problems: nothing of it is imported."""


NOT_FOR_SCHOOL_CLASSES = N_("This programme is not given to school classes.")
