"""The test databases are safe on a shared PostgreSQL server.

A run makes its databases under a prefix of its own, marks them, and drops those and only
those: not the server's database named in GROEPSAANBOD_TEST_DATABASE_URL, not a database made
by hand or by another run, not one that holds a table our migrations do not know.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from groepsaanbod.migrate import upgrade
from groepsaanbod.settings import normalise_database_url
from tests.conftest import backends
from tests.databases import PG_ENV, DatabaseRun, UnsafeDatabase, run_async, session_run

ROOT = Path(__file__).resolve().parents[2]
ON_POSTGRES = pytest.mark.parametrize("backend", [b for b in backends() if b == "postgresql"])


def _server() -> str:
    return os.environ[PG_ENV]


async def _on_server(statement: str) -> list[tuple]:
    engine = create_async_engine(normalise_database_url(_server()), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            result = await conn.execute(text(statement))
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        await engine.dispose()


async def _in_database(url: str, statement: str) -> list[tuple]:
    engine = create_async_engine(normalise_database_url(url), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            result = await conn.execute(text(statement))
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        await engine.dispose()


def _exists(name: str) -> bool:
    return bool(run_async(_on_server(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")))


def _make_by_hand(name: str) -> str:
    """A database as someone else would make it: no mark of any run."""
    run_async(_on_server(f'CREATE DATABASE "{name}"'))
    return make_url(_server()).set(database=name).render_as_string(hide_password=False)


def _drop_by_hand(name: str) -> None:
    run_async(_on_server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _new_run(run_id: str | None = None) -> DatabaseRun:
    return DatabaseRun(_server(), run_id=run_id or f"t{secrets.token_hex(4)}")


@pytest.mark.parametrize("migrated_database", [b for b in backends() if b == "postgresql"], indirect=True)
def test_the_suite_works_in_databases_of_its_own_never_in_the_named_one(migrated_database):
    own = make_url(migrated_database).database
    named = make_url(_server()).database
    run = session_run()
    assert own != named
    assert own.startswith(run.prefix)
    assert run.prefix.startswith("ga_test_")
    mark = f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{own}'"
    comment = run_async(_on_server(mark))
    assert comment == [(run.marker,)]


@ON_POSTGRES
def test_a_run_drops_what_it_made_and_nothing_else(backend):
    run = _new_run()
    stranger = f"{run.prefix}stranger"
    try:
        one = run.create("one")
        upgrade(one)
        organisation = (
            "INSERT INTO organisations (slug, name, kind, city, created_at, updated_at)"
            " VALUES ('x', 'X', 'cjg', 'Y', now(), now())"
        )
        run_async(_in_database(one, organisation))
        run.create("two")
        _make_by_hand(stranger)  # under the run's prefix, but not made by it
        run.finish()
        assert not _exists(run.database_name("one"))
        assert not _exists(run.database_name("two"))
        assert _exists(stranger), "a database the run did not make was dropped"
        assert _exists(make_url(_server()).database)
    finally:
        _drop_by_hand(stranger)
        run.finish()


@ON_POSTGRES
def test_a_database_with_a_table_we_do_not_know_is_refused(backend):
    run = _new_run()
    name = run.database_name("mine")
    try:
        url = run.create("mine")
        upgrade(url)
        run_async(_in_database(url, "CREATE TABLE their_data (note text)"))
        run_async(_in_database(url, "INSERT INTO their_data VALUES ('keep me')"))
        # Not made anew over it, and not dropped at the end: the refusal names the table.
        with pytest.raises(UnsafeDatabase, match="their_data"):
            run.create("mine")
        with pytest.raises(UnsafeDatabase, match="their_data"):
            run.finish()
        assert run_async(_in_database(url, "SELECT note FROM their_data")) == [("keep me",)]
        # Another schema is as foreign as another table.
        run_async(_in_database(url, "DROP TABLE their_data"))
        run_async(_in_database(url, "CREATE SCHEMA elsewhere"))
        run_async(_in_database(url, "CREATE TABLE elsewhere.organisations (id int)"))
        with pytest.raises(UnsafeDatabase, match="elsewhere.organisations"):
            run.create("mine")
        assert _exists(name)
    finally:
        _drop_by_hand(name)
        run.finish()


@ON_POSTGRES
def test_a_database_made_by_hand_or_by_another_run_is_never_dropped(backend):
    run, other = _new_run(), _new_run()
    by_hand = run.database_name("by_hand")
    try:
        _make_by_hand(by_hand)
        with pytest.raises(UnsafeDatabase, match="not made by"):
            run.create("by_hand")
        theirs = other.create("theirs")
        theirs_name = make_url(theirs).database
        for name in (theirs_name, make_url(_server()).database, "postgres"):
            with pytest.raises(UnsafeDatabase):
                run.wipe(name)
            assert _exists(name)
        run.finish()
        assert _exists(by_hand)
        assert _exists(theirs_name)
    finally:
        _drop_by_hand(by_hand)
        run.finish()
        other.finish()
    assert not _exists(theirs_name)


@ON_POSTGRES
def test_a_rerun_with_the_same_id_drops_its_own_leftovers(backend):
    run_id = f"t{secrets.token_hex(4)}"
    crashed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, sys; from tests.databases import DatabaseRun; from groepsaanbod.migrate import upgrade; "
            f"upgrade(DatabaseRun(os.environ['{PG_ENV}'], run_id='{run_id}').create('left')); os._exit(3)",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert crashed.returncode == 3, crashed.stderr
    rerun = _new_run(run_id)
    name = rerun.database_name("left")
    try:
        assert _exists(name)
        url = rerun.create("left")  # the leftover is the run's own: dropped, made anew, empty
        assert run_async(_in_database(url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")) == [(0,)]
    finally:
        rerun.finish()
    assert not _exists(name)


@ON_POSTGRES
def test_two_runs_with_the_same_id_at_once_are_refused(backend):
    first = _new_run()
    second = _new_run(first.run_id)
    try:
        first.create("busy")
        with pytest.raises(UnsafeDatabase, match="GROEPSAANBOD_TEST_RUN_ID"):
            second.create("busy")
        assert _exists(first.database_name("busy"))
    finally:
        second.finish()
        first.finish()
    assert not _exists(first.database_name("busy"))


def test_run_ids_and_names_stay_within_postgresql_limits():
    run = DatabaseRun("postgresql://postgres@127.0.0.1:5432/test", run_id="Helper/second-factor ÉÉN " * 4)
    assert run.prefix.startswith("ga_test_")
    assert len(run.prefix) <= 40
    assert set(run.prefix) <= set("abcdefghijklmnopqrstuvwxyz0123456789_")
    long = run.database_name("x" * 80)
    assert len(long.encode()) <= 63
    assert long.startswith(run.prefix)
    assert long != run.database_name("x" * 79)
    assert DatabaseRun("postgresql://h/test").run_id != DatabaseRun("postgresql://h/test").run_id
