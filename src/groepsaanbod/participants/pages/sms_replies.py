"""The coordinator's page of SMS replies the service did not understand, with "handled"."""

from __future__ import annotations

from litestar import Response, Router, get, post

from groepsaanbod.access.privileges import SMS_REPLIES
from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.participants.services import sms_replies
from groepsaanbod.web import Context

READERS = needs_roles(*SMS_REPLIES.roles)


@get("/staff/sms-replies", opt=READERS)
async def sms_replies_page(ctx: Context) -> Response:
    found = await sms_replies.unanswered_replies(ctx.db, ctx.staff)
    return ctx.render("participants/sms_replies.html", found=found, done=ctx.request.query_params.get("done", "")[:20])


@post("/staff/sms-replies/{sms_reply_id:int}", opt=READERS)
async def sms_reply_handled(ctx: Context, sms_reply_id: int) -> Response:
    await sms_replies.mark_reply_handled(ctx.db, ctx.staff, sms_reply_id, now=ctx.now())
    return ctx.redirect("/staff/sms-replies?done=handled")


ROUTES = [Router(path="/{lang:str}", route_handlers=[sms_replies_page, sms_reply_handled], include_in_schema=False)]
