"""JSON API of the participant's own side: see one's registration, stop."""

from __future__ import annotations

from litestar import get, post

from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.i18n.text import pick
from groepsaanbod.participants import services
from groepsaanbod.participants.schemas import MyRegistrationOut
from groepsaanbod.registration.services import offers
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context


def my_registration_out(place: services.OwnPlace) -> MyRegistrationOut:
    registration = place.registration
    return MyRegistrationOut(
        programme=pick(registration.programme.name, registration.language),
        status=registration.status,
        waitlist_position=registration.waitlist_position,
        group=place.cohort.name if place.cohort else None,
        language=registration.language,
        place=registration.place,
        offered_until=registration.offered_until,
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


ROUTES = [api_my_registration, api_withdraw, api_accept_offer, api_decline_offer]
