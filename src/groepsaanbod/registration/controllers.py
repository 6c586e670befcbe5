"""JSON API of signing up: the form a programme asks, and the sign-up (one's registration: participants/)."""

from __future__ import annotations

from litestar import get, post
from litestar.openapi import ResponseSpec
from litestar.params import JSONBody
from litestar.status_codes import HTTP_202_ACCEPTED

from groepsaanbod.access.requirements import PUBLIC, needs_roles
from groepsaanbod.access.roles import SIGN_UP_ASSISTANTS
from groepsaanbod.accounts.guards import client_address
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.programmes.templates import Formation
from groepsaanbod.registration.eligibility import PARTS_OF_DAY, RegistrationForm
from groepsaanbod.registration.errors import CHECK_YOUR_MESSAGES
from groepsaanbod.registration.schemas import (
    OnBehalfAccepted,
    OnBehalfIn,
    RegistrationAccepted,
    RegistrationFormOut,
    RegistrationIn,
)
from groepsaanbod.registration.services import on_behalf, sign_up
from groepsaanbod.registration.services import registrations as services
from groepsaanbod.registration.services.registrations import PrivateLinks
from groepsaanbod.registration.services.sign_up_limits import address_limits, counted_sign_up, staff_limits
from groepsaanbod.registration.support import INTERPRETER_LANGUAGES, answers_from_api
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context, asked_language


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
        429: ResponseSpec(None, description="Too many sign-ups (or attempts) from this address this hour"),
    },
)
async def api_register(
    ctx: Context, slug: str, data: JSONBody[RegistrationIn], settings: Settings
) -> RegistrationAccepted:
    """Sign up without an account. The answer is the same whether or not you were signed up
    before (202, "check your messages"): the message we send says how it went and holds your
    private link; someone signed up already gets a message with a further link. Refusals (422)
    are in the language asked for with ?lang= or Accept-Language. Messages are in
    `reads_language`, else in that language when it is one of the seven, else in the group's."""
    form = RegistrationForm(
        **{
            **data.__dict__,
            "reads_language": data.reads_language or asked_language(ctx.request),
            "support": answers_from_api(data.support),
        }
    )
    moment = ctx.now()
    await counted_sign_up(
        ctx.db,
        address_limits(settings),
        client_address(ctx.request),
        moment,
        lambda: sign_up.register_participant(
            ctx.db, slug, form, now=moment, links=PrivateLinks.of(settings), shown_language=ctx.language
        ),
    )
    return RegistrationAccepted(HTTP_202_ACCEPTED, gettext(ctx.language, CHECK_YOUR_MESSAGES))


@post(
    "/api/v1/programmes/{programme_id:int}/registrations/on-behalf",
    opt=needs_roles(*SIGN_UP_ASSISTANTS),
    tags=["registration"],
    status_code=HTTP_202_ACCEPTED,
    response_description="Taken: she gets a message with her own link, in the language she reads",
    responses={
        422: ResponseSpec(None, description="The form does not fit the programme: each field says what to do"),
        429: ResponseSpec(None, description="Too many sign-ups by this staff member this hour"),
    },
)
async def api_register_on_behalf(
    ctx: Context, programme_id: int, data: JSONBody[OnBehalfIn], settings: Settings
) -> OnBehalfAccepted:
    """Sign a person up on her behalf, at the desk or on the phone (staff of the programme's
    organisation who work with participants). Not limited per network address; per staff
    member GROEPSAANBOD_RATE_LIMIT_ASSISTED_SIGN_UP an hour. The history records who did it."""
    values = dict(data.__dict__)
    reads = values.pop("reads_language")
    values["support"] = answers_from_api(data.support)
    moment = ctx.now()
    done = await counted_sign_up(
        ctx.db,
        staff_limits(settings),
        str(ctx.staff.staff_id),
        moment,
        lambda: on_behalf.sign_up_on_behalf(
            ctx.db,
            ctx.staff,
            programme_id,
            on_behalf.OnBehalf(RegistrationForm(**values), reads),
            now=moment,
            links=PrivateLinks.of(settings),
        ),
    )
    return OnBehalfAccepted(HTTP_202_ACCEPTED, gettext(ctx.language, on_behalf.SHE_GETS_A_MESSAGE), done.reads_language)


ROUTES = [api_registration_form, api_register, api_register_on_behalf]
