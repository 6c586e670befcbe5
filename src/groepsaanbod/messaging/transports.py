"""How messages leave: SMTP (with the bytes on the wire built here) and an SMS gateway over HTTP.

Used by delivery.py; knows nothing of the outbox table beyond the columns of a row.
"""

from __future__ import annotations

import base64
import contextlib
import secrets
import smtplib
from dataclasses import dataclass
from email.charset import BASE64, Charset
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from groepsaanbod import bounds
from groepsaanbod.messaging.models import message_id_of

SMTP_TIMEOUT_SECONDS = 20
# Base64 for every non-ASCII header: choosing the shorter of Q and B costs more than the send.
_UTF8_HEADERS = Charset("utf-8")
_UTF8_HEADERS.header_encoding = BASE64


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    username: str | None
    password: str | None
    starttls: bool
    sender: str

    @classmethod
    def from_url(cls, url: str, sender: str) -> SmtpServer:
        """smtp://user:password@host:587 (STARTTLS) or smtps://…:465; ?from=… sets the sender."""
        parts = urlsplit(url)
        query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
        return cls(
            host=parts.hostname or "localhost",
            port=parts.port or (465 if parts.scheme == "smtps" else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            starttls=parts.scheme == "smtp" and (parts.port or 25) == 587,
            sender=unquote(query.get("from", sender)),
        )


@dataclass(frozen=True)
class Email:
    """A message ready for the wire: envelope and bytes."""

    sender: str
    recipient: str
    data: bytes


def _header(value: str) -> str:
    """A header value that cannot start another header: line breaks and control characters
    become spaces (a programme name once carried "\r\nBcc: …"), then the standard library
    encodes it (RFC 2047) and folds it; short ASCII needs neither, which keeps sending fast."""
    value = bounds.neutralise_line(value)
    if value.isascii() and len(value) <= 900:
        return value
    return Header(value, _UTF8_HEADERS if not value.isascii() else "us-ascii").encode(linesep="\r\n")


def _address(value: str) -> str:
    """A recipient address as the envelope and the To header use it; a line break refuses it."""
    _, address = parseaddr(value)
    if not address or address != value.strip() or bounds.line_problem(value, bounds.EMAIL) is not None:
        raise ValueError("the recipient address is not one plain address")
    return address


def _part(content_type: str, text: str) -> bytes:
    return (
        f"Content-Type: {content_type}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n".encode()
        + base64.encodebytes(text.encode()).replace(b"\n", b"\r\n")
    )


def build_email(message: Any, sender: str) -> Email:
    """Multipart text and HTML in UTF-8 (base64), with the message's stable Message-ID.

    `message` is an outbox row (or anything with its columns). The headers are encoded
    by the standard library (RFC 2047); the MIME structure is written out here
    because the email package's generator costs more than everything else in a send,
    which matters at a thousand messages a second. A test parses the result back.
    """
    name, address = parseaddr(sender)
    recipient = _address(message.to_address)
    headers = (
        f"From: {formataddr((bounds.neutralise_line(name), address), charset='utf-8')}\r\n"
        f"To: {recipient}\r\n"
        f"Subject: {_header(message.subject)}\r\n"
        f"Date: {formatdate(usegmt=True)}\r\n"
        f"Message-ID: {message_id_of(message.id)}\r\n"
        f"Content-Language: {_header(message.language)}\r\n"
        "MIME-Version: 1.0\r\n"
    ).encode()
    if not message.body_html:
        return Email(address, recipient, headers + _part("text/plain", message.body_text))
    # "_" is not in the base64 alphabet, so the boundary can never occur in a part.
    boundary = f"_part_{message.id}_{secrets.token_hex(6)}"
    body = b"".join(
        (
            f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n--{boundary}\r\n'.encode(),
            _part("text/plain", message.body_text),
            f"--{boundary}\r\n".encode(),
            _part("text/html", message.body_html),
            f"--{boundary}--\r\n".encode(),
        )
    )
    return Email(address, recipient, headers + body)


class SmtpConnection:
    """One SMTP connection kept open across messages, opened again after an error."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server
        self.smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        smtp_class = smtplib.SMTP_SSL if self.server.port == 465 else smtplib.SMTP
        smtp = smtp_class(self.server.host, self.server.port, timeout=SMTP_TIMEOUT_SECONDS)
        if self.server.starttls:
            smtp.starttls()
        if self.server.username:
            smtp.login(self.server.username, self.server.password or "")
        return smtp

    def send(self, email: Email) -> None:
        if self.smtp is None:
            self.smtp = self._open()
        try:
            self.smtp.sendmail(email.sender, [email.recipient], email.data)
        except (OSError, smtplib.SMTPException):
            self.close()
            raise

    def close(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.smtp.quit()
            self.smtp = None


class HttpSmsGateway:
    """SMS through a provider's HTTP API: POST {"to", "text", "message_id"} as JSON."""

    def __init__(self, url: str, token: str = "") -> None:
        self.url, self.token = url, token

    async def send(self, to: str, text: str, message_id: str) -> None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(
                self.url, json={"to": to, "text": text, "message_id": message_id}, headers=headers
            )
            response.raise_for_status()
