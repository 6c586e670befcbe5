from groepsaanbod.i18n.text import N_
from groepsaanbod.refusals import NotFound, Refused
from groepsaanbod.registration.status import RegistrationStatus


class FeedNotFound(NotFound):
    """Unknown, revoked, or not yours: the answer reveals nothing."""


class NoMeetingsToAdd(Refused):
    """The person stopped: their group's meetings are no longer theirs."""

    status_code = 409


STOPPED_NO_MEETINGS = N_(
    "You have stopped, so there are no meetings to add to your calendar. Sign up again if you want to take part."
)


def refuse_when_stopped(status: str) -> None:
    if status == RegistrationStatus.WITHDRAWN:
        raise NoMeetingsToAdd.single("status", STOPPED_NO_MEETINGS)
