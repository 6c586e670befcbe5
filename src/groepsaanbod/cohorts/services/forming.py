"""Use cases of coordinators: see registrations, propose cohorts by due date, move a
member, split, merge, confirm. Every change is recorded with who and when."""

from __future__ import annotations

import logging
from datetime import date, datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.audit.services import DataUse, record_audit
from groepsaanbod.cohorts import errors
from groepsaanbod.cohorts.formation import CohortProposal, FormationRules, PendingRegistration, form_cohorts
from groepsaanbod.cohorts.models import Cohort, CohortStatus
from groepsaanbod.cohorts.services import due_dates
from groepsaanbod.cohorts.services.loading import load_cohort
from groepsaanbod.db import take_write_lock
from groepsaanbod.history.services import Subject, record
from groepsaanbod.i18n.formatting import local_date
from groepsaanbod.i18n.text import N_, pick
from groepsaanbod.messaging.services.queue import MessageContent, queue_message
from groepsaanbod.paging import PageRequest, keyset
from groepsaanbod.programmes.models import Programme, ProgrammeTemplate
from groepsaanbod.programmes.pregnancy_weeks import group_due_date, part_of_day_wish
from groepsaanbod.programmes.services.set_up import get_programme, published_template
from groepsaanbod.programmes.templates import Formation
from groepsaanbod.registration.models import Participant, Registration
from groepsaanbod.registration.services.recipients import participant_recipient
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.registration.support import wants_interpreter
from groepsaanbod.webhooks.services.record import record_event

log = logging.getLogger(__name__)
DEFAULT_SPREAD_DAYS = 35
#: The registrations that count towards a group's size (those waiting for a place do not).
_MEMBERS = (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED)

TOO_SMALL = N_("This group has %(count)s people. A group needs at least %(min)s.")
TOO_LARGE = N_("This group would have %(count)s people. A group has at most %(max)s.")
NOT_PROPOSED = N_("This group is already confirmed. Only proposed groups can be changed.")
NOT_SAME_GROUP_KIND = N_("These groups have a different language or place. Only groups of the same kind can be joined.")
TOO_FEW_TO_SPLIT = N_("A group needs at least 2 people to split it.")
NO_PUBLISHED_PLAN = N_("Publish the programme first.")
NOT_BY_DUE_DATE = N_("Groups for this programme are not formed by due date.")
OTHER_LANGUAGE = N_(
    "She signed up for a group in %(language)s and did not ask for an interpreter. A person moves to a group "
    "in another language only when she asks for an interpreter (she can say so on her own page). "
    "Move her to a group in %(language)s."
)
NOT_SAME_PLACE = N_("She wants to meet in %(place)s. Move her to a group in %(place)s.")
SAME_GROUP = N_("A group cannot be joined with itself. Choose another group.")


def formation_rules(template: ProgrammeTemplate) -> FormationRules:
    window = template.rules.get("first_meeting_weeks")
    spread = (window[1] - window[0]) * 7 if window else DEFAULT_SPREAD_DAYS
    return FormationRules(template.min_group_size, template.max_group_size, spread)


async def _programme_and_template(
    session: AsyncSession, viewer: Viewer, programme_id: int
) -> tuple[Programme, ProgrammeTemplate]:
    programme = await get_programme(session, viewer, programme_id)
    template = published_template(programme)
    if template is None:
        raise errors.CohortRefused.single("programme", NO_PUBLISHED_PLAN)
    return programme, template


async def list_registrations(
    session: AsyncSession,
    viewer: Viewer,
    programme_id: int,
    *,
    now: datetime | None = None,
    shown_as: str = "",
    page: PageRequest | None = None,
) -> list[Registration]:
    """The programme's registrations with their people. Given `now`, the reading of their
    personal data is written to the audit record (as `shown_as`). Given a `page` (the API), one
    page by registration id plus one row (paging.page_of); only the page's people count as read."""
    programme = await get_programme(session, viewer, programme_id)
    statement = (
        select(Registration)
        .options(selectinload(Registration.participant))
        .where(Registration.programme_id == programme_id)
    )
    rows = list(
        await session.scalars(
            keyset(statement, Registration.id, page)
            if page is not None
            else statement.order_by(Registration.status, Registration.waitlist_position, Registration.id)
        )
    )
    shown = rows[: page.size] if page is not None else rows
    if now is not None and shown:
        record_audit(
            session,
            now,
            DataUse("read", shown_as or "registrations"),
            [r.participant_id for r in shown],
            actor_staff_id=viewer.staff_id,
            organisation_id=programme.organisation_id,
        )
        await session.commit()
    return rows


