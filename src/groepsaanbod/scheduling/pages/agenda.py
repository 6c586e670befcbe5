"""Pages of a person's own schedule: their agenda, saying they cannot come, and the hours they can work."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Response, Router, get, post

from groepsaanbod import bounds
from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.access.roles import ROLES
from groepsaanbod.i18n.translations import render_message
from groepsaanbod.organisations.pages import hours_from_form
from groepsaanbod.scheduling.errors import ScheduleRefused
from groepsaanbod.scheduling.services import appointment_views, changes, planning, views
from groepsaanbod.web import Context, act

ANY_STAFF = needs_roles(*ROLES)


async def _back_refused(ctx: Context, _problems: list[dict[str, Any]]) -> Response:
    """The agenda's forms are small: a refusal is said at the top of the agenda."""
    return ctx.redirect("/staff/agenda?done=refused")


@get("/staff/agenda", opt=ANY_STAFF)
async def agenda_page(ctx: Context, done: str = "") -> Response:
    view = await views.agenda(ctx.db, ctx.staff, ctx.now())
    return ctx.render(
        "scheduling/agenda.html",
        sessions=view.sessions,
        cohorts=view.cohorts,
        programmes=view.programmes,
        done=done,
        problems=[],
        hours_organisations=view.hours_organisations,
        hours=view.hours,
        individual=await appointment_views.individual_meetings(ctx.db, [s.id for s in view.sessions]),
    )


@get("/staff/agenda/{session_id:int}/absence", opt=ANY_STAFF)
async def absence_confirm_page(ctx: Context, session_id: int, reason: str = "") -> Response:
    """Before "I cannot come" is done: what will happen (the meeting cancelled, and who is told, or
    the coordinator alerted), and a button to confirm. Nothing is changed by showing it."""
    try:
        preview = await changes.preview_absence(ctx.db, ctx.staff, session_id, now=ctx.now(), reason=reason)
    except ScheduleRefused:
        return ctx.redirect("/staff/agenda?done=refused")
    return ctx.render(
        "scheduling/absence.html",
        p=preview,
        reason=reason,
        violations=[render_message(ctx.language, v.message) for v in preview.outcome.violations],
    )


@post("/staff/agenda/{session_id:int}/absence", opt=ANY_STAFF)
async def absence_submit(ctx: Context, session_id: int) -> Response:
    form = await ctx.request.form()
    reason = str(form.get("reason", ""))
    if form.get("confirmed") != "yes":
        # Not from the confirmation page (an old agenda page, say): show what will happen first.
        return ctx.redirect(f"/staff/agenda/{session_id}/absence?{urlencode({'reason': reason[:300]})}")
    return await act(
        ctx,
        lambda: changes.report_absence(
            ctx.db, ctx.staff, session_id, now=ctx.now(), reason=reason, language=ctx.language
        ),
        done=lambda outcome: ctx.redirect(f"/staff/agenda?done={'cancelled' if outcome.cancelled else 'absent'}"),
        form=lambda problems: _back_refused(ctx, problems),
    )


@post("/staff/agenda/hours", opt=ANY_STAFF)
async def hours_submit(ctx: Context) -> Response:
    """One organisation's hours (its form names it), or, without one, the same hours for each."""
    form = await ctx.request.form()
    raw = str(form.get("organisation_id", "")).strip()
    organisation_id = bounds.form_id(raw) or None
    hours = hours_from_form(form, f"hours-{organisation_id}" if organisation_id else "hours")

    async def set_hours() -> None:
        if hours is None:
            raise ScheduleRefused.single("hours", bounds.TIME_FORM)
        await planning.set_availability(ctx.db, ctx.staff, hours, organisation_id=organisation_id)

    return await act(
        ctx,
        set_hours,
        done=lambda _: ctx.redirect("/staff/agenda?done=hours"),
        form=lambda problems: _back_refused(ctx, problems),
    )


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[hours_submit, agenda_page, absence_confirm_page, absence_submit],
        include_in_schema=False,
    )
]
