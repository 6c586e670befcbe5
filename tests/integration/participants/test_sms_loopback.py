"""Two-way SMS end to end over real sockets: a fake SMS gateway on 127.0.0.1 receives the reminder
through real delivery (deliver_due_messages); "the phone" answers "Hayır", and the gateway POSTs
the signed callback to the app served by `groepsaanbod serve` on a free port; the meeting shows
"can't come" (row and register page) and the confirmation reaches the gateway, in her language.
A forged callback over the same path is refused and changes nothing."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from sqlalchemy import func, select, update

from groepsaanbod.accounts.models import Staff
from groepsaanbod.attendance.models import AbsenceNotice
from groepsaanbod.db import make_engine, make_session_factory
from groepsaanbod.messaging.services.delivery import Channels, deliver_due_messages
from groepsaanbod.migrate import upgrade
from groepsaanbod.participants.models import SmsReply
from groepsaanbod.participants.services.sms_replies import signature
from groepsaanbod.settings import normalise_database_url
from tests.databases import run_async, separate_database
from tests.factories import sign_in
from tests.integration.operations.served import served
from tests.integration.participants.cant_come_world import parent
from tests.integration.participants.test_cannot_come_crowd import POSTGRES, _world
from tests.integration.participants.test_cannot_come_crowd import served as in_process

SECRET = "loopback-inbound-secret"
PHONE = "+31612345678"


class FakeSmsGateway:
    """The provider on 127.0.0.1: keeps every SMS it is asked to send, and passes a reply from the
    phone on to the app's callback, signed with the inbound secret as the provider does."""

    def __init__(self) -> None:
        self.sent: list[dict] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                gateway.sent.append(json.loads(body))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"status": "queued"}')

            def log_message(self, *_args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/sms"

    def __enter__(self) -> FakeSmsGateway:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def reply(self, app: str, text: str, message_id: str, *, secret: str = SECRET) -> httpx.Response:
        """The phone answers: the gateway calls the app back over HTTP."""
        body = json.dumps({"from": PHONE, "text": text, "message_id": message_id}).encode()
        stamp = str(int(time.time()))
        headers = {"X-Timestamp": stamp, "X-Signature": signature(secret, stamp, body)}
        return httpx.post(
            f"{app}/api/v1/sms/inbound", content=body, headers={**headers, "Content-Type": "application/json"}
        )


async def _deliver(url: str, gateway: FakeSmsGateway, now: datetime) -> int:
    engine = make_engine(normalise_database_url(url))
    try:
        report = await deliver_due_messages(
            make_session_factory(engine), Channels("", "x <noreply@example.org>", gateway.url), lambda: now
        )
        return report.sent
    finally:
        await engine.dispose()


async def _rows(url: str, session_id: int) -> tuple[int, int]:
    engine = make_engine(normalise_database_url(url))
    try:
        async with make_session_factory(engine)() as db:
            notices = await db.scalar(
                select(func.count())
                .select_from(AbsenceNotice)
                .where(AbsenceNotice.session_id == session_id, AbsenceNotice.withdrawn_at.is_(None))
            )
            replies = await db.scalar(select(func.count()).select_from(SmsReply))
            return notices, replies
    finally:
        await engine.dispose()


async def _register_page(url: str, coordinator, session_id: int) -> str:
    """The register as the coordinator sees it (the app in this process: its keys read her second
    factor; the code of the moment she signed in before is used, so that mark is cleared)."""
    engine = make_engine(normalise_database_url(url))
    try:
        async with make_session_factory(engine)() as db:
            await db.execute(update(Staff).where(Staff.id == coordinator.id).values(totp_last_step=None))
            await db.commit()
    finally:
        await engine.dispose()
    async with in_process(url) as client:
        await sign_in(client, coordinator)
        page = await client.get(f"/nl/staff/sessions/{session_id}/register")
        assert page.status_code == 200, page.text
        return page.text


@pytest.mark.parametrize("backend", POSTGRES)
def test_a_reply_through_the_gateway_marks_the_meeting_and_is_confirmed(backend, tmp_path):
    url = separate_database(backend, tmp_path, "groepsaanbod_sms_loopback_test")
    upgrade(url)
    world = run_async(_world(url, [parent(1, "tr", email="", phone="06 12345678")], "sms-loopback"))
    first = world.first
    with FakeSmsGateway() as gateway:
        # The reminder goes out through real delivery, to the gateway, in Turkish, with her link.
        assert run_async(_deliver(url, gateway, first.starts_at - timedelta(hours=47))) >= 1
        reminders = [m for m in gateway.sent if m["to"] == PHONE and "/my/absence/" in m["text"]]
        assert len(reminders) == 1, gateway.sent
        assert "/tr/my/absence/" in reminders[0]["text"]
        with served(url, tmp_path, {"GROEPSAANBOD_SMS_INBOUND_SECRET": SECRET}) as app_process:
            app = f"http://127.0.0.1:{app_process.ports[0]}"
            # A forged callback (another secret) over the same path: refused, nothing changes.
            forged = gateway.reply(app, "Hayır", "forged-1", secret="not-our-secret")
            assert forged.status_code == 401, forged.text
            unsigned = httpx.post(f"{app}/api/v1/sms/inbound", json={"from": PHONE, "text": "Hayır", "message_id": "u"})
            assert unsigned.status_code == 401
            assert run_async(_rows(url, first.id)) == (0, 0)
            # The phone answers "no".
            answer = gateway.reply(app, "Hayır", "gw-1")
            assert answer.status_code == 200, app_process.log_text()
            assert answer.json()["taken_as"] == "cannot_come"
            assert run_async(_rows(url, first.id)) == (1, 1)
            page = run_async(_register_page(url, world.coordinator, first.id))
            assert "vooraf gezegd: kan niet komen" in page
        # The confirmation reaches her phone through the gateway, in Turkish.
        before = len(gateway.sent)
        assert run_async(_deliver(url, gateway, datetime.now(UTC) + timedelta(minutes=1))) >= 1
        confirmations = [m for m in gateway.sent[before:] if m["to"] == PHONE]
        assert len(confirmations) == 1, gateway.sent[before:]
        assert "Teşekkürler" in confirmations[0]["text"]
