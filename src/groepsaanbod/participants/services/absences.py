"""Use cases of "I can't come": tell_cannot_come and take_back_cannot_come (from her page, a
reminder's one-meeting link or an SMS reply), and the links themselves (make_absence_link,
meeting_of_link).

Her notice (attendance.models.AbsenceNotice) is shown on the register, pre-filled as excused;
staff can still change it. She can take it back until the meeting starts.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from groepsaanbod.attendance.models import AbsenceNotice
from groepsaanbod.attendance.rules import ABSENCE_REASONS
from groepsaanbod.history.services import Subject, record
from groepsaanbod.i18n.text import N_
from groepsaanbod.participants.errors import AbsenceLinkNotFound, AbsenceRefused
from groepsaanbod.participants.models import AbsenceLink
from groepsaanbod.registration.models import Registration
from groepsaanbod.registration.services.registrations import token_hash
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.scheduling.models import Session
from groepsaanbod.scheduling.status import SessionStatus

log = logging.getLogger(__name__)

VIA = ("page", "link", "sms")
#: The reasons she may give herself: the register's, less "no reason given" (no reason means excused).
OWN_REASONS = {key: label for key, label in ABSENCE_REASONS.items() if key != "no_reason"}
#: The choices on her pages, in her words (the key is the register's reason).
HER_REASONS = {"ill": N_("I am ill"), "gave_birth": N_("I gave birth"), "other": N_("Something else")}
MAX_TOKEN = 100

STARTED = N_("This meeting has started, so you can no longer change whether you come. Call your group's trainer.")
NOT_YOUR_MEETING = N_("This is not a meeting of your group. Choose one of the meetings on your page.")
CANCELLED = N_("This meeting was cancelled, so there is nothing to tell.")
NOT_IN_GROUP = N_("You are not in a group now, so there is no meeting to tell about.")
UNKNOWN_REASON = N_("Choose one of the reasons on the list, or none.")


@dataclass(frozen=True)
class LinkedMeeting:
    """The meeting and person behind a reminder's link, and her live notice if she gave one."""

    registration: Registration
    meeting: Session
    notice: AbsenceNotice | None

    def started(self, now: datetime) -> bool:
        return now >= self.meeting.starts_at


def absence_link(base_url: str, language: str, token: str) -> str:
    return f"{base_url}/{language}/my/absence/{token}"


async def make_absence_link(
    session: AsyncSession, session_id: int, registration_id: int, now: datetime, *, by_sms: bool = False
) -> str:
    """A new secret for one meeting and one person (kept hashed), in the caller's transaction;
    `by_sms`: the reminder carrying it goes by SMS (she has a phone and no email)."""
    token = secrets.token_urlsafe(24)
    session.add(
        AbsenceLink(
            token_hash=token_hash(token),
            session_id=session_id,
            registration_id=registration_id,
            created_at=now,
            by_sms=by_sms,
        )
    )
    return token


async def meeting_of_link(session: AsyncSession, token: str) -> LinkedMeeting:
    """What a reminder's link is for (AbsenceLinkNotFound for an unknown one, or a stopped place)."""
    if not token or len(token) > MAX_TOKEN:
        raise AbsenceLinkNotFound()
    link = await session.get(AbsenceLink, token_hash(token))
    if link is None:
        raise AbsenceLinkNotFound()
    registration = await session.get(Registration, link.registration_id, options=[selectinload(Registration.programme)])
    meeting = await session.get(Session, link.session_id)
    if registration is None or meeting is None or registration.status == RegistrationStatus.WITHDRAWN:
        raise AbsenceLinkNotFound()
    return LinkedMeeting(registration, meeting, await live_notice(session, meeting.id, registration.id))


