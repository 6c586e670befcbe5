"""THINK op school's guest-teacher page: what each guest teacher gives and when, the year
planner's button, and the plan (every lesson still to come with its guest teacher)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from litestar import Response, Router, get, post

from groepsaanbod import bounds
from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS
from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.refusals import Problem
from groepsaanbod.scheduling.errors import ScheduleRefused
from groepsaanbod.scheduling.services.guest_teachers import YearPlanOutcome, plan_think_year
from groepsaanbod.scheduling.services.think_availability import (
    TeacherAvailability,
    guest_teacher_pool,
    set_guest_teacher_availability,
    year_plan,
)
from groepsaanbod.web import Context, act, problems_for_page

EDITORS = needs_roles(*PROGRAMME_EDITORS)
WEEK_OFF_WRONG = N_("Write each week off as a date, one per line, for example 14-12-2026.")
#: Dates as people type them: 14-12-2026, 14/12/2026, 14.12.2026 or 2026-12-14.
_DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_MAX_LINES = 60


def _weeks_off(text: str) -> tuple[date, ...]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > _MAX_LINES or bounds.text_problem(text, 2000) is not None:
        raise ScheduleRefused([Problem("weeks_off", Message(WEEK_OFF_WRONG))])
    days = []
    for line in lines:
        match = _DAY_FIRST.fullmatch(line)
        try:
            days.append(
                date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
                if match
                else date.fromisoformat(line)
            )
        except ValueError:
            raise ScheduleRefused([Problem("weeks_off", Message(WEEK_OFF_WRONG))]) from None
    return tuple(days)


async def _page(
    ctx: Context,
    programme_id: int,
    *,
    problems: list[dict[str, Any]] | None = None,
    editing: int = 0,
    outcome: YearPlanOutcome | None = None,
    done: str = "",
) -> Response:
    pool = await guest_teacher_pool(ctx.db, ctx.staff, programme_id, ctx.language)
    return ctx.render(
        "scheduling/guest_teachers.html",
        status_code=400 if problems else 200,
        programme=pool.programme,
        topics=pool.topics,
        teachers=pool.teachers,
        lessons=await year_plan(ctx.db, ctx.staff, programme_id, ctx.now()),
        problems=problems or [],
        editing=editing,
        outcome=outcome,
        done=done,
    )


@get("/staff/programmes/{programme_id:int}/guest-teachers", opt=EDITORS)
async def guest_teachers_page(ctx: Context, programme_id: int, done: str = "") -> Response:
    try:
        return await _page(ctx, programme_id, done=done if done in ("saved",) else "")
    except ScheduleRefused as refused:
        # A programme not given to school classes: say so on the page (a link may lead here).
        return ctx.render("scheduling/guest_teachers.html", not_for_classes=refused.problems, programme=None)


@post("/staff/programmes/{programme_id:int}/guest-teachers/{staff_id:int}", opt=EDITORS)
async def availability_submit(ctx: Context, programme_id: int, staff_id: int) -> Response:
    form = await ctx.request.form()

    async def save() -> None:
        weekdays = tuple(n for n in (bounds.form_number(d) for d in form.getall("weekdays", [])) if n is not None)
        most = bounds.form_number(form.get("max_lessons_per_week", ""))
        availability = TeacherAvailability(
            tuple(str(t) for t in form.getall("topics", [])),
            weekdays,
            _weeks_off(str(form.get("weeks_off", ""))),
            most if most is not None else 0,
        )
        await set_guest_teacher_availability(ctx.db, ctx.staff, programme_id, staff_id, availability, now=ctx.now())

    async def show_form(problems: list[dict[str, Any]]) -> Response:
        return await _page(ctx, programme_id, problems=problems, editing=staff_id)

    return await act(
        ctx,
        save,
        done=lambda _: ctx.redirect(f"/staff/programmes/{programme_id}/guest-teachers?done=saved#teacher-{staff_id}"),
        form=show_form,
    )


@post("/staff/programmes/{programme_id:int}/guest-teachers/plan", opt=EDITORS)
async def plan_submit(ctx: Context, programme_id: int) -> Response:
    """Plan with what the page keeps; the page then shows the plan, or in words why none exists."""
    try:
        outcome = await plan_think_year(ctx.db, ctx.staff, programme_id, [], now=ctx.now())
    except ScheduleRefused as refused:
        await ctx.db.rollback()
        return await _page(ctx, programme_id, problems=problems_for_page(refused.problems))
    return await _page(ctx, programme_id, outcome=outcome)


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[guest_teachers_page, availability_submit, plan_submit],
        include_in_schema=False,
    )
]
