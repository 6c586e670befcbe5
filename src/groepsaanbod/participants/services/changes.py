"""Changes she makes herself, behind her private link: her email and phone (change_contact), the
language she reads (change_language: every message follows it; her group's language stays),
her due date (change_due_date: moved far, her coordinator is asked to look at a better-fitting
group) and her answers to the sign-up questions (change_answers). All go through change_details:
checked as at sign-up, written in one transaction, confirmed to the old and the new contact in
her language, recorded in the registration history."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.attendance.models import AttendanceSignal
from groepsaanbod.attendance.rules import DUE_DATE_MOVED
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.cohorts.services.forming import formation_rules
from groepsaanbod.db import begin_writing, lock_row
from groepsaanbod.history.services import Subject, record
from groepsaanbod.i18n.formatting import local_date
from groepsaanbod.i18n.text import N_, pick
from groepsaanbod.messaging.services.queue import MessageContent, Recipient, queue_message
from groepsaanbod.participants.details import Current, DetailsChange, check_changes, mask
from groepsaanbod.programmes.models import ProgrammeTemplate
from groepsaanbod.programmes.pregnancy_weeks import group_due_date
from groepsaanbod.registration.eligibility import ProgrammeFacts
from groepsaanbod.registration.errors import RegistrationRefused
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.registration.services.recipients import participant_recipient
from groepsaanbod.registration.services.registrations import (
    facts_of,
    find_registration,
    private_link,
)
from groepsaanbod.registration.status import RegistrationStatus

log = logging.getLogger(__name__)

EMAIL_TAKEN = N_(
    "This email address cannot be used for this sign-up. Use another one, or ask the organiser of the programme."
)
PHONE_TAKEN = N_(
    "This phone number cannot be used for this sign-up. Use another one, or ask the organiser of the programme."
)
STOPPED = N_("You have stopped, so there is nothing to change. To take part again, sign up again.")


@dataclass(frozen=True)
class OwnDetails:
    """What her details page shows: her details now, and what the programme asks."""

    registration: Registration
    current: Current
    facts: ProgrammeFacts


@dataclass(frozen=True)
class ChangeOutcome:
    #: The details that changed (none: everything was as it was).
    changed: tuple[str, ...]
    #: Her due date moved far from her group's: her coordinator will look at a better-fitting group.
    coordinator_asked: bool = False


async def _template(session: AsyncSession, registration: Registration) -> ProgrammeTemplate | None:
    if registration.cohort_id is not None:
        cohort = await session.get(Cohort, registration.cohort_id)
        if cohort is not None:
            return await session.get(ProgrammeTemplate, cohort.template_id)
    return await session.scalar(
        select(ProgrammeTemplate)
        .where(ProgrammeTemplate.programme_id == registration.programme_id, ProgrammeTemplate.published_at.is_not(None))
        .order_by(ProgrammeTemplate.version.desc())
        .limit(1)
    )


async def _details(session: AsyncSession, registration: Registration) -> OwnDetails:
    person = registration.participant
    template = await _template(session, registration)
    programme = registration.programme
    facts = facts_of(
        template.formation if template else "",
        template.schedule if template else "",
        languages=tuple(programme.languages),
        cities=tuple(sorted({v.city for v in programme.venues})),
        rules=template.rules if template else {},
    )
    cohort = await session.get(Cohort, registration.cohort_id) if registration.cohort_id else None
    current = Current(
        full_name=person.full_name,
        email=person.email,
        phone=person.phone,
        language=person.language,
        group_language=registration.language,
        due_date=person.due_date,
        child_birth_date=person.child_birth_date,
        place=registration.place,
        part_of_day=str((registration.preferences or {}).get("part_of_day", "any")),
        group_place=cohort.place if cohort else None,
    )
    return OwnDetails(registration, current, facts)


async def own_details(session: AsyncSession, token: str, now: datetime) -> OwnDetails:
    """Her details behind her private link (RegistrationNotFound when there is none)."""
    return await _details(session, await find_registration(session, token, now))


async def change_details(
    session: AsyncSession, token: str, change: DetailsChange, *, now: datetime, base_url: str
) -> ChangeOutcome:
    """Check and write what she changes, all or nothing; each change confirmed and recorded."""
    await begin_writing(session)
    registration = await find_registration(session, token, now)
    await lock_row(session, Registration.__table__, registration.id)  # two changes of hers at once: one by one
    registration = await find_registration(session, token, now)
    if registration.status == RegistrationStatus.WITHDRAWN:
        raise RegistrationRefused.single("registration", STOPPED)
    details = await _details(session, registration)
    new, problems = check_changes(change, details.current, details.facts, local_date(now))
    if problems:
        raise RegistrationRefused(problems)
    if not new:
        return ChangeOutcome(())
    await _refuse_taken_contact(session, registration, new)
    person, old = registration.participant, details.current
    _apply(person, registration, new)
    try:
        await session.flush()
    except IntegrityError:
        # Another sign-up took the address a moment ago: the unique indexes say so; nothing changes.
        await session.rollback()
        raise _taken(new) from None
    asked = False
    if "due_date" in new:
        asked = await _ask_coordinator_when_far(session, registration, old.due_date, now)
    _record(session, registration, old, new, now, asked)
    await _confirm(session, registration, old, new, link=private_link(base_url, person.language, token), now=now)
    await session.commit()
    log.info(
        "participant changed own details",
        extra={"registration_id": registration.id, "changed": sorted(new), "coordinator_asked": asked},
    )
    return ChangeOutcome(tuple(new), asked)


def _taken(new: dict[str, object]) -> RegistrationRefused:
    if new.get("email"):
        return RegistrationRefused.single("email", EMAIL_TAKEN)
    return RegistrationRefused.single("phone", PHONE_TAKEN)


async def _refuse_taken_contact(session: AsyncSession, registration: Registration, new: dict[str, object]) -> None:
    """A new address another live sign-up of this programme has is refused, without saying whose."""
    for field, column in (("email", Registration.contact_email), ("phone", Registration.contact_phone)):
        value = new.get(field)
        if not value:
            continue
        other = await session.scalar(
            select(Registration.id).where(
                Registration.programme_id == registration.programme_id,
                Registration.id != registration.id,
                Registration.status != RegistrationStatus.WITHDRAWN,
                column == value,
            )
        )
        if other is not None:
            raise _taken({field: value})


def _apply(person: Participant, registration: Registration, new: dict[str, object]) -> None:
    if "email" in new:
        person.email = registration.contact_email = new["email"]  # type: ignore[assignment]
    if "phone" in new:
        person.phone = registration.contact_phone = new["phone"]  # type: ignore[assignment]
    if "language" in new:
        person.language = str(new["language"])  # the language she reads; her group's stays
    if "due_date" in new:
        person.due_date = new["due_date"]  # type: ignore[assignment]
    if "child_birth_date" in new:
        person.child_birth_date = new["child_birth_date"]  # type: ignore[assignment]
    if "place" in new:
        registration.place = str(new["place"])
    if "part_of_day" in new:
        registration.preferences = {**(registration.preferences or {}), "part_of_day": new["part_of_day"]}


async def _ask_coordinator_when_far(
    session: AsyncSession, registration: Registration, was: date | None, now: datetime
) -> bool:
    """Her new due date lies further from her group's than the template lets a group's due dates
    spread: a signal on her coordinator's dashboard asks to move her to a better-fitting group."""
    due = registration.participant.due_date
    if registration.cohort_id is None or due is None:
        return False  # in no group yet: the groups are proposed with her new date
    cohort = await session.get_one(Cohort, registration.cohort_id)
    template = await session.get_one(ProgrammeTemplate, cohort.template_id)
    others = await session.scalars(
        select(Participant.due_date)
        .join(Registration, Registration.participant_id == Participant.id)
        .where(
            Registration.cohort_id == cohort.id,
            Registration.id != registration.id,
            Registration.status.in_((RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING)),
            Participant.due_date.is_not(None),
        )
    )
    middle = cohort.reference_date or group_due_date(d for d in others if d is not None) or was
    if middle is None or abs((due - middle).days) <= formation_rules(template).max_spread_days:
        return False
    open_already = await session.scalar(
        select(AttendanceSignal.id).where(
            AttendanceSignal.participant_id == registration.participant_id,
            AttendanceSignal.cohort_id == cohort.id,
            AttendanceSignal.kind == DUE_DATE_MOVED,
            AttendanceSignal.handled_at.is_(None),
        )
    )
    if open_already is None:
        session.add(
            AttendanceSignal(
                programme_id=registration.programme_id,
                cohort_id=cohort.id,
                participant_id=registration.participant_id,
                kind=DUE_DATE_MOVED,
                attended=0,
                recorded=0,
                raised_at=now,
                handled_note="",
            )
        )
    return True