async def list_cohorts(session: AsyncSession, viewer: Viewer, programme_id: int) -> list[Cohort]:
    await get_programme(session, viewer, programme_id)
    return list(
        await session.scalars(
            select(Cohort)
            .where(Cohort.programme_id == programme_id)
            .order_by(Cohort.status, Cohort.id)
            .execution_options(populate_existing=True)
        )
    )


async def _unassigned_pending(session: AsyncSession, programme_id: int) -> list[PendingRegistration]:
    rows = await session.execute(
        select(Registration.id, Registration.language, Registration.place, Registration.participant_id).where(
            Registration.programme_id == programme_id,
            Registration.status == RegistrationStatus.PENDING,
            Registration.cohort_id.is_(None),
        )
    )
    due = dict(
        (
            await session.execute(
                select(Participant.id, Participant.due_date).where(
                    Participant.id.in_(
                        select(Registration.participant_id).where(
                            Registration.programme_id == programme_id,
                            Registration.status == RegistrationStatus.PENDING,
                            Registration.cohort_id.is_(None),
                        )
                    )
                )
            )
        ).all()
    )
    return [
        PendingRegistration(r.id, r.language, r.place, due_date)
        for r in rows
        if (due_date := due.get(r.participant_id)) is not None
    ]


async def _formation(
    session: AsyncSession, programme_id: int, template: ProgrammeTemplate, today: date | None
) -> tuple[CohortProposal, dict[int, date]]:
    """The proposal for the people not yet in a group (those too far along to join are left out,
    with the reason), and everybody's due date."""
    pending = await _unassigned_pending(session, programme_id)
    fits, too_late = due_dates.split_too_late(pending, template, today)
    proposal = form_cohorts(fits, formation_rules(template))
    return CohortProposal(proposal.cohorts, too_late + proposal.unplaced), {
        r.registration_id: r.due_date for r in pending
    }


async def current_unplaced(
    session: AsyncSession, viewer: Viewer, programme_id: int, today: date | None = None
) -> CohortProposal:
    """What cohort formation would say on `today` about the people not yet in a group."""
    _, template = await _programme_and_template(session, viewer, programme_id)
    return (await _formation(session, programme_id, template, today))[0]


async def propose_cohorts(session: AsyncSession, viewer: Viewer, programme_id: int, now: datetime) -> CohortProposal:
    """Replace the open proposals by fresh ones from all pending registrations."""
    programme, template = await _programme_and_template(session, viewer, programme_id)
    if template.formation != Formation.DUE_DATE:
        raise errors.CohortRefused.single("programme", NOT_BY_DUE_DATE)
    template_id = template.id
    await take_write_lock(session, Programme.__table__, programme_id)
    proposed_ids = select(Cohort.id).where(Cohort.programme_id == programme_id, Cohort.status == CohortStatus.PROPOSED)
    await session.execute(update(Registration).where(Registration.cohort_id.in_(proposed_ids)).values(cohort_id=None))
    await session.execute(
        delete(Cohort).where(Cohort.programme_id == programme_id, Cohort.status == CohortStatus.PROPOSED)
    )
    proposal, due = await _formation(session, programme_id, template, local_date(now))
    wished = await due_dates.wishes(session, (i for c in proposal.cohorts for i in c.members))
    for number, proposed in enumerate(proposal.cohorts, start=1):
        cohort = Cohort(
            programme_id=programme_id,
            template_id=template_id,
            status=CohortStatus.PROPOSED,
            name=f"{proposed.place or '-'} {proposed.language} {proposed.first_due:%Y-%m} #{number}",
            language=proposed.language,
            place=proposed.place,
            # Planned around the middle of the members' due dates, at the part of the day most asked for.
            reference_date=group_due_date(due[i] for i in proposed.members),
            start_time=due_dates.suggested_time(part_of_day_wish(wished.get(i, "any") for i in proposed.members)),
        )
        session.add(cohort)
        await session.flush()
        await session.execute(
            update(Registration).where(Registration.id.in_(proposed.members)).values(cohort_id=cohort.id)
        )
    record(
        session,
        now,
        Subject(programme_id),
        "cohorts_proposed",
        actor=viewer.staff_id,
        cohorts=len(proposal.cohorts),
        unplaced=sum(len(u.registration_ids) for u in proposal.unplaced),
    )
    await session.commit()
    log.info(
        "cohorts proposed",
        extra={"programme_id": programme_id, "cohorts": len(proposal.cohorts), "by": viewer.staff_id},
    )
    return proposal


