"""The outbox is delivered once: over SMTP when configured, else kept in the dev mailbox."""

from __future__ import annotations

import asyncio
import email
import threading

import pytest
from sqlalchemy import select

from groepsaanbod.app import create_app
from groepsaanbod.audit.models import AuditEvent
from groepsaanbod.db import make_engine, make_session_factory
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.messaging.services.delivery import Channels, deliver_due_messages
from groepsaanbod.messaging.transports import SmtpServer
from groepsaanbod.migrate import upgrade
from groepsaanbod.settings import Settings
from tests.conftest import NOW, backends
from tests.databases import run_async, separate_database


class SmtpSink:
    """A tiny real SMTP server on 127.0.0.1 that keeps what it receives."""

    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 sink\r\n")
        while line := await reader.readline():
            command = line.strip().upper()
            if command.startswith((b"EHLO", b"HELO")):
                writer.write(b"250 sink\r\n")
            elif command == b"DATA":
                writer.write(b"354 go\r\n")
                await writer.drain()
                data = await reader.readuntil(b"\r\n.\r\n")
                self.received.append(data[:-5])
                writer.write(b"250 ok\r\n")
            elif command == b"QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"250 ok\r\n")
            await writer.drain()
        writer.close()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = self.server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()

    def __enter__(self) -> SmtpSink:
        self.thread.start()
        self.ready.wait(5)
        return self

    def __exit__(self, *_exc) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


async def _queue_two(url: str) -> None:
    engine = make_engine(Settings(database_url=url).async_database_url)
    async with make_session_factory(engine)() as db:
        for n, (channel, address) in enumerate((("email", "ouder@example.org"), ("sms", "+31612345678"))):
            db.add(
                OutboxMessage(
                    dedupe_key=f"test:{n}",
                    channel=channel,
                    to_address=address,
                    language="ar",
                    kind="registration_received",
                    subject="مرحبا",
                    body_text="نص الرسالة",
                    body_html="<p>نص</p>" if channel == "email" else None,
                    created_at=NOW,
                )
            )
        await db.commit()
    await engine.dispose()


async def _deliver(url: str, smtp_url: str):
    engine = make_engine(Settings(database_url=url).async_database_url)
    factory = make_session_factory(engine)
    first = await deliver_due_messages(factory, Channels(smtp_url, "groepsaanbod <noreply@example.org>"), lambda: NOW)
    second = await deliver_due_messages(factory, Channels(smtp_url, "groepsaanbod <noreply@example.org>"), lambda: NOW)
    async with factory() as db:
        sent = [m.sent_at for m in await db.scalars(select(OutboxMessage))]
    await engine.dispose()
    return first, second, sent


@pytest.mark.parametrize("backend", backends())
def test_smtp_delivery_once(backend, tmp_path):
    url = separate_database(backend, tmp_path, "groepsaanbod_mail_test")
    upgrade(url)
    run_async(_queue_two(url))
    with SmtpSink() as sink:
        first, second, sent = run_async(_deliver(url, f"smtp://127.0.0.1:{sink.port}"))
    assert (first.sent, first.kept, first.failed) == (1, 1, 0)  # the SMS stays in the dev mailbox
    assert (second.sent, second.kept) == (0, 0)  # nothing twice
    assert all(sent)
    assert len(sink.received) == 1
    mail = email.message_from_bytes(sink.received[0])
    assert mail["To"] == "ouder@example.org"
    assert mail["Content-Language"] == "ar"
    assert mail.is_multipart()
    assert {p.get_content_type() for p in mail.walk()} >= {"text/plain", "text/html"}


def test_smtp_url_forms():
    server = SmtpServer.from_url("smtp://user%40x:p%2Fw@mail.example:587?from=CJG%20%3Ccjg@example.nl%3E", "x")
    assert (server.host, server.port, server.username, server.password, server.starttls) == (
        "mail.example",
        587,
        "user@x",
        "p/w",
        True,
    )
    assert server.sender == "CJG <cjg@example.nl>"
    assert SmtpServer.from_url("smtps://mail.example", "x").port == 465


async def test_dev_mailbox_only_in_development(db, clock):
    import httpx

    db.add(
        OutboxMessage(
            dedupe_key="dev:1",
            channel="email",
            to_address="a@example.org",
            language="so",
            kind="registration_received",
            subject="Salaan",
            body_text="Qoraal",
            created_at=NOW,
        )
    )
    await db.commit()

    async def shared():
        yield db

    for debug, status in ((False, 404), (True, 200)):
        app = create_app(
            Settings(database_url="sqlite:///unused.db", debug=debug), db_session_provider=shared, clock=clock
        )
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            response = await client.get("/nl/dev/mailbox")
        assert response.status_code == status
    assert "Salaan" in response.text
    assert 'lang="so"' in response.text


async def test_failed_messages_are_shown_to_their_organisation(client, db):
    from tests.factories import make_organisation, make_staff, sign_in

    org, other = await make_organisation(db), await make_organisation(db)
    db.add(
        OutboxMessage(
            dedupe_key="f:1",
            channel="email",
            to_address="x@example.org",
            language="nl",
            kind="k",
            subject="Niet bezorgd",
            body_text="t",
            created_at=NOW,
            failed_at=NOW,
            last_error="SMTPRecipientsRefused",
            organisation_id=org.id,
        )
    )
    await db.commit()
    await sign_in(client, await make_staff(db, org, "coordinator"))
    page = await client.get("/nl/staff/messages")
    assert page.status_code == 200
    assert "Niet bezorgd" in page.text
    assert "SMTPRecipientsRefused" in page.text
    seen = await db.scalar(select(AuditEvent).where(AuditEvent.subject == "failed_messages"))
    assert seen.organisation_id == org.id
    assert seen.fields == ["email", "phone"]  # addresses shown: audited
    await client.post("/api/v1/auth/sign-out")
    await sign_in(client, await make_staff(db, other, "coordinator"))
    assert "Niet bezorgd" not in (await client.get("/nl/staff/messages")).text
