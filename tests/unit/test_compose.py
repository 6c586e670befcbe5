"""compose.yaml: PostgreSQL (pinned, health check), migrations once, then several app replicas
behind a proxy, the worker and a mail catcher; checked as YAML, without a container engine."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
PINNED = re.compile(r"^[\w./-]+:v?\d+(\.\d+)+[\w.-]*$")  # a version, never 'latest' or no tag


def _needs(service: str, other: str) -> str:
    return SERVICES[service]["depends_on"][other]["condition"]


def test_services():
    assert {"db", "migrate", "app", "worker", "mailpit", "proxy"} <= set(SERVICES)


def test_images_are_pinned():
    for name, service in SERVICES.items():
        if "image" in service:
            assert PINNED.match(service["image"]), (name, service["image"])
        else:
            assert service["build"] == ".", name  # our own image, from the Dockerfile
    assert SERVICES["db"]["image"].startswith("postgres:")
    assert SERVICES["mailpit"]["image"].startswith("axllent/mailpit:")


def test_health_checks():
    assert "pg_isready" in " ".join(SERVICES["db"]["healthcheck"]["test"])
    assert "/health/ready" in " ".join(SERVICES["app"]["healthcheck"]["test"])
    for name in ("proxy", "mailpit"):
        assert SERVICES[name]["healthcheck"]["test"], name


def test_migrations_run_once_after_the_database_and_before_everything_that_uses_it():
    migrate = SERVICES["migrate"]
    assert migrate["command"] == ["groepsaanbod", "db", "upgrade"]
    assert migrate["restart"] == "no"
    assert _needs("migrate", "db") == "service_healthy"
    for name in ("app", "worker"):
        assert _needs(name, "migrate") == "service_completed_successfully", name
        assert "db" not in SERVICES[name]["depends_on"] or _needs(name, "db") == "service_healthy"
    assert _needs("proxy", "app") == "service_healthy"


def test_several_app_replicas_and_a_worker_on_postgresql():
    app, worker = SERVICES["app"], SERVICES["worker"]
    assert app["deploy"]["replicas"] >= 2
    assert "ports" not in app, "replicas cannot share a host port: the proxy publishes it"
    assert app["command"][:2] == ["groepsaanbod", "serve"]
    assert worker["command"] == ["groepsaanbod", "worker"]
    assert worker["deploy"]["replicas"] >= 1
    for name in ("migrate", "app", "worker"):
        env = SERVICES[name]["environment"]
        assert env["GROEPSAANBOD_DATABASE_URL"].startswith("postgresql://"), name
        assert "@db:5432/" in env["GROEPSAANBOD_DATABASE_URL"]
        assert env["GROEPSAANBOD_SECRET_KEY"].startswith("${GROEPSAANBOD_SECRET_KEY:?"), "a secret must be given"
        for required in ("GROEPSAANBOD_ENCRYPTION_KEYS", "GROEPSAANBOD_METRICS_TOKEN"):
            assert env[required].startswith(f"${{{required}:?"), f"{name}: {required} must be given"
        assert "mailpit:1025" in env["GROEPSAANBOD_SMTP_URL"]  # staging default; real SMTP by setting it
        assert int(env["GROEPSAANBOD_WEB_PROCESSES"].split(":-")[-1].rstrip("}")) >= 2


def test_the_proxy_spreads_over_the_replicas_and_writes_no_paths():
    proxy = COMPOSE["configs"]["proxy"]["content"]
    assert "server app:8000" in proxy
    assert "proxy_pass http://groepsaanbod" in proxy
    assert "access_log off" in proxy  # feed tokens and private links travel in paths
    assert SERVICES["proxy"]["ports"] == ["8000:8000"]


def test_readme_production_section_matches():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Production", 1)[1].split("\n## ", 1)[0]
    for name in ("db", "migrate", "app", "worker", "proxy", "mailpit"):
        assert f"`{name}`" in section, name
    for word in (
        "GROEPSAANBOD_SMTP_URL",
        "GROEPSAANBOD_SECRET_KEY",
        "GROEPSAANBOD_BASE_URL",
        "/metrics",
        "GROEPSAANBOD_ENCRYPTION_KEYS",
        "GROEPSAANBOD_METRICS_TOKEN",
        "keys rotate",
    ):
        assert word in section, word
    for path in ("/health/live", "/health/ready"):
        assert path in section
    assert SERVICES["db"]["image"].split(":")[1] in section


def _default(value: str) -> int:
    """The default of a `${NAME:-default}` value."""
    return int(str(value).split(":-", 1)[1].rstrip("}")) if ":-" in str(value) else int(value)


def test_every_process_together_stays_well_below_postgresqls_connections():
    """(app replicas x processes + workers) x (pool + overflow), with room left for others (README)."""
    env = SERVICES["app"]["environment"]
    per_process = _default(env["GROEPSAANBOD_DATABASE_POOL_SIZE"]) + _default(env["GROEPSAANBOD_DATABASE_MAX_OVERFLOW"])
    processes = SERVICES["app"]["deploy"]["replicas"] * _default(env["GROEPSAANBOD_WEB_PROCESSES"])
    processes += SERVICES["worker"]["deploy"]["replicas"]
    max_connections, reserved = 100, 3  # PostgreSQL's defaults; compose does not change them
    assert processes * per_process <= (max_connections - reserved) * 2 // 3, processes * per_process
    assert SERVICES["worker"]["environment"] is SERVICES["app"]["environment"] or (
        SERVICES["worker"]["environment"]["GROEPSAANBOD_DATABASE_POOL_SIZE"] == env["GROEPSAANBOD_DATABASE_POOL_SIZE"]
    )


def test_the_proxy_writes_the_address_it_saw_and_only_the_proxy_is_believed():
    """A client must not choose the address its rate limits count under (see test_proxy.py)."""
    import ipaddress

    proxy = COMPOSE["configs"]["proxy"]["content"]
    assert "proxy_set_header X-Forwarded-For $$remote_addr;" in proxy  # overwritten, not appended to
    assert "proxy_add_x_forwarded_for" not in proxy
    assert "X-Real-IP $$remote_addr" in proxy
    address = SERVICES["proxy"]["networks"]["default"]["ipv4_address"]
    subnet = COMPOSE["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(address) in ipaddress.ip_network(subnet)
    for name in ("migrate", "app", "worker"):
        env = SERVICES[name]["environment"]
        assert "FORWARDED_ALLOW_IPS" not in env, name  # uvicorn's own '*' would believe every client
        assert env["GROEPSAANBOD_TRUSTED_PROXIES"] == address, name
