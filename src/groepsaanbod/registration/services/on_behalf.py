"""Assisted sign-up: a desk, a midwife or a trainer signs a person up on her behalf, at the desk
or on the phone (sign_up_on_behalf), and the programmes they may do that for.

The same sign-up as her own (sign_up.register_participant), with three differences: her messages
and her own link come in the language she reads, which the staff member chooses with her (the
form's language is her group's); the consent is the staff member's word that they explained it
to her in that language (recorded with that language); and the history's "registered" event
names the staff member. Her link goes to her only: the staff member never sees it. Someone
signed up already is told by message, and the staff member gets the same answer as for anyone.
Only staff of the programme's organisation with a role that works with participants
(access/roles.py SIGN_UP_ASSISTANTS) may; another organisation's programme does not exist for them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.roles import SIGN_UP_ASSISTANTS
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import Staff
from groepsaanbod.audit.services import DataUse, record_audit
from groepsaanbod.history.models import RegistrationEvent
from groepsaanbod.i18n.languages import LANGUAGE_CODES
from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.programmes.errors import ProgrammeNotFound
from groepsaanbod.programmes.models import Programme, ProgrammeStatus, ProgrammeTemplate
from groepsaanbod.programmes.templates import Formation
from groepsaanbod.refusals import Problem
from groepsaanbod.registration import errors
from groepsaanbod.registration.eligibility import RegistrationForm, check_registration
from groepsaanbod.registration.models import Registration
from groepsaanbod.registration.services.registrations import (
    LATEST_PUBLISHED_VERSION,
    PrivateLinks,
    SignUpForm,
    sign_up_form,
)
from groepsaanbod.registration.services.sign_up import register_participant
from groepsaanbod.registration.services.sign_up_reads import sign_up_programme

log = logging.getLogger(__name__)

READS_LANGUAGE_NEEDED = N_("Choose the language she reads from the list: her messages and her link come in it.")
CONSENT_EXPLAINED = N_(
    "Tick the box to confirm that you explained to her, in her language, what we keep and why, and "
    "that she agrees. Without her permission you cannot sign her up."
)

#: The answer of the API, the same whether or not she was signed up before.
SHE_GETS_A_MESSAGE = N_(
    "She gets her own link by email or text message. The message tells her how her sign-up went, "
    "also when she was signed up before."
)


@dataclass(frozen=True)
class OnBehalf:
    """What the staff member filled in with her: the sign-up form, and the language she reads.
    `form.consent` is the staff member's confirmation that she agreed after it was explained."""

    form: RegistrationForm
    reads_language: str


@dataclass(frozen=True)
class AssistedSignUp:
    """The answer, the same whether or not she was signed up before (she is told by message)."""

    programme_id: int
    #: The language her message and link come in.
    reads_language: str


async def _published_slug(session: AsyncSession, viewer: Viewer, programme_id: int) -> str:
    row = (
        await session.execute(
            select(Programme.slug, Programme.organisation_id, Programme.status).where(Programme.id == programme_id)
        )
    ).first()
    if row is None or row.organisation_id not in viewer.organisations_with(SIGN_UP_ASSISTANTS):
        raise ProgrammeNotFound()
    if row.status != ProgrammeStatus.PUBLISHED:
        raise errors.RegistrationRefused.single("programme", errors.PROGRAMME_CLOSED)
    return row.slug


async def programmes_for_assisted_sign_up(session: AsyncSession, viewer: Viewer) -> list[Programme]:
    """The published programmes of the viewer's organisations that take individual sign-ups."""
    organisations = viewer.organisations_with(SIGN_UP_ASSISTANTS)
    return list(
        await session.scalars(
            select(Programme)
            .join(ProgrammeTemplate, ProgrammeTemplate.programme_id == Programme.id)
            .where(
                Programme.organisation_id.in_(organisations),
                Programme.status == ProgrammeStatus.PUBLISHED,
                ProgrammeTemplate.version == LATEST_PUBLISHED_VERSION,
                ProgrammeTemplate.formation != Formation.SCHOOL_CLASS,
            )
            .order_by(Programme.slug)
        )
    )


async def assisted_sign_up_form(session: AsyncSession, viewer: Viewer, programme_id: int) -> SignUpForm:
    """The sign-up form's facts of a programme the viewer may sign people up for."""
    return await sign_up_form(session, await _published_slug(session, viewer, programme_id))


async def sign_up_on_behalf(
    session: AsyncSession,
    viewer: Viewer,
    programme_id: int,
    request: OnBehalf,
    *,
    now: datetime,
    links: PrivateLinks,
) -> AssistedSignUp:
    """Sign her up on her behalf, in one transaction as her own sign-up; every problem at once
    (RegistrationRefused), nothing saved then."""
    slug = await _published_slug(session, viewer, programme_id)
    programme = await sign_up_programme(session, slug)
    if programme is None:
        raise errors.RegistrationRefused.single("programme", errors.PROGRAMME_CLOSED)
    form = replace(request.form, consent=True)  # her consent is the staff member's word, checked here
    _, problems = check_registration(form, programme.facts(), now.date())
    mine: list[Problem] = []
    reads = (request.reads_language or "").strip()
    if reads not in LANGUAGE_CODES:
        mine.append(Problem("reads_language", Message(READS_LANGUAGE_NEEDED)))
    if not request.form.consent:
        mine.append(Problem("consent", Message(CONSENT_EXPLAINED)))
    if problems or mine:
        raise errors.RegistrationRefused([*problems, *mine])
    outcome = await register_participant(
        session, slug, form, now=now, links=links, shown_language=reads, reads_language=reads, actor=viewer.staff_id
    )
    if outcome is not None:
        participant_id = await session.scalar(
            select(Registration.participant_id).where(Registration.id == outcome.registration_id)
        )
        record_audit(
            session,
            now,
            DataUse("change", "assisted_sign_up"),
            [participant_id],
            actor_staff_id=viewer.staff_id,
            organisation_id=programme.organisation_id,
        )
        await session.commit()
    log.info(
        "signed up on her behalf",
        extra={"programme_id": programme_id, "staff_id": viewer.staff_id, "new": outcome is not None},
    )
    return AssistedSignUp(programme_id, reads)


async def signed_up_by(session: AsyncSession, programme_id: int) -> dict[int, str]:
    """Who signed each person up on her behalf (registration id -> staff name), from the history;
    the caller has checked that the viewer may see the programme's registrations."""
    rows = await session.execute(
        select(RegistrationEvent.registration_id, Staff.full_name)
        .join(Staff, Staff.id == RegistrationEvent.actor_staff_id)
        .where(
            RegistrationEvent.programme_id == programme_id,
            RegistrationEvent.action == "registered",
            RegistrationEvent.registration_id.is_not(None),
        )
    )
    return {registration_id: name for registration_id, name in rows.all() if registration_id is not None}
