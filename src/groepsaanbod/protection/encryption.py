"""Secrets kept in the database encrypted at rest (the second factor's TOTP secrets).

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) under a key ring:
`GROEPSAANBOD_ENCRYPTION_KEYS` lists keys, comma-separated; the first encrypts,
every one decrypts (MultiFernet). Rotation: put a new key in front, restart, run
`groepsaanbod keys rotate` (re-encrypts every stored secret with the first key),
then drop the old key.

Development without keys uses a key file, `var/encryption.key`, made on first
use (readable by its owner only), so that secrets survive a restart of
`dev.py serve`. Outside development the keys are required: without them the app
refuses to start (`EncryptionKeysMissing`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from groepsaanbod.settings import DEFAULT_DATA_DIR, Settings

log = logging.getLogger(__name__)

DEVELOPMENT_KEY_FILE = DEFAULT_DATA_DIR / "encryption.key"

KEYS_MISSING = (
    "GROEPSAANBOD_ENCRYPTION_KEYS is not set. Outside development the second factor's secrets are kept "
    "encrypted with keys you give: make one with `groepsaanbod keys new` and set "
    "GROEPSAANBOD_ENCRYPTION_KEYS to it (the same value for every process). See README.md, 'Secrets'."
)


class EncryptionKeysMissing(RuntimeError):
    """Outside development, no encryption keys were configured."""

    def __init__(self) -> None:
        super().__init__(KEYS_MISSING)


class BadEncryptionKey(ValueError):
    """A configured key is not a Fernet key (32 url-safe base64-encoded bytes)."""


class SecretUnreadable(Exception):
    """Stored ciphertext that no key of the ring opens (a key was dropped too early)."""


class KeyRing:
    """Encrypt with the first key; decrypt with any."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise BadEncryptionKey("no key")
        fernets = []
        for number, key in enumerate(keys, start=1):
            try:
                fernets.append(Fernet(key.encode()))
            except (ValueError, TypeError) as error:
                raise BadEncryptionKey(
                    f"encryption key {number} is not a Fernet key (make one with `groepsaanbod keys new`)"
                ) from error
        self._fernet = MultiFernet(fernets)
        self._first = fernets[0]

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as error:
            raise SecretUnreadable("no key opens this secret") from error

    def is_current(self, token: str) -> bool:
        """Encrypted with the first key already (nothing to rotate)."""
        try:
            self._first.decrypt(token.encode())
        except InvalidToken:
            return False
        return True

    def rotate(self, token: str) -> str:
        """The same secret, encrypted with the first key."""
        try:
            return self._fernet.rotate(token.encode()).decode()
        except InvalidToken as error:
            raise SecretUnreadable("no key opens this secret") from error


def new_key() -> str:
    return Fernet.generate_key().decode()


def development_key(path: Path) -> str:
    """The key in `path`, made (owner-only) when there is none yet; safe when processes race."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    draft.write_text(new_key())
    draft.chmod(0o600)
    try:
        os.link(draft, path)  # fails when another process made it first: theirs is kept
        log.warning("made a development encryption key", extra={"path": str(path)})
    except FileExistsError:
        pass
    finally:
        draft.unlink(missing_ok=True)
    return path.read_text().strip()


@cache
def _ring(keys: tuple[str, ...]) -> KeyRing:
    return KeyRing(keys)


@cache
def _development_ring(path: Path) -> KeyRing:
    return KeyRing((development_key(path),))


def key_ring(settings: Settings, development_key_file: Path = DEVELOPMENT_KEY_FILE) -> KeyRing:
    """The keys of these settings; in development without keys, those of the key file."""
    if settings.encryption_keys:
        return _ring(settings.encryption_keys)
    if not settings.development:
        raise EncryptionKeysMissing()
    return _development_ring(development_key_file.resolve())
