"""Refusals of the participant's own side; messages are ids, translated at the edge."""

from groepsaanbod.refusals import NotFound, Refused


class AbsenceRefused(Refused):
    """ "I can't come" cannot be said (or taken back) now: the problem says why."""


class AbsenceLinkNotFound(NotFound):
    """No meeting behind this link (unknown, or not for this person): we do not say which."""


class SmsReplyNotFound(NotFound):
    pass
