"""JSON API of her support needs: see them and change them (participants/services/support.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar import get, post
from litestar.params import JSONBody

from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.participants.services.support import change_support, own_support
from groepsaanbod.registration.schemas import SupportIn
from groepsaanbod.registration.support import SupportAnswers, answers_from_api
from groepsaanbod.web import Context


@dataclass
class MySupportOut:
    """The help you asked for to come; all empty when you asked for nothing."""

    interpreter: bool = False
    interpreter_language: str = ""
    children: int = 0
    partner: bool = False
    travel: bool = False
    access: list[str] = field(default_factory=list)
    access_note: str = ""


def support_out(support: dict[str, Any] | None) -> MySupportOut:
    s = support or {}
    return MySupportOut(
        interpreter=bool(s.get("interpreter")),
        interpreter_language=s.get("interpreter") or "",
        children=int(s.get("children") or 0),
        partner=bool(s.get("partner")),
        travel=bool(s.get("travel")),
        access=list(s.get("access") or []),
        access_note=s.get("access_note") or "",
    )


@get("/api/v1/my/{token:str}/support", opt=PUBLIC, tags=["registration"])
async def api_my_support(ctx: Context, token: str) -> MySupportOut:
    """The help you asked for to come (an interpreter, childcare, a partner, travel, access)."""
    return support_out((await own_support(ctx.db, token, ctx.now())).support)


@post("/api/v1/my/{token:str}/support", opt=PUBLIC, tags=["registration"], status_code=200)
async def api_change_support(ctx: Context, token: str, data: JSONBody[SupportIn]) -> MySupportOut:
    """Change the help you need to come; it replaces what you said before (send all empty to ask
    for nothing). Refused (422) with what to change; then nothing is saved. Only the staff who run
    the programme see it."""
    registration = await change_support(ctx.db, token, answers_from_api(data) or SupportAnswers(), ctx.now())
    return support_out(registration.support)


ROUTES = [api_my_support, api_change_support]
