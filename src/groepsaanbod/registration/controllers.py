"""JSON API of signing up: the form a programme asks, and the sign-up (one's registration: participants/)."""

from __future__ import annotations

from litestar import get, post
from litestar.openapi import ResponseSpec
from litestar.params import JSONBody
from litestar.status_codes import HTTP_202_ACCEPTED

from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.accounts.guards import client_address
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.programmes.templates import Formation
from groepsaanbod.protection.rate_limits import take
from groepsaanbod.registration.eligibility import PARTS_OF_DAY, RegistrationForm
from groepsaanbod.registration.errors import CHECK_YOUR_MESSAGES
from groepsaanbod.registration.schemas import (
    RegistrationAccepted,
    RegistrationFormOut,
    RegistrationIn,
)
from groepsaanbod.registration.services import registrations as services
from groepsaanbod.registration.services import sign_up
from groepsaanbod.registration.services.private_links import register_limit
from groepsaanbod.registration.services.registrations import PrivateLinks
from groepsaanbod.registration.support import INTERPRETER_LANGUAGES, answers_from_api
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context


@get("/api/v1/catalogue/{slug:str}/form", opt=PUBLIC, tags=["registration"])
async def api_registration_form(ctx: Context, slug: str) -> RegistrationFormOut:
    """The questions a programme asks when you sign up."""
    facts = services.programme_facts(*await services.published_programme(ctx.db, slug))
    return RegistrationFormOut(
        languages=list(facts.languages),
        places=list(facts.places),
        parts_of_day=list(PARTS_OF_DAY),
        asks_due_date=facts.asks_due_date,
        asks_child_birth_date=facts.asks_child_birth_date,
        child_age_months=list(facts.child_age_months) if facts.child_age_months else None,
        open_for_registration=facts.formation != Formation.SCHOOL_CLASS,
        interpreter_languages=list(INTERPRETER_LANGUAGES),
    )


@post(
    "/api/v1/catalogue/{slug:str}/registrations",
    opt=PUBLIC,
    tags=["registration"],
    status_code=HTTP_202_ACCEPTED,
    response_description="Taken: check your messages (the same answer whether or not you were signed up before)",
    responses={
        422: ResponseSpec(None, description="The form does not fit the programme: each field says what to do"),
        429: ResponseSpec(None, description="Too many sign-ups from this address this hour"),
    },
)
async def api_register(
    ctx: Context, slug: str, data: JSONBody[RegistrationIn], settings: Settings
) -> RegistrationAccepted:
    """Sign up without an account. The answer is the same whether or not you were signed up
    before (202, "check your messages"): the message we send says how it went and holds your
    private link; someone signed up already gets a message with a further link. Refusals (422)
    are in the language asked for with ?lang= or Accept-Language."""
    form = RegistrationForm(**{**data.__dict__, "support": answers_from_api(data.support)})
    moment = ctx.now()
    await take(ctx.db, register_limit(settings), client_address(ctx.request), moment)
    await sign_up.register_participant(
        ctx.db, slug, form, now=moment, links=PrivateLinks.of(settings), shown_language=ctx.language
    )
    return RegistrationAccepted(HTTP_202_ACCEPTED, gettext(ctx.language, CHECK_YOUR_MESSAGES))


ROUTES = [api_registration_form, api_register]
