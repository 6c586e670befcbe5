"""The coordinator's forms for running groups by due date, on the registrations page: add a late
joiner to a confirmed group, record a member's birth date."""

from __future__ import annotations

from typing import Any

from litestar import Response, Router, post

from groepsaanbod import bounds
from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS
from groepsaanbod.cohorts.pages import registrations_with_problems
from groepsaanbod.registration.eligibility import DATE_WRONG
from groepsaanbod.scheduling.errors import ScheduleRefused
from groepsaanbod.scheduling.pages.forms import form_date
from groepsaanbod.scheduling.services.births import Birth, record_birth
from groepsaanbod.scheduling.services.late_joiners import add_late_joiner
from groepsaanbod.web import Context, act

EDITORS = needs_roles(*PROGRAMME_EDITORS)


@post("/staff/cohorts/{cohort_id:int}/late-joiners", opt=EDITORS)
async def late_joiner_submit(ctx: Context, cohort_id: int) -> Response:
    """Add the chosen waiting person; back to the registrations page, or it again with the refusal."""
    form = await ctx.request.form()
    registration_id = bounds.form_id(form.get("registration_id"))
    return await act(
        ctx,
        lambda: add_late_joiner(ctx.db, ctx.staff, cohort_id, registration_id, now=ctx.now()),
        done=lambda cohort: ctx.redirect(f"/staff/programmes/{cohort.programme_id}/registrations?done=late_joiner"),
        form=_back(ctx, form),
    )


def _back(ctx: Context, form: Any) -> Any:
    async def show_page(problems: list[dict[str, Any]]) -> Response:
        # The page the form is on; another organisation's programme is not found there either.
        return await registrations_with_problems(ctx, bounds.form_id(form.get("programme_id")), problems)

    return show_page


@post("/staff/cohorts/{cohort_id:int}/births", opt=EDITORS)
async def birth_submit(ctx: Context, cohort_id: int) -> Response:
    """Record a member's birth date; the meeting with the babies follows the real dates."""
    form = await ctx.request.form()
    born = form_date(form.get("birth_date"))
    registration_id = bounds.form_id(form.get("registration_id"))
    programme_id = bounds.form_id(form.get("programme_id"))

    async def record() -> int:
        if born is None:
            raise ScheduleRefused.single("birth_date", DATE_WRONG)
        return await record_birth(ctx.db, ctx.staff, cohort_id, Birth(registration_id, born), now=ctx.now())

    return await act(
        ctx,
        record,
        done=lambda _: ctx.redirect(f"/staff/programmes/{programme_id}/registrations?done=birth"),
        form=_back(ctx, form),
    )


ROUTES = [Router(path="/{lang:str}", route_handlers=[late_joiner_submit, birth_submit], include_in_schema=False)]
