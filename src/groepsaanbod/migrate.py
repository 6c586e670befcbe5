"""Running the Alembic migrations from code (CLI, tests, readiness)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from groepsaanbod import resource_dir
from groepsaanbod.settings import normalise_database_url


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resource_dir("migrations")))
    config.attributes["database_url"] = normalise_database_url(database_url)
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)
