"""Two-way SMS: a fake gateway on loopback passes her reply on, signed; "NEE"/"لا"/… marks the meeting
"can't come" and she gets a confirmation; STOP ends SMS; unknown replies wait for the coordinator;
unsigned, forged and replayed callbacks are refused."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.app import create_app
from groepsaanbod.attendance.models import AbsenceNotice
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.participants.models import SmsReply
from groepsaanbod.participants.services.sms_replies import signature
from groepsaanbod.registration.models import Participant
from groepsaanbod.settings import Settings
from tests.conftest import NOW
from tests.factories import sign_in
from tests.integration.participants.cant_come_world import group_with_reminders, parent

SECRET = "inbound-test-secret"


@pytest.fixture
def app(db, clock):
    async def shared_session() -> AsyncIterator[AsyncSession]:
        yield db

    settings = Settings(database_url="sqlite:///unused.db", rate_limit_register=100_000, sms_inbound_secret=SECRET)
    return create_app(settings, db_session_provider=shared_session, clock=clock)


class FakeGateway:
    """The SMS provider's side: it passes a reply on to our callback, signed as the provider does."""

    def __init__(self, client, secret: str = SECRET) -> None:
        self.client, self.secret, self.n = client, secret, 0

    async def reply(self, phone: str, text: str, *, message_id: str | None = None, at: float | None = None, **headers):
        self.n += 1
        body = json.dumps({"from": phone, "text": text, "message_id": message_id or f"m{self.n}"}).encode()
        stamp = str(int(at if at is not None else NOW.timestamp()))
        sent = {
            "X-Timestamp": stamp,
            "X-Signature": signature(self.secret, stamp, body),
            "Content-Type": "application/json",
        }
        sent.update(headers)
        return await self.client.post("/api/v1/sms/inbound", content=body, headers=sent)


async def test_no_by_sms_marks_the_meeting_and_stop_ends_sms(client, db, session_factory):
    people = [parent(1, "ar", email="", phone="06 12345678"), parent(2, "ar", email="", phone="06 87654321")]
    world = await group_with_reminders(client, db, session_factory, people)
    gateway = FakeGateway(client)
    answer = await gateway.reply("+31612345678", " لا ")
    assert answer.status_code == 200, answer.text
    assert answer.json()["taken_as"] == "cannot_come"
    notice = await db.scalar(select(AbsenceNotice).where(AbsenceNotice.session_id == world.first.id))
    assert notice is not None
    assert notice.via == "sms"
    confirmation = await db.scalar(select(OutboxMessage).where(OutboxMessage.kind == "cannot_come_confirmed"))
    assert confirmation.channel == "sms"
    assert confirmation.language == "ar"
    # The same message again (a replay by the gateway): taken once.
    again = await gateway.reply("+31612345678", "لا", message_id="m1")
    assert again.json()["taken_as"] == "duplicate"
    # Case and spaces don't matter; the other person says "nee".
    assert (await gateway.reply("0687654321", "  Nee ")).json()["taken_as"] == "cannot_come"
    # STOP: no more SMS to her.
    assert (await gateway.reply("+31612345678", "STOP")).json()["taken_as"] == "stop"
    her = await db.scalar(select(Participant).where(Participant.phone == "+31612345678"))
    await db.refresh(her)
    assert her.sms_stopped_at is not None
    from groepsaanbod.registration.services.recipients import participant_recipient

    assert participant_recipient(her).phone is None
    # Anything else waits for the coordinator, on their page.
    assert (await gateway.reply("+31687654321", "Ik kom wat later")).json()["taken_as"] == "unknown"
    await sign_in(client, world.coordinator)
    page = await client.get("/nl/staff/sms-replies")
    assert page.status_code == 200
    assert "Ik kom wat later" in page.text
    reply = await db.scalar(select(SmsReply).where(SmsReply.understood == "unknown"))
    handled = await client.post(f"/nl/staff/sms-replies/{reply.id}")
    assert handled.status_code == 303
    assert "Ik kom wat later" not in (await client.get("/nl/staff/sms-replies")).text


async def test_unsigned_forged_and_replayed_callbacks_are_refused(client, db, session_factory):
    await group_with_reminders(client, db, session_factory, [parent(1, "so", email="", phone="06 12345678")])
    body = json.dumps({"from": "+31612345678", "text": "MAYA", "message_id": "x1"})
    unsigned = await client.post("/api/v1/sms/inbound", content=body, headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 401
    forged = await FakeGateway(client, secret="not-the-secret").reply("+31612345678", "MAYA")
    assert forged.status_code == 401
    stale = await FakeGateway(client).reply("+31612345678", "MAYA", at=NOW.timestamp() - 3600)
    assert stale.status_code == 401
    assert await db.scalar(select(AbsenceNotice.id)) is None
    assert await db.scalar(select(SmsReply.id)) is None
    # Hostile bodies, signed: refused plainly, not 500.
    gateway = FakeGateway(client)
    huge = await gateway.reply("+31612345678", "x" * 10_000)
    assert huge.status_code in (200, 413)
    assert (await gateway.reply("", "MAYA")).status_code == 200  # unknown number: kept for nobody, logged
    _ = time
