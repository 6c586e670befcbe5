"""Service tokens: their shape, their hash and the checks of a new client's input. Pure.

A token is `ga_<public id: 16 hex>_<secret: 64 hex>`: the prefix lets secret scanners find one
that leaked; the public id finds the client; only the secret's SHA-256 is stored. A 256-bit random
secret cannot be guessed, so a fast hash is enough (no password hash needed).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from groepsaanbod.api_clients.scopes import SCOPES
from groepsaanbod.bounds import check_line
from groepsaanbod.i18n.text import N_, Message
from groepsaanbod.refusals import Problem

PREFIX = "ga_"
_TOKEN = re.compile(r"ga_([0-9a-f]{16})_([0-9a-f]{64})")
NAME_LENGTH = 100
#: The longest a token may live: a client is renewed by making a new one.
MAX_LIFETIME = timedelta(days=731)

NAME_NEEDED = N_("Give the client a name, for example the system that will use it.")
SCOPE_NEEDED = N_("Choose at least one scope.")
UNKNOWN_SCOPE = N_("Choose scopes from the list: %(allowed)s.")
EXPIRY_PAST = N_("Choose an end date after today.")
EXPIRY_TOO_FAR = N_("Choose an end date no later than %(latest)s.")


@dataclass(frozen=True)
class NewToken:
    public_id: str
    secret_hash: str
    #: Shown once, never stored.
    token: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token() -> NewToken:
    public_id, secret = secrets.token_hex(8), secrets.token_hex(32)
    return NewToken(public_id, hash_secret(secret), f"{PREFIX}{public_id}_{secret}")


def parse_token(token: str) -> tuple[str, str] | None:
    """The public id and the secret of a well-formed token, else None."""
    found = _TOKEN.fullmatch(token)
    return (found.group(1), found.group(2)) if found else None


def secret_matches(secret: str, stored_hash: str) -> bool:
    """Compared in constant time, so the answer's timing tells nothing about the stored hash."""
    return hmac.compare_digest(hash_secret(secret), stored_hash)


def latest_expiry(today: date) -> date:
    return today + MAX_LIFETIME


def client_problems(name: str, scopes: Sequence[str], expires_on: date | None, today: date) -> list[Problem]:
    """Everything wrong with a new client's name, scopes and end date."""
    problems: list[Problem] = []
    if not name.strip():
        problems.append(Problem("name", Message(NAME_NEEDED)))
    elif problem := check_line("name", name, NAME_LENGTH):
        problems.append(problem)
    if not scopes:
        problems.append(Problem("scopes", Message(SCOPE_NEEDED)))
    elif any(scope not in SCOPES for scope in scopes):
        problems.append(Problem("scopes", Message(UNKNOWN_SCOPE, {"allowed": ", ".join(SCOPES)})))
    if expires_on is None or expires_on <= today:
        problems.append(Problem("expires_on", Message(EXPIRY_PAST)))
    elif expires_on > latest_expiry(today):
        problems.append(Problem("expires_on", Message(EXPIRY_TOO_FAR, {"latest": latest_expiry(today).isoformat()})))
    return problems
