"""compose.yaml runs PostgreSQL (pinned, with a health check), then migrations once, then the app."""

from pathlib import Path

import yaml

COMPOSE = yaml.safe_load((Path(__file__).resolve().parents[2] / "compose.yaml").read_text())


def test_services_and_order():
    services = COMPOSE["services"]
    assert {"db", "migrate", "app"} <= set(services)
    db = services["db"]
    assert db["image"].startswith("postgres:") and db["image"].split(":")[1][0].isdigit()
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert services["migrate"]["command"] == ["groepsaanbod", "db", "upgrade"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["app"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["app"]["environment"]["GROEPSAANBOD_DATABASE_URL"].startswith("postgresql://")