async def live_notice(session: AsyncSession, session_id: int, registration_id: int) -> AbsenceNotice | None:
    return await session.scalar(
        select(AbsenceNotice)
        .where(
            AbsenceNotice.session_id == session_id,
            AbsenceNotice.registration_id == registration_id,
            AbsenceNotice.withdrawn_at.is_(None),
        )
        .execution_options(populate_existing=True)
    )


async def notices_of(session: AsyncSession, registration_id: int) -> dict[int, AbsenceNotice]:
    """Her live notices, by meeting (for her page)."""
    rows = await session.scalars(
        select(AbsenceNotice).where(
            AbsenceNotice.registration_id == registration_id, AbsenceNotice.withdrawn_at.is_(None)
        )
    )
    return {n.session_id: n for n in rows}


async def _her_meeting(session: AsyncSession, registration: Registration, session_id: int, now: datetime) -> Session:
    if registration.cohort_id is None or registration.status != RegistrationStatus.CONFIRMED:
        raise AbsenceRefused.single("session", NOT_IN_GROUP)
    meeting = await session.get(Session, session_id)
    if meeting is None or meeting.cohort_id != registration.cohort_id:
        raise AbsenceRefused.single("session", NOT_YOUR_MEETING)
    if meeting.status == SessionStatus.CANCELLED:
        raise AbsenceRefused.single("session", CANCELLED)
    if now >= meeting.starts_at:
        raise AbsenceRefused.single("session", STARTED)
    return meeting


async def tell_cannot_come(
    session: AsyncSession, registration: Registration, session_id: int, *, reason: str = "", via: str, now: datetime
) -> AbsenceNotice:
    """She can't come to this meeting of her group. Saying it twice keeps one notice (a new reason
    replaces the old and is recorded; the same reason again changes nothing); two taps at once make
    one notice and one history event."""
    reason = reason.strip() or "excused"
    if reason not in OWN_REASONS:
        raise AbsenceRefused.single("reason", UNKNOWN_REASON)
    meeting = await _her_meeting(session, registration, session_id, now)
    notice = await live_notice(session, meeting.id, registration.id)
    if notice is None:
        notice = AbsenceNotice(
            session_id=meeting.id, registration_id=registration.id, reason=reason, via=via, created_at=now
        )
        try:
            async with session.begin_nested():
                session.add(notice)
        except IntegrityError:  # the same tap a moment ago
            found = await live_notice(session, meeting.id, registration.id)
            if found is None:
                raise
            return found
    elif notice.reason == reason:
        # Said again, or a tap racing the one that just saved it: nothing new to record.
        return notice
    else:
        notice.reason = reason
    record(
        session,
        now,
        Subject(registration.programme_id, cohort_id=registration.cohort_id, registration_id=registration.id),
        "cannot_come",
        session_id=meeting.id,
        reason=reason,
        via=via,
    )
    await session.commit()
    log.info("cannot come", extra={"registration_id": registration.id, "session_id": meeting.id, "via": via})
    return notice


async def take_back_cannot_come(
    session: AsyncSession, registration: Registration, session_id: int, *, now: datetime
) -> None:
    """She can come after all: her notice is withdrawn, until the meeting starts. Nothing to take
    back changes nothing."""
    meeting = await _her_meeting(session, registration, session_id, now)
    notice = await live_notice(session, meeting.id, registration.id)
    if notice is None:
        return
    # Only the undo that withdraws it is recorded (two undos at once: one history event).
    withdrawn = await session.execute(
        update(AbsenceNotice)
        .where(AbsenceNotice.id == notice.id, AbsenceNotice.withdrawn_at.is_(None))
        .values(withdrawn_at=now)
    )
    if cast(CursorResult[Any], withdrawn).rowcount != 1:
        return
    record(
        session,
        now,
        Subject(registration.programme_id, cohort_id=registration.cohort_id, registration_id=registration.id),
        "cannot_come_taken_back",
        session_id=meeting.id,
    )
    await session.commit()
    log.info("cannot come taken back", extra={"registration_id": registration.id, "session_id": meeting.id})
