"""Errors of the attendance area; messages are ids, translated at the edge."""

from groepsaanbod.refusals import NotFound, Refused


class RegisterRefused(Refused):
    """The register cannot be saved as given (each problem names its field)."""


class ReportRefused(Refused):
    """A report's period or filters are out of bounds (each problem names its field)."""


class RegisterNotFound(NotFound):
    """No such meeting, or not one of the person's organisations."""


class SignalNotFound(NotFound):
    pass
