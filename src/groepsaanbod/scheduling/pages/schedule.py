"""Pages of a cohort's schedule: its meetings as checked, planning them, facilitators, changing
one meeting (someone on it, cancel, move, other times); and the conflicts of a programme."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from litestar import Response, Router, get, post

from groepsaanbod import bounds
from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS
from groepsaanbod.registration.services.registrations import PrivateLinks
from groepsaanbod.scheduling.errors import ScheduleRefused
from groepsaanbod.scheduling.pages.forms import form_date, form_time
from groepsaanbod.scheduling.services import appointment_views, changes, due_date_plans, planning, views
from groepsaanbod.scheduling.services.changes import Slot
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context, act

EDITORS = needs_roles(*PROGRAMME_EDITORS)


async def _schedule_page(
    ctx: Context,
    cohort_id: int,
    *,
    problems: list[dict[str, Any]] | None = None,
    done: str = "",
    proposals: dict[int, list[Slot]] | None = None,
) -> Response:
    view = await views.cohort_schedule(ctx.db, ctx.staff, cohort_id)
    due_dates = await due_date_plans.due_dates_of(ctx.db, ctx.staff, cohort_id)
    return ctx.render(
        "scheduling/cohort.html",
        status_code=400 if problems is not None else 200,
        cohort=view.cohort,
        programme=view.programme,
        checks=view.checks,
        venues=view.venues,
        staff=view.staff,
        names=view.names,
        links=view.links,
        problems=problems or [],
        done=done,
        proposals=proposals or {},
        individual=await appointment_views.individual_meetings(ctx.db, [c.session.id for c in view.checks]),
        due_dates=due_dates,
    )


@get("/staff/cohorts/{cohort_id:int}/schedule", opt=EDITORS)
async def schedule_page(ctx: Context, cohort_id: int, done: str = "", proposals_for: int = 0) -> Response:
    proposals = {}
    if proposals_for:
        proposals[proposals_for] = await changes.propose_slots(ctx.db, ctx.staff, proposals_for, ctx.now())
    return await _schedule_page(ctx, cohort_id, done=done, proposals=proposals)


async def _change(ctx: Context, cohort_id: int, action: Callable[[], Awaitable[Any]], done: str) -> Response:
    """Try a change to the cohort's schedule: back to the schedule saying `done`, or, refused, the
    schedule again with the problems."""

    async def show_form(problems: list[dict[str, Any]]) -> Response:
        return await _schedule_page(ctx, cohort_id, problems=problems)

    return await act(
        ctx, action, done=lambda _: ctx.redirect(f"/staff/cohorts/{cohort_id}/schedule?done={done}"), form=show_form
    )


@post("/staff/cohorts/{cohort_id:int}/schedule", opt=EDITORS)
async def plan_submit(ctx: Context, cohort_id: int, settings: Settings) -> Response:
    form = await ctx.request.form()
    weekday = str(form.get("weekday", ""))
    start_time = form_time(form.get("start_time"))
    venue = str(form.get("venue_id", ""))

    async def plan() -> None:
        if bounds.form_number(weekday) not in range(7):
            raise ScheduleRefused.single("weekday", planning.WEEKDAY_FORM)
        if start_time is None:
            raise ScheduleRefused.single("start_time", bounds.TIME_FORM)
        request = planning.PlanRequest(
            int(weekday.strip()),
            start_time,
            bounds.form_id(venue) or None,
            form_date(form.get("start_date")),
            form_date(form.get("end_date")),
            form_date(form.get("due_date")),
            leave_out_past=form.get("leave_out_past") == "yes",
        )
        await planning.plan_cohort_sessions(
            ctx.db, ctx.staff, cohort_id, request, now=ctx.now(), links=PrivateLinks.of(settings)
        )

    return await _change(ctx, cohort_id, plan, "planned")


def _facilitator(form: Any) -> planning.Facilitator:
    """The person and role chosen in a "staff_role" field ("<staff id>:<role>")."""
    staff_id, _, role = str(form.get("staff_role", "")).partition(":")
    return planning.Facilitator(bounds.form_id(staff_id), role)


@post("/staff/cohorts/{cohort_id:int}/facilitators", opt=EDITORS)
async def facilitator_submit(ctx: Context, cohort_id: int) -> Response:
    form = await ctx.request.form()
    return await _change(
        ctx,
        cohort_id,
        lambda: planning.set_facilitator(ctx.db, ctx.staff, cohort_id, _facilitator(form), now=ctx.now()),
        "facilitator",
    )


@post("/staff/cohorts/{cohort_id:int}/sessions/{session_id:int}", opt=EDITORS)
async def session_action_submit(ctx: Context, cohort_id: int, session_id: int) -> Response:
    form = await ctx.request.form()
    action = str(form.get("action", ""))
    if action == "proposals":
        return ctx.redirect(f"/staff/cohorts/{cohort_id}/schedule?proposals_for={session_id}#session-{session_id}")
    if action == "assign":
        replace = str(form.get("replace", ""))
        return await _change(
            ctx,
            cohort_id,
            lambda: planning.assign_session_staff(
                ctx.db,
                ctx.staff,
                session_id,
                _facilitator(form),
                now=ctx.now(),
                replace=bounds.form_id(replace) or None,
            ),
            "assigned",
        )
    if action == "cancel":
        reason = str(form.get("reason", "")).strip() or "-"
        return await _change(
            ctx,
            cohort_id,
            lambda: changes.cancel_by_coordinator(
                ctx.db, ctx.staff, session_id, reason=reason, now=ctx.now(), language=ctx.language
            ),
            "cancelled",
        )
    if action == "move":
        try:
            moment = datetime.fromisoformat(str(form.get("local_start", "")))
        except ValueError:
            moment = None

        async def move() -> None:
            if moment is None:
                raise ScheduleRefused.single("local_start", bounds.TIME_FORM)
            await changes.reschedule_session(
                ctx.db, ctx.staff, session_id, local_start=moment.replace(tzinfo=None), now=ctx.now()
            )

        return await _change(ctx, cohort_id, move, "moved")
    return ctx.redirect(f"/staff/cohorts/{cohort_id}/schedule")


@get("/staff/programmes/{programme_id:int}/conflicts", opt=EDITORS)
async def conflicts_page(ctx: Context, programme_id: int) -> Response:
    """Every meeting of the programme that breaks a rule, hard ones first."""
    view = await views.conflicts(ctx.db, ctx.staff, programme_id)
    return ctx.render("scheduling/conflicts.html", programme=view.programme, found=view.found)


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[conflicts_page, schedule_page, plan_submit, facilitator_submit, session_action_submit],
        include_in_schema=False,
    )
]
