"""JSON API for coordinators: registrations, cohort proposals and changes, class import."""

from __future__ import annotations

from typing import Annotated

from litestar import Response, get, post
from litestar.params import JSONBody, Parameter

from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS
from groepsaanbod.cohorts.models import Cohort, CohortStatus
from groepsaanbod.cohorts.schemas import (
    CohortOut,
    ImportOut,
    MergeIn,
    MoveIn,
    ProposalOut,
    RegistrationRowOut,
    SupportCountsOut,
    UnplacedOut,
)
from groepsaanbod.cohorts.services import forming as cohorts
from groepsaanbod.cohorts.services import lifecycle
from groepsaanbod.cohorts.services.overview import cohort_view
from groepsaanbod.cohorts.services.school_classes import SchoolDetails, import_school_classes
from groepsaanbod.i18n.translations import render_message
from groepsaanbod.paged import NEXT_LINK, PAGED, paged_response
from groepsaanbod.paging import PageRequest, page_list, page_of
from groepsaanbod.protection.body_size import UPLOAD_BODY_LIMIT
from groepsaanbod.registration.models import Registration
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context

EDITORS = needs_roles(*PROGRAMME_EDITORS)


async def cohort_out(ctx: Context, cohort: Cohort) -> CohortOut:
    view = await cohort_view(ctx.db, cohort)
    return CohortOut(
        cohort.id,
        cohort.name,
        cohort.status,
        cohort.language,
        cohort.place,
        view.members,
        view.waitlist,
        view.mentor.name if view.mentor else None,
        view.mentor.status if view.mentor else None,
        SupportCountsOut(**view.support.__dict__),
    )


@get(
    "/api/v1/programmes/{programme_id:int}/registrations",
    opt=EDITORS,
    tags=["cohorts"],
    dependencies=PAGED,
    response_headers=NEXT_LINK,
)
async def api_registrations(ctx: Context, programme_id: int, page: PageRequest) -> Response[list[RegistrationRowOut]]:
    """The programme's registrations with contact details, by id (each reading is audited: the
    people of the page given)."""
    rows = await cohorts.list_registrations(
        ctx.db, ctx.staff, programme_id, now=ctx.now(), shown_as="api_registrations", page=page
    )
    return paged_response(ctx.request, page_of(rows, page, lambda r: r.id), registration_row_out)


def registration_row_out(r: Registration) -> RegistrationRowOut:
    return RegistrationRowOut(
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
        r.support,
    )


@get(
    "/api/v1/programmes/{programme_id:int}/cohorts",
    opt=EDITORS,
    tags=["cohorts"],
    dependencies=PAGED,
    response_headers=NEXT_LINK,
)
async def api_cohorts(ctx: Context, programme_id: int, page: PageRequest) -> Response[list[CohortOut]]:
    """The programme's groups, by id."""
    found = page_list(await cohorts.list_cohorts(ctx.db, ctx.staff, programme_id), page, lambda c: c.id)
    shown = {c.id: await cohort_out(ctx, c) for c in found.items}
    return paged_response(ctx.request, found, lambda c: shown[c.id])


@post("/api/v1/programmes/{programme_id:int}/cohort-proposals", opt=EDITORS, tags=["cohorts"], status_code=200)
async def api_propose(ctx: Context, programme_id: int) -> ProposalOut:
    """Group the pending registrations by due date (replaces earlier proposals); the answer lists who could
    not be placed and why, in your language."""
    proposal = await cohorts.propose_cohorts(ctx.db, ctx.staff, programme_id, ctx.now())
    stored = [
        c for c in await cohorts.list_cohorts(ctx.db, ctx.staff, programme_id) if c.status == CohortStatus.PROPOSED
    ]
    return ProposalOut(
        [await cohort_out(ctx, c) for c in stored],
        [
            UnplacedOut(u.language, u.place, list(u.registration_ids), render_message(ctx.language, u.reason))
            for u in proposal.unplaced
        ],
    )


@post("/api/v1/cohorts/{cohort_id:int}/members", opt=EDITORS, tags=["cohorts"], status_code=200)
async def api_move(ctx: Context, cohort_id: int, data: JSONBody[MoveIn]) -> CohortOut:
    """Move a member of a proposed group into this proposed group."""
    return await cohort_out(
        ctx, await cohorts.move_member(ctx.db, ctx.staff, data.registration_id, cohort_id, now=ctx.now())
    )


