"""Settings, read once from the environment (prefix GROEPSAANBOD_).

Each field is one documented environment variable; the README's table is made
from the same names.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATA_DIR = Path("var")


def normalise_database_url(url: str) -> str:
    """Accept the URL an operator writes and name the async driver we use.

    `postgresql://u@h/db` and `postgres://…` become `postgresql+asyncpg://…`;
    `sqlite:///file` becomes `sqlite+aiosqlite:///file`. A URL that already
    names a driver is kept as it is.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError(f"not a database URL: {url!r}")
    if scheme in ("postgresql", "postgres"):
        return f"postgresql+asyncpg://{rest}"
    if scheme in ("postgresql+psycopg2", "postgresql+psycopg"):
        return f"postgresql+asyncpg://{rest}"
    if scheme in ("sqlite", "sqlite+pysqlite"):
        return f"sqlite+aiosqlite://{rest}"
    return url


@dataclass(frozen=True)
class Settings:
    #: GROEPSAANBOD_DATABASE_URL: any SQLAlchemy URL; a SQLite file under var/ by default.
    database_url: str = field(default_factory=lambda: f"sqlite:///{DEFAULT_DATA_DIR}/groepsaanbod.db")
    #: GROEPSAANBOD_SMTP_URL: smtp://user:password@host:port; empty keeps mail in the dev mailbox.
    smtp_url: str = ""
    #: GROEPSAANBOD_SECRET_KEY: key for signing; a random one per process when empty (development).
    secret_key: str = ""
    #: GROEPSAANBOD_BASE_URL: the address people use to reach the service (links in messages);
    #: `serve` sets it to the address it listens on when it is not set (cli/beside.py).
    base_url: str = "http://127.0.0.1:8000"
    #: GROEPSAANBOD_DEBUG: 1 shows tracebacks and development pages.
    debug: bool = False
    #: GROEPSAANBOD_SESSION_HOURS: how long a staff sign-in lasts at most (absolute time-out).
    session_hours: int = 12
    #: GROEPSAANBOD_SESSION_IDLE_MINUTES: a staff sign-in ends after this long without a request.
    session_idle_minutes: int = 30
    #: GROEPSAANBOD_RATE_LIMIT_SIGN_IN: failed sign-ins per account (and per address) per 15 minutes.
    rate_limit_sign_in: int = 5
    #: GROEPSAANBOD_RATE_LIMIT_REGISTER: registrations per network address per hour.
    rate_limit_register: int = 20
    #: GROEPSAANBOD_RATE_LIMIT_REGISTER_TRIES: sign-up attempts per network address per hour, refused ones
    #: too (a refused one does not use up the registrations above); never fewer than those.
    rate_limit_register_tries: int = 200
    #: GROEPSAANBOD_RATE_LIMIT_ASSISTED_SIGN_UP: people one staff member signs up per hour (not per address).
    rate_limit_assisted_sign_up: int = 100
    #: GROEPSAANBOD_RATE_LIMIT_LINK: requests for a new private link or password reset per address per hour.
    rate_limit_link: int = 5
    #: GROEPSAANBOD_PARTICIPANT_LINK_DAYS: how long a participant's private link works.
    participant_link_days: int = 365
    #: GROEPSAANBOD_RETENTION_MONTHS: personal data is erased this long after a group's last meeting.
    retention_months: int = 12
    #: GROEPSAANBOD_WAITING_MONTHS: a sign-up that waited this long for a group without any change
    #: counts as ended (its data goes the retention time later); see privacy/retention.py.
    waiting_months: int = 12
    #: GROEPSAANBOD_SMS_GATEWAY_URL: the SMS provider's HTTP endpoint; empty keeps SMS in the dev mailbox.
    sms_gateway_url: str = ""
    #: GROEPSAANBOD_SMS_GATEWAY_TOKEN: bearer token for that endpoint.
    sms_gateway_token: str = ""
    #: GROEPSAANBOD_SMS_INBOUND_SECRET: the gateway signs the replies it passes on with it (HMAC-SHA256);
    #: empty refuses every inbound SMS.
    sms_inbound_secret: str = ""
    #: GROEPSAANBOD_MAIL_FROM: the sender of email messages.
    mail_from: str = "groepsaanbod <noreply@groepsaanbod.example>"
    #: GROEPSAANBOD_WEB_PROCESSES: processes `groepsaanbod serve` runs (uvicorn workers); --workers overrides.
    web_processes: int = 1
    #: GROEPSAANBOD_LOG_FORMAT: json or text; empty: text in development (DEBUG=1), json otherwise.
    log_format: str = ""
    #: GROEPSAANBOD_METRICS_DIR: where the processes of one `serve` keep their metric files; empty: a temporary one.
    metrics_dir: str = ""
    #: GROEPSAANBOD_METRICS_TOKEN: /metrics wants `Authorization: Bearer <token>`; outside development,
    #: without a token, /metrics is not served at all.
    metrics_token: str = ""
    #: GROEPSAANBOD_DATABASE_POOL_SIZE: PostgreSQL connections each process keeps open.
    database_pool_size: int = 5
    #: GROEPSAANBOD_DATABASE_MAX_OVERFLOW: connections a process may open beyond its pool when busy.
    database_max_overflow: int = 5
    #: GROEPSAANBOD_DATABASE_POOL_TIMEOUT: seconds a request waits for a connection; then 503 with Retry-After.
    database_pool_timeout: float = 10.0
    #: GROEPSAANBOD_ENCRYPTION_KEYS: Fernet keys, comma-separated, for secrets kept in the database (the
    #: second factor's); the first encrypts, all decrypt. Required outside development.
    encryption_keys: tuple[str, ...] = ()
    #: GROEPSAANBOD_TRUSTED_PROXIES: addresses or networks (comma-separated) whose X-Forwarded-For
    #: `serve` believes; a request from anywhere else counts under the address it came from.
    trusted_proxies: str = "127.0.0.1,::1"
    #: GROEPSAANBOD_WEBHOOKS_ALLOW_PRIVATE: webhooks may go to http and to loopback or private
    #: addresses (always so in development); off in production against server-side request forgery.
    webhooks_allow_private: bool = False

    @property
    def development(self) -> bool:
        """Debug mode or a loopback address: cookies without Secure and no HSTS."""
        host = self.base_url.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
        return self.debug or host in ("127.0.0.1", "localhost", "[::1]")

    @property
    def webhooks_to_private(self) -> bool:
        """Webhooks may go to http and loopback or private addresses (development, or allowed)."""
        return self.development or self.webhooks_allow_private

    @property
    def async_database_url(self) -> str:
        return normalise_database_url(self.database_url)

    @property
    def is_sqlite(self) -> bool:
        return self.async_database_url.startswith("sqlite")

    @property
    def effective_secret_key(self) -> str:
        return self.secret_key or _PROCESS_SECRET

    @property
    def log_as_json(self) -> bool:
        return self.log_format == "json" or (self.log_format != "text" and not self.debug)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        defaults = cls()

        def get(name: str, default: str) -> str:
            return env.get(f"GROEPSAANBOD_{name}", default) or default

        return cls(
            database_url=get("DATABASE_URL", defaults.database_url),
            smtp_url=get("SMTP_URL", defaults.smtp_url),
            secret_key=get("SECRET_KEY", defaults.secret_key),
            base_url=get("BASE_URL", defaults.base_url).rstrip("/"),
            debug=get("DEBUG", "0").lower() in ("1", "true", "yes"),
            session_hours=int(get("SESSION_HOURS", str(defaults.session_hours))),
            session_idle_minutes=int(get("SESSION_IDLE_MINUTES", str(defaults.session_idle_minutes))),
            rate_limit_sign_in=int(get("RATE_LIMIT_SIGN_IN", str(defaults.rate_limit_sign_in))),
            rate_limit_register=int(get("RATE_LIMIT_REGISTER", str(defaults.rate_limit_register))),
            rate_limit_register_tries=_number(
                get, "RATE_LIMIT_REGISTER_TRIES", defaults.rate_limit_register_tries, least=1
            ),
            rate_limit_assisted_sign_up=_number(
                get, "RATE_LIMIT_ASSISTED_SIGN_UP", defaults.rate_limit_assisted_sign_up, least=1
            ),
            rate_limit_link=int(get("RATE_LIMIT_LINK", str(defaults.rate_limit_link))),
            participant_link_days=int(get("PARTICIPANT_LINK_DAYS", str(defaults.participant_link_days))),
            retention_months=int(get("RETENTION_MONTHS", str(defaults.retention_months))),
            waiting_months=int(get("WAITING_MONTHS", str(defaults.waiting_months))),
            mail_from=get("MAIL_FROM", defaults.mail_from),
            sms_gateway_url=get("SMS_GATEWAY_URL", defaults.sms_gateway_url),
            sms_gateway_token=get("SMS_GATEWAY_TOKEN", defaults.sms_gateway_token),
            sms_inbound_secret=get("SMS_INBOUND_SECRET", defaults.sms_inbound_secret),
            web_processes=int(get("WEB_PROCESSES", str(defaults.web_processes))),
            log_format=_choice(get("LOG_FORMAT", defaults.log_format).lower(), "LOG_FORMAT", ("", "json", "text")),
            metrics_dir=get("METRICS_DIR", defaults.metrics_dir),
            metrics_token=get("METRICS_TOKEN", defaults.metrics_token),
            database_pool_size=_number(get, "DATABASE_POOL_SIZE", defaults.database_pool_size, least=1),
            database_max_overflow=_number(get, "DATABASE_MAX_OVERFLOW", defaults.database_max_overflow, least=0),
            database_pool_timeout=_seconds(get, "DATABASE_POOL_TIMEOUT", defaults.database_pool_timeout),
            encryption_keys=tuple(k.strip() for k in get("ENCRYPTION_KEYS", "").split(",") if k.strip()),
            webhooks_allow_private=get("WEBHOOKS_ALLOW_PRIVATE", "0").lower() in ("1", "true", "yes"),
            trusted_proxies=_proxies(env.get("GROEPSAANBOD_TRUSTED_PROXIES", defaults.trusted_proxies)),
        )


