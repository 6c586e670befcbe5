from groepsaanbod.i18n.text import N_
from groepsaanbod.refusals import NotFound, Refused


class ImportRefused(Refused):
    """A file with problems: nothing of it is imported."""


NOT_FOR_SCHOOL_CLASSES = N_("This programme is not given to school classes.")


class ScheduleRefused(Refused):
    """A plan or a change to meetings that breaks a rule: nothing of it is saved."""


class SessionNotFound(NotFound):
    pass
