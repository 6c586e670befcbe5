"""Migrations go up, down and up again, and agree with the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from groepsaanbod.db import Base, import_all_models, make_engine
from groepsaanbod.migrate import downgrade, upgrade
from groepsaanbod.settings import normalise_database_url
from tests.conftest import backends
from tests.databases import run_async, separate_database


async def table_names(url: str) -> set[str]:
    engine = make_engine(normalise_database_url(url))
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


@pytest.mark.parametrize("backend", backends())
def test_up_down_up(backend, tmp_path):
    url = separate_database(backend, tmp_path, "groepsaanbod_migrations_test")
    upgrade(url)
    tables = run_async(table_names(url))
    for table in (
        "organisations",
        "venues",
        "staff",
        "roles",
        "programmes",
        "programme_templates",
        "session_specs",
        "constraints",
        "cohorts",
        "sessions",
        "school_classes",
        "participants",
        "registrations",
        "attendance",
        "feeds",
        "reminders",
    ):
        assert table in tables
    downgrade(url, "base")
    assert run_async(table_names(url)) <= {"alembic_version"}
    upgrade(url)
    assert run_async(table_names(url)) == tables


async def test_models_and_migrations_agree(engine):
    import_all_models()

    def compare(sync_conn):
        context = MigrationContext.configure(sync_conn, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with engine.connect() as conn:
        differences = await conn.run_sync(compare)
    assert differences == [], differences
