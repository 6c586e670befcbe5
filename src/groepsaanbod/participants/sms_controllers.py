"""The SMS gateway's inbound callback: replies to reminders. Public, but every request must be
signed with the inbound secret (settings.sms_inbound_secret); unsigned or stale ones get 401."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from litestar import Response, post

from groepsaanbod.access.requirements import PUBLIC
from groepsaanbod.api_design.problems import invalid_param, problem
from groepsaanbod.participants.services import sms_replies
from groepsaanbod.settings import Settings
from groepsaanbod.web import Context

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "x-signature"
TIMESTAMP_HEADER = "x-timestamp"


@dataclass
class InboundOut:
    #: cannot_come | stop | unknown | duplicate
    taken_as: str


@post("/api/v1/sms/inbound", opt=PUBLIC, tags=["messages"], status_code=200)
async def api_sms_inbound(ctx: Context, settings: Settings) -> Response:
    """For the SMS gateway: a reply {"from", "text", "message_id"} as JSON, signed in `X-Signature` with
    HMAC-SHA256 (hex) of "<X-Timestamp>.<raw body>" and the inbound secret; X-Timestamp in Unix
    seconds, at most 5 minutes off. The same message_id twice is taken once."""
    body = await ctx.request.body()
    headers = ctx.request.headers
    if not sms_replies.sms_is_signed(
        settings.sms_inbound_secret,
        headers.get(TIMESTAMP_HEADER, ""),
        headers.get(SIGNATURE_HEADER, ""),
        body,
        ctx.now(),
    ):
        log.warning("inbound sms refused: not signed", extra={"size": len(body)})
        # For the gateway's operators, not for a person: in English, as a problem (RFC 9457).
        return problem(ctx.request, "en", 401, "Not signed with the inbound secret.")
    try:
        data = json.loads(body)
        sms = sms_replies.InboundSms(str(data["from"]), str(data["text"]), str(data["message_id"]))
    except (ValueError, KeyError, TypeError):
        return _unreadable(ctx)
    if not sms.message_id.strip():
        return _unreadable(ctx)
    taken = await sms_replies.receive_sms_reply(ctx.db, sms, ctx.now())
    return Response({"taken_as": taken}, status_code=200)


def _unreadable(ctx: Context) -> Response:
    text = "Give from, text and message_id as JSON."
    return problem(ctx.request, "en", 400, text, errors=[invalid_param("body", "body", "invalid", text)])


ROUTES = [api_sms_inbound]
