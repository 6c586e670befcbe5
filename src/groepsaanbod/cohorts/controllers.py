"""JSON API for coordinators: registrations, cohort proposals and changes, class import."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from litestar import Request, get, post
from litestar.params import JSONBody
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.cohorts.schemas import (
    CohortOut,
    ImportOut,
    MergeIn,
    MoveIn,
    ProposalOut,
    RegistrationRowOut,
    UnplacedOut,
)
from groepsaanbod.cohorts.services import forming as cohorts
from groepsaanbod.cohorts.services.school_classes import class_mentors, import_school_classes
from groepsaanbod.i18n.translations import render_message
from groepsaanbod.protection.body_size import UPLOAD_BODY_LIMIT
from groepsaanbod.registration.models import Registration
from groepsaanbod.settings import Settings
from groepsaanbod.web import request_language

EDITORS = needs_roles(*PROGRAMME_EDITORS)


async def cohort_out(db_session: AsyncSession, cohort: Cohort) -> CohortOut:
    rows = (
        await db_session.execute(
            select(Registration.id, Registration.status)
            .where(Registration.cohort_id == cohort.id)
            .order_by(Registration.waitlist_position, Registration.id)
        )
    ).all()
    mentor = (await class_mentors(db_session, [cohort])).get(cohort.id)
    return CohortOut(
        cohort.id,
        cohort.name,
        cohort.status,
        cohort.language,
        cohort.place,
        [i for i, s in rows if s in ("pending", "confirmed")],
        [i for i, s in rows if s == "waitlisted"],
        mentor.name if mentor else None,
        mentor.status if mentor else None,
    )


@get("/api/v1/programmes/{programme_id:int}/registrations", opt=EDITORS, tags=["cohorts"])
async def api_registrations(
    programme_id: int, db_session: AsyncSession, viewer: Viewer, now: Callable[[], datetime]
) -> list[RegistrationRowOut]:
    """The programme's registrations with contact details (each reading is audited)."""
    rows = await cohorts.list_registrations(db_session, viewer, programme_id, now(), "api_registrations")
    return [
        RegistrationRowOut(
            r.id,
            r.participant.full_name,
            r.status,
            r.language,
            r.place,
            r.cohort_id,
            r.waitlist_position,
            r.participant.due_date,
            r.participant.child_birth_date,
            r.participant.email,
            r.participant.phone,
        )
        for r in rows
    ]


@get("/api/v1/programmes/{programme_id:int}/cohorts", opt=EDITORS, tags=["cohorts"])
async def api_cohorts(programme_id: int, db_session: AsyncSession, viewer: Viewer) -> list[CohortOut]:
    return [await cohort_out(db_session, c) for c in await cohorts.list_cohorts(db_session, viewer, programme_id)]


@post("/api/v1/programmes/{programme_id:int}/cohort-proposals", opt=EDITORS, tags=["cohorts"], status_code=200)
async def api_propose(
    request: Request, programme_id: int, db_session: AsyncSession, viewer: Viewer, now: Callable[[], datetime]
) -> ProposalOut:
    """Group the pending registrations by due date (replaces earlier proposals); the answer lists who could
    not be placed and why, in your language."""
    proposal = await cohorts.propose_cohorts(db_session, viewer, programme_id, now())
    language = request_language(request)
    stored = [c for c in await cohorts.list_cohorts(db_session, viewer, programme_id) if c.status == "proposed"]
    return ProposalOut(
        [await cohort_out(db_session, c) for c in stored],
        [
            UnplacedOut(u.language, u.place, list(u.registration_ids), render_message(language, u.reason))
            for u in proposal.unplaced
        ],
    )


@post("/api/v1/cohorts/{cohort_id:int}/members", opt=EDITORS, tags=["cohorts"], status_code=200)
async def api_move(
    cohort_id: int, data: JSONBody[MoveIn], db_session: AsyncSession, viewer: Viewer, now: Callable[[], datetime]
) -> CohortOut:
    """Move a member of a proposed group into this proposed group."""
    await cohorts.move_member(db_session, viewer, data.registration_id, cohort_id, now())
    return await cohort_out(db_session, await db_session.get(Cohort, cohort_id))


@post("/api/v1/cohorts/{cohort_id:int}/split", opt=EDITORS, tags=["cohorts"], status_code=200)
async def api_split(
    cohort_id: int, db_session: AsyncSession, viewer: Viewer, now: Callable[[], datetime]
) -> list[CohortOut]:
    """Split a proposed group in two by due date."""
    other = await cohorts.split_cohort(db_session, viewer, cohort_id, now())
    return [await cohort_out(db_session, await db_session.get(Cohort, cohort_id)), await cohort_out(db_session, other)]


@post("/api/v1/cohorts/{cohort_id:int}/merge", opt=EDITORS, tags=["cohorts"], status_code=200)
async def api_merge(
    cohort_id: int, data: JSONBody[MergeIn], db_session: AsyncSession, viewer: Viewer, now: Callable[[], datetime]
) -> CohortOut:
    """Join another proposed group (same language and place) into this one."""
    return await cohort_out(
        db_session, await cohorts.merge_cohorts(db_session, viewer, cohort_id, data.other_cohort_id, now())
    )


@post("/api/v1/cohorts/{cohort_id:int}/confirm", opt=EDITORS, tags=["cohorts"], status_code=200)
async def api_confirm(
    cohort_id: int, db_session: AsyncSession, viewer: Viewer, now: Callable[[], datetime]
) -> CohortOut:
    """Confirm a proposed group: members are confirmed and told in their languages."""
    return await cohort_out(db_session, await cohorts.confirm_cohort(db_session, viewer, cohort_id, now()))


@post(
    "/api/v1/programmes/{programme_id:int}/school-classes",
    opt=EDITORS,
    tags=["cohorts"],
    status_code=200,
    request_max_body_size=UPLOAD_BODY_LIMIT,
)
async def api_import_classes(
    request: Request,
    programme_id: int,
    db_session: AsyncSession,
    viewer: Viewer,
    now: Callable[[], datetime],
    settings: Settings,
) -> ImportOut:
    """Upload the first-year classes as CSV (the request body, text/csv): class, school year, mentor name,
    mentor email, number of pupils. A file with a bad row imports nothing; each problem names line and field.
    A mentor whose address has an account that does not work for this organisation is invited (never given
    a role): `invited_mentors` counts them, and the class has no mentor until they accept."""
    summary = await import_school_classes(
        db_session, viewer, programme_id, await request.body(), now(), base_url=settings.base_url
    )
    return ImportOut(
        summary.classes, summary.new_classes, summary.new_mentors, summary.new_cohorts, summary.invited_mentors
    )


ROUTES = [api_registrations, api_cohorts, api_propose, api_move, api_split, api_merge, api_confirm, api_import_classes]
