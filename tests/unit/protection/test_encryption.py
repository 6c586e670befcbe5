"""The key ring of secrets kept in the database: the first key encrypts, all decrypt; keys
are required outside development; development keeps one in a key file."""

from __future__ import annotations

import multiprocessing
import stat

import pytest

from groepsaanbod.protection.encryption import (
    BadEncryptionKey,
    EncryptionKeysMissing,
    KeyRing,
    SecretUnreadable,
    development_key,
    key_ring,
    new_key,
)
from groepsaanbod.settings import Settings


def test_the_first_key_encrypts_and_every_key_decrypts():
    old, new = new_key(), new_key()
    stored = KeyRing([old]).encrypt("JBSWY3DPEHPK3PXP")
    assert "JBSWY3DPEHPK3PXP" not in stored
    ring = KeyRing([new, old])
    assert ring.decrypt(stored) == "JBSWY3DPEHPK3PXP"
    assert not ring.is_current(stored)
    rotated = ring.rotate(stored)
    assert ring.is_current(rotated)
    assert KeyRing([new]).decrypt(rotated) == "JBSWY3DPEHPK3PXP"
    with pytest.raises(SecretUnreadable):
        KeyRing([new]).decrypt(stored)  # the old key was dropped before rotating
    assert ring.encrypt("x") != ring.encrypt("x")  # a fresh IV each time


def test_a_key_that_is_not_a_fernet_key_is_refused_with_its_place():
    with pytest.raises(BadEncryptionKey, match="key 2"):
        KeyRing([new_key(), "not-a-key"])
    with pytest.raises(BadEncryptionKey):
        KeyRing([])


def test_outside_development_keys_are_required(tmp_path):
    production = Settings(base_url="https://groepsaanbod.example")
    with pytest.raises(EncryptionKeysMissing, match="GROEPSAANBOD_ENCRYPTION_KEYS"):
        key_ring(production, tmp_path / "encryption.key")
    assert not (tmp_path / "encryption.key").exists()
    given = Settings(base_url="https://groepsaanbod.example", encryption_keys=(new_key(),))
    assert key_ring(given, tmp_path / "encryption.key").decrypt(key_ring(given).encrypt("s")) == "s"


def test_development_keeps_its_key_in_a_file_only_its_owner_reads(tmp_path):
    path = tmp_path / "var" / "encryption.key"
    ring = key_ring(Settings(), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert key_ring(Settings(), path).decrypt(ring.encrypt("s")) == "s"
    assert development_key(path) == path.read_text().strip()


def _make_key(path: str, queue) -> None:
    from pathlib import Path

    queue.put(development_key(Path(path)))


def test_processes_starting_together_agree_on_the_development_key(tmp_path):
    path = tmp_path / "encryption.key"
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    processes = [context.Process(target=_make_key, args=(str(path), queue)) for _ in range(4)]
    for process in processes:
        process.start()
    keys = {queue.get(timeout=60) for _ in processes}
    for process in processes:
        process.join(timeout=60)
    assert keys == {path.read_text().strip()}


def test_keys_from_the_environment():
    first, second = new_key(), new_key()
    settings = Settings.from_env({"GROEPSAANBOD_ENCRYPTION_KEYS": f" {first}, {second} ,"})
    assert settings.encryption_keys == (first, second)
    assert Settings.from_env({}).encryption_keys == ()
