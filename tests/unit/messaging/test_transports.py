"""The bytes on the wire, parsed back by the standard library's modern parser."""

from email import message_from_bytes, policy
from types import SimpleNamespace

from groepsaanbod.messaging.transports import build_email


def _outbox_row(**changes):
    row = {
        "id": 42,
        "to_address": "ouder@example.org",
        "language": "so",
        "subject": "Xasuusin: kulanka Talaado, 1 Diseembar 2026 — Çarşamba ünü",
        "body_text": "Salaan,\n\nKulanka waa Talaado.\n",
        "body_html": "<p>Kulanka waa <strong>Talaado</strong>.</p>",
    }
    return SimpleNamespace(**(row | changes))


def test_multipart_text_and_html_with_stable_message_id_and_unicode_subject():
    email = build_email(_outbox_row(), "CJG Zwolle <noreply@cjg.example>")
    mail = message_from_bytes(email.data, policy=policy.default)

    assert (email.sender, email.recipient) == ("noreply@cjg.example", "ouder@example.org")
    assert not mail.defects
    assert not any(part.defects for part in mail.walk())
    assert mail.get_content_type() == "multipart/alternative"
    assert mail["Date"] is not None
    assert mail["Subject"] == _outbox_row().subject
    assert mail["Message-ID"] == "<outbox-42@groepsaanbod>"
    assert mail["From"].addresses[0].display_name == "CJG Zwolle"
    assert mail["Content-Language"] == "so"
    assert mail.get_body(("plain",)).get_content() == _outbox_row().body_text
    assert "<strong>Talaado</strong>" in mail.get_body(("html",)).get_content()
    assert all(len(line) <= 998 for line in email.data.split(b"\r\n"))
    assert b"\n" not in email.data.replace(b"\r\n", b"")  # CRLF line ends only, as SMTP wants


def test_text_only_when_there_is_no_html():
    email = build_email(_outbox_row(body_html=None, subject="Reminder"), "noreply@cjg.example")
    mail = message_from_bytes(email.data, policy=policy.default)
    assert not mail.is_multipart()
    assert mail.get_content_type() == "text/plain"
    assert mail["Subject"] == "Reminder"
    assert mail.get_content() == _outbox_row().body_text
