"""The local dev mailbox: every queued message, readable in development mode only; and the
messages of the staff's organisations that could not be sent."""

from __future__ import annotations

from litestar import Response, Router, get
from litestar.exceptions import NotFoundException

from groepsaanbod.access.requirements import PUBLIC, needs_roles
from groepsaanbod.access.roles import PROGRAMME_EDITORS
from groepsaanbod.i18n.languages import BY_CODE
from groepsaanbod.messaging.services.mailbox import dev_mailbox, failed_messages
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context


def _rtl() -> set[str]:
    """The languages written right to left: their messages are shown that way."""
    return {code for code, lang in BY_CODE.items() if lang.rtl}


@get("/dev/mailbox", opt=PUBLIC)
async def mailbox_page(ctx: Context, settings: Settings) -> Response:
    if not settings.debug:
        raise NotFoundException()
    return ctx.render("messaging/mailbox.html", messages=await dev_mailbox(ctx.db), rtl=_rtl())


@get("/staff/messages", opt=needs_roles(*PROGRAMME_EDITORS))
async def failed_messages_page(ctx: Context) -> Response:
    """Messages of the viewer's organisations that could not be sent, with the reason."""
    messages = await failed_messages(ctx.db, ctx.staff, ctx.now())
    return ctx.render("messaging/failed.html", messages=messages, rtl=_rtl())


ROUTES = [
    Router(
        path="/{lang:str}",
        route_handlers=[mailbox_page, failed_messages_page],
        include_in_schema=False,
    )
]
