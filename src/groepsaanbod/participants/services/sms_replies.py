"""Two-way SMS: receive_sms_reply reads an SMS the gateway passes on (signed: sms_is_signed).

A "no" in any of the service's languages to a reminder marks that meeting "can't come" (and she
gets a short confirmation by SMS); STOP ends messages by SMS; anything else waits on the
coordinator's page (unanswered_replies, mark_reply_handled).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.privileges import SMS_REPLIES
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.messaging.services.queue import MessageContent, queue_message
from groepsaanbod.participants.errors import AbsenceRefused, SmsReplyNotFound
from groepsaanbod.participants.models import AbsenceLink, SmsReply
from groepsaanbod.participants.services.absences import tell_cannot_come
from groepsaanbod.programmes.models import Programme
from groepsaanbod.registration.eligibility import normalise_phone
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.registration.services.recipients import participant_recipient
from groepsaanbod.scheduling.models import Session

log = logging.getLogger(__name__)

#: "No" in the service's languages (nl en tr ar pl es so), as people type it.
NO_WORDS = frozenset({"nee", "no", "hayir", "hayır", "لا", "nie", "maya", "neen", "nee.", "no."})
STOP_WORDS = frozenset({"stop", "stoppen", "dur", "توقف", "koniec", "parar", "jooji"})
MAX_TEXT = 500
MAX_ID = 100
#: A signed request older (or newer) than this is refused: a replay.
SIGNATURE_AGE = timedelta(minutes=5)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 (hex) of "<timestamp>.<raw body>" with the inbound secret."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def sms_is_signed(secret: str, timestamp: str, given: str, body: bytes, now: datetime) -> bool:
    """The gateway signed this body, a moment ago, with our secret (constant-time compare)."""
    if not secret or not given or not timestamp.isdigit() or len(timestamp) > 12:
        return False
    if abs(now.timestamp() - int(timestamp)) > SIGNATURE_AGE.total_seconds():
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), given.strip().lower())


def meaning(text: str) -> str:
    """cannot_come, stop or unknown: case, accents of the Turkish i, spaces and dots don't matter."""
    word = unicodedata.normalize("NFKC", text).strip().strip(".!").casefold().replace("ı", "i")
    if word in NO_WORDS:
        return "cannot_come"
    if word in STOP_WORDS:
        return "stop"
    return "unknown"


@dataclass(frozen=True)
class InboundSms:
    from_phone: str
    text: str
    message_id: str


async def _latest_reminder(
    session: AsyncSession, participant_ids: list[int], now: datetime
) -> tuple[Registration, Session] | None:
    """The latest reminder sent by SMS to these people whose meeting has not started (each carries
    its one-meeting link, absence_links, made with it)."""
    row = (
        await session.execute(
            select(Registration, Session)
            .join(AbsenceLink, AbsenceLink.registration_id == Registration.id)
            .join(Session, Session.id == AbsenceLink.session_id)
            .where(
                AbsenceLink.by_sms.is_(True),
                Registration.participant_id.in_(participant_ids),
                Session.starts_at > now,
            )
            .order_by(AbsenceLink.created_at.desc(), Session.starts_at)
            .limit(1)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def _organisation_of(session: AsyncSession, registration: Registration | None) -> int | None:
    if registration is None:
        return None
    return await session.scalar(select(Programme.organisation_id).where(Programme.id == registration.programme_id))


async def receive_sms_reply(session: AsyncSession, sms: InboundSms, now: datetime) -> str:
    """Act on one SMS; returns what it was taken as (cannot_come, stop, unknown, duplicate)."""
    message_id = sms.message_id.strip()[:MAX_ID]
    if await session.scalar(select(SmsReply.id).where(SmsReply.message_id == message_id)) is not None:
        log.info("sms reply repeated", extra={"message_id": message_id})
        return "duplicate"
    phone = normalise_phone(sms.from_phone[:40]) if sms.from_phone else None
    people = (
        list(
            await session.scalars(
                select(Participant).where(Participant.phone == phone, Participant.erased_at.is_(None))
            )
        )
        if phone
        else []
    )
    understood = meaning(sms.text[:MAX_TEXT])
    found = await _latest_reminder(session, [p.id for p in people], now) if people else None
    registration = found[0] if found else None
    if registration is None and people:
        registration = await session.scalar(
            select(Registration)
            .where(Registration.participant_id.in_([p.id for p in people]))
            .order_by(Registration.id.desc())
        )
    reply = SmsReply(
        message_id=message_id,
        from_phone=(phone or sms.from_phone)[:32],
        text=sms.text[:MAX_TEXT],
        received_at=now,
        organisation_id=await _organisation_of(session, registration),
        participant_id=registration.participant_id if registration else None,
        registration_id=registration.id if registration else None,
        understood=understood,
    )
    try:
        async with session.begin_nested():
            session.add(reply)
    except IntegrityError:
        log.info("sms reply repeated", extra={"message_id": message_id})
        return "duplicate"
    if understood == "cannot_come" and found is not None:
        taken = await _cannot_come(session, found[0], found[1], now)
        if not taken:
            reply.understood = understood = "unknown"
    elif understood == "cannot_come":
        reply.understood = understood = "unknown"  # no reminder to answer: the coordinator reads it
    elif understood == "stop":
        for person in people:
            person.sms_stopped_at = person.sms_stopped_at or now
        if not people:
            reply.understood = understood = "unknown"
    if understood != "unknown":
        reply.handled_at = now  # acted on; only the not-understood ones wait for the coordinator
    await session.commit()
    log.info("sms reply received", extra={"reply_id": reply.id, "understood": understood})
    return understood


async def _cannot_come(session: AsyncSession, registration: Registration, meeting: Session, now: datetime) -> bool:
    try:
        await tell_cannot_come(session, registration, meeting.id, via="sms", now=now)
    except AbsenceRefused:
        return False
    person = await session.get_one(Participant, registration.participant_id)
    cohort = await session.get(Cohort, meeting.cohort_id) if meeting.cohort_id else None
    await queue_message(
        session,
        participant_recipient(person),
        MessageContent(
            "cannot_come_confirmed",
            {"starts_at": meeting.starts_at, "timezone": meeting.timezone, "group": cohort.name if cohort else ""},
        ),
        dedupe_key=f"cannot_come:{meeting.id}:{registration.id}:{now.isoformat()}",
        now=now,
    )
    return True


@dataclass(frozen=True)
class ReplyView:
    reply: SmsReply
    name: str


async def unanswered_replies(session: AsyncSession, viewer: Viewer) -> list[ReplyView]:
    """The replies not understood, of the viewer's organisations, newest first."""
    orgs = viewer.organisations_with(SMS_REPLIES.roles)
    rows = await session.execute(
        select(SmsReply, Participant.full_name)
        .outerjoin(Participant, Participant.id == SmsReply.participant_id)
        .where(SmsReply.organisation_id.in_(orgs), SmsReply.handled_at.is_(None))
        .order_by(SmsReply.received_at.desc(), SmsReply.id.desc())
        .limit(200)
    )
    return [ReplyView(reply, name or "") for reply, name in rows.all()]


async def mark_reply_handled(session: AsyncSession, viewer: Viewer, reply_id: int, *, now: datetime) -> None:
    reply = await session.get(SmsReply, reply_id)
    if reply is None or reply.organisation_id not in viewer.organisations_with(SMS_REPLIES.roles):
        raise SmsReplyNotFound()
    if reply.handled_at is None:
        reply.handled_at, reply.handled_by_id = now, viewer.staff_id
    await session.commit()
    log.info("sms reply handled", extra={"reply_id": reply_id, "by": viewer.staff_id})
