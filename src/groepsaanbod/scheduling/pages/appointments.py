"""Pages of an individual meeting's times (Triple P's phone calls, an intake): the trainer offers
times, sees who chose which, gives a member a time or frees it, and takes back a free time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from litestar import Response, Router, get, post

from groepsaanbod import bounds
from groepsaanbod.i18n.text import N_
from groepsaanbod.registration.services.registrations import PrivateLinks
from groepsaanbod.scheduling.appointment_controllers import RUNNERS
from groepsaanbod.scheduling.errors import ScheduleRefused
from groepsaanbod.scheduling.pages.forms import form_date, form_time
from groepsaanbod.scheduling.services import appointment_views, appointments
from groepsaanbod.scheduling.services.appointment_checks import SlotOffer
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context, act

DAY_FORM = N_("Give a date, for example 2027-03-15.")


async def _page(
    ctx: Context, session_id: int, *, problems: list[dict[str, Any]] | None = None, done: str = ""
) -> Response:
    board = await appointment_views.appointment_board(ctx.db, ctx.staff, session_id)
    return ctx.render(
        "scheduling/appointments.html",
        status_code=400 if problems is not None else 200,
        board=board,
        s=board.meeting.meeting,
        cohort=board.meeting.cohort,
        programme=board.meeting.programme,
        problems=problems or [],
        done=done,
    )


@get("/staff/sessions/{session_id:int}/appointments", opt=RUNNERS)
async def appointments_page(ctx: Context, session_id: int, done: str = "") -> Response:
    return await _page(ctx, session_id, done=done)


def _offer(form: Any) -> SlotOffer:
    day, start = form_date(form.get("day")), form_time(form.get("start_time"))
    count, gap = bounds.form_number(form.get("count", "1")), bounds.form_number(form.get("gap_minutes", "0"))
    if day is None:
        raise ScheduleRefused.single("day", DAY_FORM)
    if start is None:
        raise ScheduleRefused.single("start_time", bounds.TIME_FORM)
    return SlotOffer(day, start, -1 if count is None else count, -1 if gap is None else gap)


def _choice(form: Any) -> appointments.StaffChoice:
    slot = bounds.form_id(form.get("appointment_id", ""))
    local: datetime | None = None
    if not slot:
        day, start = form_date(form.get("day")), form_time(form.get("start_time"))
        if day is None or start is None:
            raise ScheduleRefused.single("appointment_id", appointments.UNKNOWN_SLOT)
        local = datetime.combine(day, start)
    return appointments.StaffChoice(bounds.form_id(form.get("registration_id", "")), slot or None, local)


@post("/staff/sessions/{session_id:int}/appointments", opt=RUNNERS)
async def appointments_submit(ctx: Context, session_id: int, settings: Settings) -> Response:
    form = await ctx.request.form()
    action = str(form.get("action", ""))
    now, links = ctx.now(), PrivateLinks.of(settings)
    actions: dict[str, Callable[[], Awaitable[Any]]] = {
        "offer": lambda: appointments.offer_slots(ctx.db, ctx.staff, session_id, _offer(form), now=now),
        "withdraw": lambda: appointments.withdraw_slot(
            ctx.db, ctx.staff, session_id, bounds.form_id(form.get("appointment_id", "")), now=now
        ),
        "assign": lambda: appointments.set_appointment(
            ctx.db, ctx.staff, session_id, _choice(form), now=now, links=links
        ),
        "clear": lambda: appointments.clear_appointment(
            ctx.db, ctx.staff, session_id, bounds.form_id(form.get("registration_id", "")), now=now, links=links
        ),
    }
    chosen = actions.get(action)
    if chosen is None:
        return ctx.redirect(f"/staff/sessions/{session_id}/appointments")

    async def run() -> Any:
        return await chosen()

    async def show_form(problems: list[dict[str, Any]]) -> Response:
        return await _page(ctx, session_id, problems=problems)

    return await act(
        ctx,
        run,
        done=lambda _: ctx.redirect(f"/staff/sessions/{session_id}/appointments?done={action}"),
        form=show_form,
    )


ROUTES = [Router(path="/{lang:str}", route_handlers=[appointments_page, appointments_submit], include_in_schema=False)]
