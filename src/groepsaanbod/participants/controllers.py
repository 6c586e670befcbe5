"""JSON API of the participant's own side: see one's registration, stop, choose one's times."""

from __future__ import annotations

from litestar import get, post
from litestar.params import JSONBody

from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.i18n.text import pick
from groepsaanbod.participants import services
from groepsaanbod.participants.schemas import MyRegistrationOut
from groepsaanbod.registration.models import Registration
from groepsaanbod.registration.services import offers
from groepsaanbod.registration.services.registrations import find_registration
from groepsaanbod.scheduling.appointment_controllers import appointment_out
from groepsaanbod.scheduling.appointment_schemas import MyAppointmentOut, SlotIdIn
from groepsaanbod.scheduling.services.appointment_views import own_appointments
from groepsaanbod.scheduling.services.appointments import cancel_appointment, pick_appointment
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context


def my_registration_out(place: services.OwnPlace) -> MyRegistrationOut:
    registration = place.registration
    return MyRegistrationOut(
        programme=pick(registration.programme.name, registration.participant.language),
        status=registration.status,
        waitlist_position=registration.waitlist_position,
        group=place.cohort.name if place.cohort else None,
        language=registration.participant.language,
        place=registration.place,
        offered_until=registration.offered_until,
        group_language=registration.language,
    )


@get("/api/v1/my/{token:str}", opt=PUBLIC, tags=["registration"])
async def api_my_registration(ctx: Context, token: str) -> MyRegistrationOut:
    """Your registration, with the secret of your private link."""
    return my_registration_out(await services.own_place(ctx.db, token, ctx.now()))


@post("/api/v1/my/{token:str}/withdraw", opt=PUBLIC, tags=["registration"], status_code=200)
async def api_withdraw(ctx: Context, token: str, settings: Settings) -> MyRegistrationOut:
    """Stop. Your place goes to the first on the waiting list. Your link keeps working, to see,
    download (GET /api/v1/my/{token}/data) or erase (DELETE /api/v1/my/{token}) your data,
    until the data is erased after the retention time. To stop and erase your data at once,
    use DELETE /api/v1/my/{token} instead. Stopping twice changes nothing."""
    registration = await services.stop_taking_part(ctx.db, token, ctx.now(), settings.retention_months)
    return my_registration_out(await services.place_of(ctx.db, registration))


@post("/api/v1/my/{token:str}/offer/accept", opt=PUBLIC, tags=["registration"], status_code=200)
async def api_accept_offer(ctx: Context, token: str) -> MyRegistrationOut:
    """Take the place offered to you (status `offered`) before `offered_until`. Refused (422) when
    there is no open offer: you answered already, or the time passed and the place went to the next."""
    registration = await offers.accept_offer(ctx.db, token, ctx.now())
    return my_registration_out(await services.place_of(ctx.db, registration))


@post("/api/v1/my/{token:str}/offer/decline", opt=PUBLIC, tags=["registration"], status_code=200)
async def api_decline_offer(ctx: Context, token: str, settings: Settings) -> MyRegistrationOut:
    """Let the offered place go: it goes to the next on the waiting list, and you wait for the next group."""
    registration = await offers.decline_offer(ctx.db, token, ctx.now(), settings.base_url)
    return my_registration_out(await services.place_of(ctx.db, registration))


async def _my_appointments(ctx: Context, registration: Registration) -> list[MyAppointmentOut]:
    found = await own_appointments(ctx.db, registration, ctx.now())
    return [
        MyAppointmentOut(
            own.meeting.id,
            pick(own.meeting.topic, registration.language) if own.meeting.topic else "",
            appointment_out(own.mine) if own.mine else None,
            [appointment_out(slot) for slot in own.free],
        )
        for own in found
    ]


@get("/api/v1/my/{token:str}/appointments", opt=PUBLIC, tags=["appointments"])
async def api_my_appointments(ctx: Context, token: str) -> list[MyAppointmentOut]:
    """Your individual meetings (a phone call, an intake) that have times: yours and the free ones."""
    return await _my_appointments(ctx, await find_registration(ctx.db, token, ctx.now()))


@post("/api/v1/my/{token:str}/appointments/{session_id:int}", opt=PUBLIC, tags=["appointments"], status_code=200)
async def api_pick_appointment(
    ctx: Context, token: str, session_id: int, data: JSONBody[SlotIdIn]
) -> list[MyAppointmentOut]:
    """Choose a free time (or change to it; your earlier time becomes free). When someone else took
    it a moment ago, you are told so and can choose another."""
    registration = await find_registration(ctx.db, token, ctx.now())
    await pick_appointment(ctx.db, registration, session_id, data.appointment_id, now=ctx.now())
    return await _my_appointments(ctx, registration)


@post("/api/v1/my/{token:str}/appointments/{session_id:int}/cancel", opt=PUBLIC, tags=["appointments"], status_code=200)
async def api_cancel_appointment(ctx: Context, token: str, session_id: int) -> list[MyAppointmentOut]:
    """Give your time back; it is free for someone else."""
    registration = await find_registration(ctx.db, token, ctx.now())
    await cancel_appointment(ctx.db, registration, session_id, now=ctx.now())
    return await _my_appointments(ctx, registration)


ROUTES = [
    api_my_registration,
    api_withdraw,
    api_accept_offer,
    api_decline_offer,
    api_my_appointments,
    api_pick_appointment,
    api_cancel_appointment,
]
