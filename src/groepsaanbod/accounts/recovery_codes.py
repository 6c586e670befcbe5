"""Recovery codes of the second factor. Pure.

Ten codes of 16 characters (80 random bits each), in Crockford's base32 so that
0/o and 1/i/l cannot be mixed up; shown once, in groups of four, and stored as
SHA-256 hashes (80 random bits need no slow hash). Each works once instead of a
TOTP code.
"""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
LENGTH = 16
COUNT = 10
#: From this many left on, the person is urged to make new codes.
FEW_LEFT = 3
_READ_AS = str.maketrans({"o": "0", "i": "1", "l": "1"})


def new_codes(count: int = COUNT) -> list[str]:
    return ["".join(secrets.choice(ALPHABET) for _ in range(LENGTH)) for _ in range(count)]


def shown(code: str) -> str:
    """abcd-efgh-jkmn-pqrs: easier to copy by hand."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise(text: str) -> str | None:
    """The code as stored, whatever spaces, dashes or case were typed; None when it is not one."""
    if len(text) > 4 * LENGTH:
        return None
    code = "".join(c for c in text.lower() if c not in " -\t").translate(_READ_AS)
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()
