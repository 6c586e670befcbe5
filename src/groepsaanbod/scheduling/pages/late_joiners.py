"""The coordinator's form to add a late joiner to a confirmed group (on the registrations page)."""

from __future__ import annotations

from typing import Any

from litestar import Response, Router, post

from groepsaanbod import bounds
from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS
from groepsaanbod.cohorts.pages import registrations_with_problems
from groepsaanbod.scheduling.services.late_joiners import add_late_joiner
from groepsaanbod.web import Context, act

EDITORS = needs_roles(*PROGRAMME_EDITORS)


@post("/staff/cohorts/{cohort_id:int}/late-joiners", opt=EDITORS)
async def late_joiner_submit(ctx: Context, cohort_id: int) -> Response:
    """Add the chosen waiting person; back to the registrations page, or it again with the refusal."""
    form = await ctx.request.form()
    registration_id = bounds.form_id(form.get("registration_id"))

    async def show_page(problems: list[dict[str, Any]]) -> Response:
        # The page the form is on; another organisation's programme is not found there either.
        return await registrations_with_problems(ctx, bounds.form_id(form.get("programme_id")), problems)

    return await act(
        ctx,
        lambda: add_late_joiner(ctx.db, ctx.staff, cohort_id, registration_id, now=ctx.now()),
        done=lambda cohort: ctx.redirect(f"/staff/programmes/{cohort.programme_id}/registrations?done=late_joiner"),
        form=show_page,
    )


ROUTES = [Router(path="/{lang:str}", route_handlers=[late_joiner_submit], include_in_schema=False)]
