from groepsaanbod.refusals import NotFound, Refused


class ScheduleRefused(Refused):
    """A plan or a change to meetings that breaks a rule: nothing of it is saved."""


class SessionNotFound(NotFound):
    pass