async def _locked(session: AsyncSession, programme: Programme, *cohort_ids: int) -> list[Cohort]:
    """The cohorts as they are once this programme's lock is held (db.lock_row: programme first).

    Coordinators' changes of a programme's groups then happen one at a time, and not beside a
    group starting: two merges of the same two groups no longer deadlock, and what was checked
    (still proposed, still there, the size) still holds when it is written. A cohort that is gone
    meanwhile (merged away) is not found."""
    await take_write_lock(session, Programme.__table__, programme.id)
    cohorts = []
    for cohort_id in cohort_ids:
        cohort = await session.get(Cohort, cohort_id, populate_existing=True)
        if cohort is None:
            raise errors.CohortNotFound()
        cohorts.append(cohort)
    return cohorts


async def _size(session: AsyncSession, cohort_id: int) -> int:
    return (
        await session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(Registration.cohort_id == cohort_id, Registration.status.in_(_MEMBERS))
        )
        or 0
    )


def _must_be_proposed(cohort: Cohort, field: str = "cohort") -> None:
    if cohort.status != CohortStatus.PROPOSED:
        raise errors.CohortRefused.single(field, NOT_PROPOSED)


async def move_member(
    session: AsyncSession, viewer: Viewer, registration_id: int, to_cohort_id: int, *, now: datetime
) -> Cohort:
    """Move a registration (in no group, or in a proposed one) into a proposed group; that group."""
    target, programme, template = await load_cohort(session, viewer, to_cohort_id)
    [target] = await _locked(session, programme, target.id)
    _must_be_proposed(target)
    registration = await session.get(Registration, registration_id, populate_existing=True)
    if registration is None or registration.programme_id != programme.id:
        raise errors.CohortNotFound()
    if registration.cohort_id is not None:
        source = await session.get_one(Cohort, registration.cohort_id)
        _must_be_proposed(source, "registration_id")
    if registration.place != target.place:
        raise errors.CohortRefused.single("registration_id", NOT_SAME_PLACE, place=registration.place or "-")
    # Another language only with an interpreter (registration/support.py); then her group's language is the new one.
    was_language = registration.language
    if was_language != target.language and not wants_interpreter(registration.support):
        raise errors.CohortRefused.single("registration_id", OTHER_LANGUAGE, language=was_language)
    size = await _size(session, target.id) + 1
    if size > template.max_group_size:
        raise errors.CohortRefused.single("cohort_id", TOO_LARGE, count=size, max=template.max_group_size)
    was = registration.cohort_id
    registration.cohort_id, registration.language = target.id, target.language
    languages = {"was_language": was_language, "language": target.language} if was_language != target.language else {}
    record(
        session,
        now,
        Subject(programme.id, registration_id=registration.id, cohort_id=target.id),
        "member_moved",
        actor=viewer.staff_id,
        was=was,
        **languages,
    )
    await record_event(
        session,
        programme.organisation_id,
        "registration.placed",
        {
            "registration_id": registration.id,
            "cohort_id": target.id,
            "programme_id": programme.id,
            "status": registration.status,
            "was": was,
        },
        now,
    )
    await session.commit()
    log.info("member moved", extra={"registration_id": registration.id, "cohort_id": target.id, "by": viewer.staff_id})
    return target


