from groepsaanbod.refusals import NotFound, Refused


class CohortRefused(Refused):
    """A coordinator's change to a cohort that breaks a rule."""


class CohortNotFound(NotFound):
    pass
