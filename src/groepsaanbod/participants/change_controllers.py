"""JSON API of the details she changes herself, behind her private link (participants/services/changes.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated

from litestar import get, patch
from litestar.openapi.spec import OpenAPIFormat
from litestar.params import JSONBody, KwargDefinition

from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.participants.details import DetailsChange
from groepsaanbod.participants.services import changes
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context

#: Read as text (the service names a wrong date in her words), documented as a date.
A_DATE = KwargDefinition(format=OpenAPIFormat.DATE)


@dataclass
class MyDetailsIn:
    """Only what you send changes; leave a field out to keep it. An empty email or phone removes it
    (not both: we must be able to reach you)."""

    email: str | None = None
    phone: str | None = None
    #: The language you read (nl en tr ar pl es so): our messages and pages to you follow it.
    #: The language spoken in your group does not change.
    language: str | None = None
    #: YYYY-MM-DD. Moved far from your group's due dates: your coordinator looks for a better group.
    due_date: Annotated[str | None, A_DATE] = None
    child_birth_date: Annotated[str | None, A_DATE] = None
    place: str | None = None
    #: any | morning | afternoon | evening
    part_of_day: str | None = None


@dataclass
class MyDetailsOut:
    email: str | None
    phone: str | None
    language: str
    group_language: str
    due_date: date | None
    child_birth_date: date | None
    place: str
    part_of_day: str
    #: What this request changed (empty on GET, or when everything was as it was).
    changed: list[str] = field(default_factory=list)
    #: Your due date moved far from your group's: your coordinator will look at a better-fitting group.
    coordinator_asked: bool = False


def _out(details: changes.OwnDetails, outcome: changes.ChangeOutcome | None = None) -> MyDetailsOut:
    c = details.current
    return MyDetailsOut(
        c.email,
        c.phone,
        c.language,
        c.group_language,
        c.due_date,
        c.child_birth_date,
        c.place,
        c.part_of_day,
        list(outcome.changed) if outcome else [],
        outcome.coordinator_asked if outcome else False,
    )


@get("/api/v1/my/{token:str}/details", opt=PUBLIC, tags=["registration"])
async def api_my_details(ctx: Context, token: str) -> MyDetailsOut:
    """Your details: how we reach you, the language you read, your due date and your answers."""
    return _out(await changes.own_details(ctx.db, token, ctx.now()))


@patch("/api/v1/my/{token:str}/details", opt=PUBLIC, tags=["registration"])
async def api_change_my_details(
    ctx: Context, token: str, data: JSONBody[MyDetailsIn], settings: Settings
) -> MyDetailsOut:
    """Change your details. All or nothing: one refused field (422, saying what is allowed) changes
    nothing. Each change is confirmed by message to your old and your new email or phone, in the
    language you read. An address another sign-up for this programme uses is refused."""
    change = DetailsChange(**{k: v for k, v in vars(data).items()})
    outcome = await changes.change_details(ctx.db, token, change, now=ctx.now(), base_url=settings.base_url)
    return _out(await changes.own_details(ctx.db, token, ctx.now()), outcome)


ROUTES = [api_my_details, api_change_my_details]