async def split_cohort(session: AsyncSession, viewer: Viewer, cohort_id: int, now: datetime) -> tuple[Cohort, Cohort]:
    """The later half (by due date) becomes a new proposed group; the group and that new one."""
    cohort, programme, _ = await load_cohort(session, viewer, cohort_id)
    [cohort] = await _locked(session, programme, cohort.id)
    _must_be_proposed(cohort)
    members = await _members_by_due_date(session, cohort.id)
    if len(members) < 2:
        raise errors.CohortRefused.single("cohort", TOO_FEW_TO_SPLIT)
    half = members[len(members) // 2 :]
    other = Cohort(
        programme_id=cohort.programme_id,
        template_id=cohort.template_id,
        status=CohortStatus.PROPOSED,
        name=f"{cohort.name} (2)",
        language=cohort.language,
        place=cohort.place,
        reference_date=cohort.reference_date,
    )
    session.add(other)
    await session.flush()
    await session.execute(update(Registration).where(Registration.id.in_(half)).values(cohort_id=other.id))
    record(
        session, now, Subject(programme.id, cohort_id=cohort.id), "cohort_split", actor=viewer.staff_id, new=other.id
    )
    await session.commit()
    return cohort, other


async def _members_by_due_date(session: AsyncSession, cohort_id: int) -> list[int]:
    rows = await session.execute(
        select(Registration.id)
        .join(Participant, Participant.id == Registration.participant_id)
        .where(Registration.cohort_id == cohort_id, Registration.status.in_(_MEMBERS))
        .order_by(Participant.due_date, Registration.id)
    )
    return [r for (r,) in rows]


async def merge_cohorts(
    session: AsyncSession, viewer: Viewer, cohort_id: int, other_id: int, *, now: datetime
) -> Cohort:
    if other_id == cohort_id:  # merging would delete the group and leave its members without one
        raise errors.CohortRefused.single("other_cohort_id", SAME_GROUP)
    cohort, programme, template = await load_cohort(session, viewer, cohort_id)
    other, _, _ = await load_cohort(session, viewer, other_id)
    cohort, other = await _locked(session, programme, cohort.id, other.id)
    _must_be_proposed(cohort)
    _must_be_proposed(other, "other_cohort_id")
    if other.programme_id != cohort.programme_id or (other.language, other.place) != (cohort.language, cohort.place):
        raise errors.CohortRefused.single("other_cohort_id", NOT_SAME_GROUP_KIND)
    size = await _size(session, cohort.id) + await _size(session, other.id)
    if size > template.max_group_size:
        raise errors.CohortRefused.single("other_cohort_id", TOO_LARGE, count=size, max=template.max_group_size)
    await session.execute(update(Registration).where(Registration.cohort_id == other.id).values(cohort_id=cohort.id))
    await session.delete(other)
    record(
        session,
        now,
        Subject(programme.id, cohort_id=cohort.id),
        "cohorts_merged",
        actor=viewer.staff_id,
        merged=other_id,
    )
    await session.commit()
    return cohort


async def confirm_cohort(session: AsyncSession, viewer: Viewer, cohort_id: int, now: datetime) -> Cohort:
    """The group is final: its members are confirmed and told, each in their language."""
    cohort, programme, template = await load_cohort(session, viewer, cohort_id)
    [cohort] = await _locked(session, programme, cohort.id)
    _must_be_proposed(cohort)
    size = await _size(session, cohort.id)
    if size < template.min_group_size:
        raise errors.CohortRefused.single("cohort", TOO_SMALL, count=size, min=template.min_group_size)
    if size > template.max_group_size:
        raise errors.CohortRefused.single("cohort", TOO_LARGE, count=size, max=template.max_group_size)
    cohort.status = CohortStatus.CONFIRMED
    members = list(
        await session.scalars(
            select(Registration)
            .options(selectinload(Registration.participant))
            .where(Registration.cohort_id == cohort.id, Registration.status == RegistrationStatus.PENDING)
        )
    )
    for registration in members:
        registration.status, registration.confirmed_at = RegistrationStatus.CONFIRMED, now
        person = registration.participant
        await queue_message(
            session,
            participant_recipient(person),
            MessageContent(
                "cohort_confirmed",
                {
                    "name": person.full_name,
                    "programme": pick(programme.name, person.language),
                    "group": cohort.name,
                },
            ),
            dedupe_key=f"registration:{registration.id}:cohort_confirmed:{cohort.id}",
            organisation_id=programme.organisation_id,
            now=now,
        )
    record(
        session,
        now,
        Subject(programme.id, cohort_id=cohort.id),
        "cohort_confirmed",
        actor=viewer.staff_id,
        members=len(members),
    )
    await record_event(
        session,
        programme.organisation_id,
        "cohort.confirmed",
        {
            "cohort_id": cohort.id,
            "programme_id": programme.id,
            "status": cohort.status,
            "registration_ids": [r.id for r in members],
            "members": len(members),
        },
        now,
    )
    await session.commit()
    log.info("cohort confirmed", extra={"cohort_id": cohort.id, "members": len(members), "by": viewer.staff_id})
    return cohort
