"""Pages of the AVG: the privacy statement, a new private link, a participant's own
data as JSON, erasing it; and the JSON API for the last two."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from litestar import Request, Response, Router, delete, get, post
from litestar.di import Provide
from litestar.status_codes import HTTP_204_NO_CONTENT
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.accounts.pages.sign_in import client_address
from groepsaanbod.i18n.text import pick
from groepsaanbod.privacy.services.rights import erase_participant, export_participant_data
from groepsaanbod.protection.rate_limits import take
from groepsaanbod.registration.services.private_links import link_limit, resend_private_link
from groepsaanbod.registration.services.registrations import CONSENT_VERSION, PrivateLinks, find_registration
from groepsaanbod.settings import Settings
from groepsaanbod.web import provide_language, render


@get("/privacy", opt=PUBLIC)
async def privacy_page(request: Request, language: str, settings: Settings) -> Response:
    return render(
        request,
        language,
        "privacy/statement.html",
        version=CONSENT_VERSION,
        months=settings.retention_months,
        waiting=settings.waiting_months,
        link_days=settings.participant_link_days,
    )


@get("/new-link", opt=PUBLIC)
async def new_link_page(request: Request, language: str) -> Response:
    return render(request, language, "privacy/new_link.html", sent=False)


@post("/new-link", opt=PUBLIC)
async def new_link_submit(
    request: Request, language: str, db_session: AsyncSession, now: Callable[[], datetime], settings: Settings
) -> Response:
    form = await request.form()
    moment = now()
    await take(db_session, link_limit(settings), client_address(request), moment)
    await resend_private_link(db_session, str(form.get("contact", "")), moment, PrivateLinks.of(settings))
    return render(request, language, "privacy/new_link.html", sent=True)


def _json_download(data: dict[str, Any]) -> Response:
    return Response(
        content=json.dumps(data, ensure_ascii=False, indent=2).encode(),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="my-data.json"'},
    )


@get("/my/{token:str}/data.json", opt=PUBLIC)
async def my_data_download(token: str, db_session: AsyncSession, now: Callable[[], datetime]) -> Response:
    return _json_download(await export_participant_data(db_session, token, now()))


@get("/my/{token:str}/erase", opt=PUBLIC)
async def erase_page(
    request: Request, language: str, token: str, db_session: AsyncSession, now: Callable[[], datetime]
) -> Response:
    registration = await find_registration(db_session, token, now())
    return render(
        request,
        language,
        "privacy/erase.html",
        token=token,
        programme_name=pick(registration.programme.name, language),
        stopped=registration.status == "withdrawn",
    )


@post("/my/{token:str}/erase", opt=PUBLIC)
async def erase_submit(
    request: Request, language: str, token: str, db_session: AsyncSession, now: Callable[[], datetime]
) -> Response:
    await erase_participant(db_session, token, now())
    return render(request, language, "privacy/erased.html")


@get("/api/v1/my/{token:str}/data", opt=PUBLIC, tags=["privacy"])
async def api_my_data(token: str, db_session: AsyncSession, now: Callable[[], datetime]) -> dict[str, Any]:
    """Everything kept about you, as JSON (the same as the download on your private page)."""
    return await export_participant_data(db_session, token, now())


@delete("/api/v1/my/{token:str}", opt=PUBLIC, tags=["privacy"], status_code=HTTP_204_NO_CONTENT)
async def api_erase(token: str, db_session: AsyncSession, now: Callable[[], datetime]) -> None:
    """Stop and erase your personal data; anonymous counts stay. The link stops working."""
    await erase_participant(db_session, token, now())


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[privacy_page, new_link_page, new_link_submit, my_data_download, erase_page, erase_submit],
        dependencies={"language": Provide(provide_language)},
        include_in_schema=False,
    ),
    api_my_data,
    api_erase,
]
