"""Pages of the participant's own side: their page (place, group, meetings, their own times for
individual meetings) and stopping."""

from __future__ import annotations

from typing import Any

from litestar import Response, Router, get, post

from groepsaanbod import bounds
from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.i18n.text import N_, shown
from groepsaanbod.participants import services
from groepsaanbod.participants.services import absences
from groepsaanbod.registration.services import offers
from groepsaanbod.registration.services.registrations import find_registration
from groepsaanbod.registration.status import RegistrationStatus
from groepsaanbod.scheduling.errors import ScheduleRefused
from groepsaanbod.scheduling.services.appointment_views import own_appointments
from groepsaanbod.scheduling.services.appointments import cancel_appointment, pick_appointment
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context, act

CHOOSE_A_TIME = N_("Choose one of the times.")


async def _my_page(
    ctx: Context,
    token: str,
    *,
    problems: list[dict[str, Any]] | None = None,
    offer_problems: list[dict[str, Any]] | None = None,
    done: str = "",
) -> Response:
    place = await services.own_place(ctx.db, token, ctx.now())
    return ctx.render(
        "participants/my.html",
        status_code=400 if problems is not None or offer_problems else 200,
        registration=place.registration,
        cohort=None if place.stopped else place.cohort,
        programme_name=shown(place.registration.programme.name, ctx.language),
        token=token,
        sessions=place.meetings,
        appointments={a.meeting.id: a for a in await own_appointments(ctx.db, place.registration, ctx.now())},
        notices=await absences.notices_of(ctx.db, place.registration.id),
        reasons=absences.HER_REASONS,
        now=ctx.now(),
        problems=problems or [],
        offer_problems=offer_problems or [],
        done=done,
    )


@get("/my/{token:str}", opt=PUBLIC)
async def my_page(ctx: Context, token: str, done: str = "") -> Response:
    return await _my_page(ctx, token, done=done)


@post("/my/{token:str}/appointments/{session_id:int}", opt=PUBLIC)
async def appointment_submit(ctx: Context, token: str, session_id: int) -> Response:
    """Choose, change or cancel one's time for an individual meeting (a phone call, an intake)."""
    form = await ctx.request.form()
    action = str(form.get("action", ""))
    registration = await find_registration(ctx.db, token, ctx.now())
    slot = bounds.form_id(form.get("appointment_id", ""))

    async def change() -> None:
        if action == "cancel":
            await cancel_appointment(ctx.db, registration, session_id, now=ctx.now())
        elif not slot:
            raise ScheduleRefused.single("appointment_id", CHOOSE_A_TIME)
        else:
            await pick_appointment(ctx.db, registration, session_id, slot, now=ctx.now())

    async def show_form(problems: list[dict[str, Any]]) -> Response:
        return await _my_page(ctx, token, problems=problems)

    return await act(
        ctx,
        change,
        done=lambda _: ctx.redirect(f"/my/{token}?done={'cancelled' if action == 'cancel' else 'chosen'}#appointments"),
        form=show_form,
    )


@post("/my/{token:str}/offer", opt=PUBLIC)
async def offer_submit(ctx: Context, token: str, settings: Settings) -> Response:
    """The answer to an offered place: accept or decline (registration/services/offers.py)."""
    form = await ctx.request.form()
    answer = str(form.get("action", ""))
    if answer not in ("accept", "decline"):
        return ctx.redirect(f"/my/{token}")

    async def answered() -> object:
        if answer == "accept":
            return await offers.accept_offer(ctx.db, token, ctx.now())
        return await offers.decline_offer(ctx.db, token, ctx.now(), settings.base_url)

    async def again(problems: list[dict[str, Any]]) -> Response:
        return await _my_page(ctx, token, offer_problems=problems)

    return await act(ctx, answered, done=lambda _: ctx.redirect(f"/my/{token}"), form=again)


@get("/my/{token:str}/withdraw", opt=PUBLIC)
async def withdraw_page(ctx: Context, token: str) -> Response:
    registration = await find_registration(ctx.db, token, ctx.now())
    if registration.status == RegistrationStatus.WITHDRAWN:
        return ctx.redirect(f"/my/{token}")
    return ctx.render(
        "participants/withdraw.html", token=token, programme_name=shown(registration.programme.name, ctx.language)
    )


@post("/my/{token:str}/withdraw", opt=PUBLIC)
async def withdraw_submit(ctx: Context, token: str, settings: Settings) -> Response:
    registration = await services.stop_taking_part(ctx.db, token, ctx.now(), settings.retention_months)
    return ctx.render(
        "participants/withdrawn.html", programme_name=shown(registration.programme.name, ctx.language), token=token
    )


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[my_page, offer_submit, appointment_submit, withdraw_page, withdraw_submit],
        include_in_schema=False,
    )
]
