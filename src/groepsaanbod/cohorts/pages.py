"""The coordinator's page of a programme's registrations and groups."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from litestar import Response, Router, get, post
from litestar.datastructures import UploadFile

from groepsaanbod import bounds
from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS
from groepsaanbod.cohorts.services import forming as cohorts
from groepsaanbod.cohorts.services import lifecycle
from groepsaanbod.cohorts.services.overview import programme_groups
from groepsaanbod.cohorts.services.school_classes import SchoolDetails, import_school_classes
from groepsaanbod.i18n.formatting import local_date
from groepsaanbod.protection.body_size import UPLOAD_BODY_LIMIT
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context, act

EDITORS = needs_roles(*PROGRAMME_EDITORS)


async def _page(
    ctx: Context,
    programme_id: int,
    *,
    now: datetime | None = None,
    problems: list[dict[str, Any]] | None = None,
    done: str = "",
) -> Response:
    """Given `now`, the reading of the people's data is audited and invitations show as they are then."""
    shown = await programme_groups(ctx.db, ctx.staff, programme_id, now=now, today=local_date(ctx.now()))
    return ctx.render(
        "cohorts/coordinator.html",
        status_code=400 if problems else 200,
        programme=shown.programme,
        template=shown.template,
        registrations=shown.registrations,
        groups=shown.groups,
        mentors=shown.mentors,
        members=shown.members,
        unplaced=shown.unplaced,
        spread_weeks=shown.spread_weeks,
        outlooks=shown.outlooks,
        signed_up_by=shown.signed_up_by,
        support=shown.support,
        problems=problems or [],
        done=done,
    )


async def registrations_with_problems(ctx: Context, programme_id: int, problems: list[dict[str, Any]]) -> Response:
    """The registrations page again with what was refused, for a form on it that another area
    handles (a late joiner, in scheduling)."""
    return await _page(ctx, programme_id, problems=problems)


@get("/staff/programmes/{programme_id:int}/registrations", opt=EDITORS)
async def registrations_page(ctx: Context, programme_id: int, done: str = "") -> Response:
    return await _page(ctx, programme_id, done=done, now=ctx.now())


async def _act(ctx: Context, programme_id: int, action: Callable[[], Awaitable[Any]], done: str) -> Response:
    """Do it, then back to the page saying what was done; refused, the page again with the problems."""

    async def show_page(problems: list[dict[str, Any]]) -> Response:
        return await _page(ctx, programme_id, problems=problems)

    return await act(
        ctx,
        action,
        done=lambda _: ctx.redirect(f"/staff/programmes/{programme_id}/registrations?done={done}"),
        form=show_page,
    )


@post("/staff/programmes/{programme_id:int}/cohort-proposals", opt=EDITORS)
async def propose_submit(ctx: Context, programme_id: int) -> Response:
    return await _act(
        ctx, programme_id, lambda: cohorts.propose_cohorts(ctx.db, ctx.staff, programme_id, ctx.now()), "proposed"
    )


def _int(value: Any) -> int:
    return bounds.form_id(value)


@post("/staff/programmes/{programme_id:int}/cohorts/{cohort_id:int}", opt=EDITORS)
async def cohort_action_submit(ctx: Context, programme_id: int, cohort_id: int, settings: Settings) -> Response:
    """One form per group; the button pressed says what to do."""
    form = await ctx.request.form()
    action = str(form.get("action", ""))
    db, viewer = ctx.db, ctx.staff
    actions: dict[str, Callable[[], Awaitable[Any]]] = {
        "confirm": lambda: cohorts.confirm_cohort(db, viewer, cohort_id, ctx.now()),
        "split": lambda: cohorts.split_cohort(db, viewer, cohort_id, ctx.now()),
        "merge": lambda: cohorts.merge_cohorts(db, viewer, cohort_id, _int(form.get("other_cohort_id")), now=ctx.now()),
        "move": lambda: cohorts.move_member(db, viewer, _int(form.get("registration_id")), cohort_id, now=ctx.now()),
        **_lifecycle_actions(ctx, cohort_id, settings),
    }
    if action not in actions:
        return ctx.redirect(f"/staff/programmes/{programme_id}/registrations")
    return await _act(ctx, programme_id, actions[action], action)


def _lifecycle_actions(ctx: Context, cohort_id: int, settings: Settings) -> dict[str, Callable[[], Awaitable[Any]]]:
    """An open group's close, reopen and end (cohorts/services/lifecycle.py)."""

    def change() -> lifecycle.Change:
        return lifecycle.Change(ctx.now(), settings.base_url, ctx.staff.staff_id)

    return {
        "close": lambda: lifecycle.close_cohort(ctx.db, ctx.staff, cohort_id, change()),
        "reopen": lambda: lifecycle.reopen_cohort(ctx.db, ctx.staff, cohort_id, change()),
        "end": lambda: lifecycle.end_cohort(ctx.db, ctx.staff, cohort_id, change()),
    }


@post("/staff/programmes/{programme_id:int}/school-classes", opt=EDITORS, request_max_body_size=UPLOAD_BODY_LIMIT)
async def import_submit(ctx: Context, programme_id: int, settings: Settings) -> Response:
    form = await ctx.request.form()
    upload = form.get("file")
    data = await upload.read() if isinstance(upload, UploadFile) else b""
    school = SchoolDetails(str(form.get("region", "")) or None, str(form.get("contact_email", "")))
    return await _act(
        ctx,
        programme_id,
        lambda: import_school_classes(
            ctx.db, ctx.staff, programme_id, data, now=ctx.now(), base_url=settings.base_url, school=school
        ),
        "imported",
    )


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[registrations_page, propose_submit, cohort_action_submit, import_submit],
        include_in_schema=False,
    )
]
