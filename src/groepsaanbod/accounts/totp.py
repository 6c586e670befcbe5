"""The second factor: time-based one-time codes (RFC 6238, 30 s steps, 6 digits). Pure.

The clock is passed in. A code is accepted one step early or late (clock drift)
and only once: the caller keeps the last accepted step.
"""

from __future__ import annotations

import hmac
import unicodedata
from datetime import datetime

import pyotp

STEP_SECONDS = 30
ISSUER = "groepsaanbod"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, account: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def step_of(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def code_at(secret: str, moment: datetime) -> str:
    return pyotp.TOTP(secret).at(step_of(moment) * STEP_SECONDS)


def normalise_code(text: str) -> str | None:
    """Six ASCII digits, whatever spaces or digits (Arabic-Indic, say) were typed; None when not a code."""
    if len(text) > 20:
        return None
    digits = [unicodedata.decimal(c, None) for c in text if not c.isspace()]
    if len(digits) != 6 or None in digits:
        return None
    return "".join(str(d) for d in digits)


def accepted_step(secret: str, code: str, moment: datetime, last_step: int | None) -> int | None:
    """The time step the code belongs to, or None: wrong, too old, or used before."""
    code = normalise_code(code) or ""
    if not code:
        return None
    totp = pyotp.TOTP(secret)
    now = step_of(moment)
    for step in (now - 1, now, now + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None