def _number(get, name: str, default: int, least: int) -> int:
    raw = get(name, str(default))
    try:
        value = int(raw)
    except ValueError:
        value = least - 1
    if value < least:
        raise ValueError(f"GROEPSAANBOD_{name} must be a whole number of at least {least}, not {raw!r}")
    return value


def _seconds(get, name: str, default: float) -> float:
    raw = get(name, str(default))
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not 0 < value <= 3600:
        raise ValueError(f"GROEPSAANBOD_{name} must be a number of seconds above 0 (at most 3600), not {raw!r}")
    return value


def _proxies(value: str) -> str:
    """Addresses or networks, checked: '*' (believe anyone) would let every client choose its
    own address, and with it its own rate limits. Empty: believe no proxy."""
    entries = [entry.strip() for entry in value.split(",") if entry.strip()]
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ValueError(
                f"GROEPSAANBOD_TRUSTED_PROXIES: {entry!r} is not an IP address or network "
                "(give the proxy's address, e.g. 10.0.0.5 or 172.30.80.0/24; '*' is not allowed)"
            ) from None
    return ",".join(entries)


def _choice(value: str, name: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"GROEPSAANBOD_{name} must be one of {', '.join(a for a in allowed if a)}, not {value!r}")
    return value


_PROCESS_SECRET = secrets.token_urlsafe(32)
