import pytest

from groepsaanbod.settings import Settings, normalise_database_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://user@host:5432/db", "postgresql+asyncpg://user@host:5432/db"),
        ("postgres://user:pw@host/db", "postgresql+asyncpg://user:pw@host/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite:///var/groepsaanbod.db", "sqlite+aiosqlite:///var/groepsaanbod.db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ],
)
def test_operators_write_plain_urls(given, expected):
    assert normalise_database_url(given) == expected


def test_not_a_url_is_refused():
    with pytest.raises(ValueError, match="not a database URL: 'just-a-name'"):
        normalise_database_url("just-a-name")


def test_settings_from_environment():
    settings = Settings.from_env(
        {
            "GROEPSAANBOD_DATABASE_URL": "postgresql://u@h/db",
            "GROEPSAANBOD_BASE_URL": "https://groepsaanbod.example/",
            "GROEPSAANBOD_SECRET_KEY": "s3cret",
            "GROEPSAANBOD_SMTP_URL": "smtp://mail:25",
            "GROEPSAANBOD_DEBUG": "1",
        }
    )
    assert settings.async_database_url == "postgresql+asyncpg://u@h/db"
    assert settings.base_url == "https://groepsaanbod.example"
    assert settings.effective_secret_key == "s3cret"
    assert settings.debug
    assert not settings.is_sqlite


def test_default_is_a_sqlite_file_under_var():
    settings = Settings.from_env({})
    assert settings.database_url == "sqlite:///var/groepsaanbod.db"
    assert settings.is_sqlite


def test_trusted_proxies_are_addresses_or_networks_and_never_everyone():
    assert Settings.from_env({}).trusted_proxies == "127.0.0.1,::1"  # loopback only by default
    given = Settings.from_env({"GROEPSAANBOD_TRUSTED_PROXIES": " 10.0.0.5, 172.30.80.0/24 ,fd00::1"})
    assert given.trusted_proxies == "10.0.0.5,172.30.80.0/24,fd00::1"
    assert Settings.from_env({"GROEPSAANBOD_TRUSTED_PROXIES": ""}).trusted_proxies == ""  # believe nobody
    for wrong in ("*", "proxy.example", "10.0.0.300"):
        with pytest.raises(ValueError, match="GROEPSAANBOD_TRUSTED_PROXIES"):
            Settings.from_env({"GROEPSAANBOD_TRUSTED_PROXIES": wrong})
