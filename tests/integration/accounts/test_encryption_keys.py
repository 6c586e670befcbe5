"""Operators and the second factor's encryption keys: production refuses to start without
them, `keys rotate` moves every secret to the first key, and the migration encrypts the
secrets an earlier release kept in the clear."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from groepsaanbod.app import create_app
from groepsaanbod.cli import main
from groepsaanbod.db import make_engine
from groepsaanbod.migrate import downgrade, upgrade
from groepsaanbod.protection.encryption import EncryptionKeysMissing, KeyRing, new_key
from groepsaanbod.settings import Settings, normalise_database_url
from tests.conftest import backends
from tests.databases import run_async, separate_database

PLAIN = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


async def _sql(url: str, statement: str, **parameters):
    engine = make_engine(normalise_database_url(url))
    try:
        async with engine.begin() as conn:
            result = await conn.execute(text(statement), parameters)
            return result.all() if result.returns_rows else None
    finally:
        await engine.dispose()


def test_production_refuses_to_start_without_keys(monkeypatch, tmp_path):
    with pytest.raises(EncryptionKeysMissing, match="GROEPSAANBOD_ENCRYPTION_KEYS"):
        create_app(Settings(database_url="sqlite:///unused.db", base_url="https://groepsaanbod.example"))
    monkeypatch.setenv("GROEPSAANBOD_BASE_URL", "https://groepsaanbod.example")
    monkeypatch.setenv("GROEPSAANBOD_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.delenv("GROEPSAANBOD_ENCRYPTION_KEYS", raising=False)
    refused = CliRunner().invoke(main, ["serve", "--port", "1"])
    assert refused.exit_code == 1
    assert "GROEPSAANBOD_ENCRYPTION_KEYS" in refused.output
    monkeypatch.setenv("GROEPSAANBOD_ENCRYPTION_KEYS", "not-a-key")
    bad = CliRunner().invoke(main, ["serve", "--port", "1"])
    assert bad.exit_code == 1
    assert "not a Fernet key" in bad.output


def _add_staff(url: str, secret: str | None) -> None:
    run_async(
        _sql(
            url,
            "INSERT INTO staff (email, full_name, password_hash, language, active, spoken_languages, totp_secret,"
            " created_at, updated_at) VALUES ('a@example.org', 'A', '!', 'nl', true, '[]', :secret,"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
            secret=secret,
        )
    )


def _stored(url: str) -> str:
    return run_async(_sql(url, "SELECT totp_secret FROM staff"))[0][0]


@pytest.mark.parametrize("backend", backends())
def test_the_migration_encrypts_the_secrets_kept_in_the_clear(backend, tmp_path, monkeypatch):
    url = separate_database(backend, tmp_path, "groepsaanbod_encrypt_migration")
    upgrade(url, "0009")
    _add_staff(url, PLAIN)
    key = new_key()
    monkeypatch.setenv("GROEPSAANBOD_ENCRYPTION_KEYS", key)
    upgrade(url)
    stored = _stored(url)
    assert PLAIN not in stored
    assert KeyRing([key]).decrypt(stored) == PLAIN
    downgrade(url, "0009")
    assert _stored(url) == PLAIN


def test_without_keys_outside_development_the_upgrade_says_what_to_set(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0009")
    _add_staff(url, PLAIN)
    monkeypatch.setenv("GROEPSAANBOD_DATABASE_URL", url)
    monkeypatch.setenv("GROEPSAANBOD_BASE_URL", "https://groepsaanbod.example")
    monkeypatch.delenv("GROEPSAANBOD_ENCRYPTION_KEYS", raising=False)
    refused = CliRunner().invoke(main, ["db", "upgrade"])
    assert refused.exit_code == 1
    assert "GROEPSAANBOD_ENCRYPTION_KEYS" in refused.output
    assert _stored(url) == PLAIN  # nothing half done


def test_keys_rotate_moves_every_secret_to_the_first_key(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    upgrade(url)
    old, new = new_key(), new_key()
    _add_staff(url, KeyRing([old]).encrypt(PLAIN))
    monkeypatch.setenv("GROEPSAANBOD_DATABASE_URL", url)
    monkeypatch.setenv("GROEPSAANBOD_ENCRYPTION_KEYS", f"{new},{old}")
    runner = CliRunner()
    made = runner.invoke(main, ["keys", "new"])
    assert made.exit_code == 0
    assert KeyRing([made.output.strip()])
    rotated = runner.invoke(main, ["keys", "rotate"])
    assert rotated.exit_code == 0, rotated.output
    assert "1 secret" in rotated.output, rotated.output
    assert KeyRing([new]).decrypt(_stored(url)) == PLAIN  # the old key may go now
    again = runner.invoke(main, ["keys", "rotate"])
    assert "0 secret" in again.output
    monkeypatch.setenv("GROEPSAANBOD_ENCRYPTION_KEYS", old)  # dropped the new key by mistake
    unreadable = runner.invoke(main, ["keys", "rotate"])
    assert unreadable.exit_code == 1
    assert "no key" in unreadable.output