def _record(
    session: AsyncSession, registration: Registration, old: Current, new: dict[str, object], now: datetime, asked: bool
) -> None:
    """One history event per kind of change; addresses masked, dates left out (health data)."""
    subject = Subject(registration.programme_id, registration_id=registration.id, cohort_id=registration.cohort_id)
    contact = {f: (mask(getattr(old, f)), mask(new[f])) for f in ("email", "phone") if f in new}  # type: ignore[arg-type]
    if contact:
        changed = {f: {"was": w, "to": n} for f, (w, n) in contact.items()}
        record(session, now, subject, "contact_changed", **changed)  # type: ignore[arg-type]  # keys: email, phone
    if "language" in new:
        record(session, now, subject, "language_changed", was=old.language, to=new["language"])
    if "due_date" in new:
        record(session, now, subject, "due_date_changed", coordinator_asked=asked)
    answers = sorted(f for f in ("child_birth_date", "place", "part_of_day") if f in new)
    if answers:
        record(session, now, subject, "answers_changed", fields=answers)


async def _confirm(
    session: AsyncSession, registration: Registration, old: Current, new: dict[str, object], *, link: str, now: datetime
) -> None:
    """The confirmation to her contact now (each new address), and a notice to each old address
    that was replaced or removed, saying what to do if it was not her. In the language she reads."""
    person = registration.participant
    language = person.language
    context = {
        "name": person.full_name,
        "programme": pick(registration.programme.name, language),
        "changed": sorted(new),
        "link": link,
    }
    stamp = secrets.token_hex(6)
    to_new = [Recipient(language, email=str(new["email"]))] if new.get("email") else []
    if new.get("phone"):
        to_new.append(Recipient(language, phone=str(new["phone"])))
    if not to_new:
        to_new = [participant_recipient(person)]
    to_old = [Recipient(language, email=old.email)] if "email" in new and old.email else []
    if "phone" in new and old.phone:
        to_old.append(Recipient(language, phone=old.phone))
    for n, (recipients, kind) in enumerate(((to_new, "details_changed"), (to_old, "details_changed_old"))):
        for i, recipient in enumerate(recipients):
            await queue_message(
                session,
                recipient,
                MessageContent(kind, context if kind == "details_changed" else {**context, "link": ""}),
                dedupe_key=f"registration:{registration.id}:details:{stamp}:{n}{i}",
                organisation_id=registration.programme.organisation_id,
                now=now,
            )


async def change_contact(
    session: AsyncSession, token: str, *, email: str | None, phone: str | None, now: datetime, base_url: str
) -> ChangeOutcome:
    return await change_details(session, token, DetailsChange(email=email, phone=phone), now=now, base_url=base_url)


async def change_language(
    session: AsyncSession, token: str, language: str, *, now: datetime, base_url: str
) -> ChangeOutcome:
    return await change_details(session, token, DetailsChange(language=language), now=now, base_url=base_url)


async def change_due_date(
    session: AsyncSession, token: str, due_date: str | date, *, now: datetime, base_url: str
) -> ChangeOutcome:
    return await change_details(session, token, DetailsChange(due_date=due_date), now=now, base_url=base_url)


async def change_answers(
    session: AsyncSession, token: str, answers: DetailsChange, *, now: datetime, base_url: str
) -> ChangeOutcome:
    """The answers to the sign-up questions: place, part of the day, the child's date of birth."""
    only = DetailsChange(
        place=answers.place, part_of_day=answers.part_of_day, child_birth_date=answers.child_birth_date
    )
    return await change_details(session, token, only, now=now, base_url=base_url)
