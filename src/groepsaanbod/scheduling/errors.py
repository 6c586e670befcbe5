from groepsaanbod.i18n.text import N_
from groepsaanbod.refusals import Refused


class ImportRefused(Refused):
    """A file with problems: nothing of it is imported."""


NOT_FOR_SCHOOL_CLASSES = N_("This programme is not given to school classes.")