@post("/api/v1/cohorts/{cohort_id:int}/split", opt=EDITORS, tags=["cohorts"], status_code=200)
async def api_split(ctx: Context, cohort_id: int) -> list[CohortOut]:
    """Split a proposed group in two by due date."""
    cohort, other = await cohorts.split_cohort(ctx.db, ctx.staff, cohort_id, ctx.now())
    return [await cohort_out(ctx, cohort), await cohort_out(ctx, other)]


@post("/api/v1/cohorts/{cohort_id:int}/merge", opt=EDITORS, tags=["cohorts"], status_code=200)
async def api_merge(ctx: Context, cohort_id: int, data: JSONBody[MergeIn]) -> CohortOut:
    """Join another proposed group (same language and place) into this one."""
    return await cohort_out(
        ctx, await cohorts.merge_cohorts(ctx.db, ctx.staff, cohort_id, data.other_cohort_id, now=ctx.now())
    )


@post("/api/v1/cohorts/{cohort_id:int}/confirm", opt=EDITORS, tags=["cohorts"], status_code=200)
async def api_confirm(ctx: Context, cohort_id: int) -> CohortOut:
    """Confirm a proposed group: members are confirmed and told in their languages."""
    return await cohort_out(ctx, await cohorts.confirm_cohort(ctx.db, ctx.staff, cohort_id, ctx.now()))


@post("/api/v1/cohorts/{cohort_id:int}/close", opt=EDITORS, tags=["cohorts"], status_code=200)
async def api_close(ctx: Context, cohort_id: int, settings: Settings) -> CohortOut:
    """Close an open group for new people: new sign-ups and its waiting list go towards the next group of its
    language and place, which starts by itself at the minimum. Open groups also close by themselves when the
    template's last joining meeting starts (rules.joinable_until_meeting)."""
    change = lifecycle.Change(ctx.now(), settings.base_url, ctx.staff.staff_id)
    return await cohort_out(ctx, await lifecycle.close_cohort(ctx.db, ctx.staff, cohort_id, change))


@post("/api/v1/cohorts/{cohort_id:int}/reopen", opt=EDITORS, tags=["cohorts"], status_code=200)
async def api_reopen(ctx: Context, cohort_id: int, settings: Settings) -> CohortOut:
    """Take new people in a closed open group again (when no other group of its language and place does)."""
    change = lifecycle.Change(ctx.now(), settings.base_url, ctx.staff.staff_id)
    return await cohort_out(ctx, await lifecycle.reopen_cohort(ctx.db, ctx.staff, cohort_id, change))


@post("/api/v1/cohorts/{cohort_id:int}/end", opt=EDITORS, tags=["cohorts"], status_code=200)
async def api_end(ctx: Context, cohort_id: int, settings: Settings) -> CohortOut:
    """End a group (its course is over): its waiting list and open offers go towards the next group."""
    change = lifecycle.Change(ctx.now(), settings.base_url, ctx.staff.staff_id)
    return await cohort_out(ctx, await lifecycle.end_cohort(ctx.db, ctx.staff, cohort_id, change))


@post(
    "/api/v1/programmes/{programme_id:int}/school-classes",
    opt=EDITORS,
    tags=["cohorts"],
    status_code=200,
    request_max_body_size=UPLOAD_BODY_LIMIT,
)
async def api_import_classes(
    ctx: Context,
    programme_id: int,
    settings: Settings,
    region: str | None = None,
    contact_email: Annotated[str | None, Parameter(query="contactEmail")] = None,
    # The name of API 1.0, still read until 2.0; not in the document.
    old_contact_email: Annotated[str | None, Parameter(query="contact_email", include_in_schema=False)] = None,
) -> ImportOut:
    """Upload the first-year classes as CSV (the request body, text/csv): class, school year, mentor name,
    mentor email, number of pupils. A file with a bad row imports nothing; each problem names line and field.
    `region` (noord, midden or zuid) is the school's holiday region, kept for the next file; it is needed
    the first time. `contactEmail` is told when a lesson is cancelled.
    A mentor whose address has an account that does not work for this organisation is invited (never given
    a role): `invited_mentors` counts them, and the class has no mentor until they accept."""
    summary = await import_school_classes(
        ctx.db,
        ctx.staff,
        programme_id,
        await ctx.request.body(),
        now=ctx.now(),
        base_url=settings.base_url,
        school=SchoolDetails(region or None, old_contact_email if contact_email is None else contact_email),
    )
    return ImportOut(
        summary.classes, summary.new_classes, summary.new_mentors, summary.new_cohorts, summary.invited_mentors
    )


ROUTES = [
    api_registrations,
    api_cohorts,
    api_propose,
    api_move,
    api_split,
    api_merge,
    api_confirm,
    api_close,
    api_reopen,
    api_end,
    api_import_classes,
]
