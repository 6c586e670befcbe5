"""The actor walk: no person of organisation B, in any role, gets anything of organisation A
or changes anything of it, through any route of the app.

Two organisations are built once per database (tests/integration/actor_world.py): each
with programmes of the four kinds, groups, meetings, members, registers, signals, venues,
a school class, calendar links, messages, audit records and staff of every role. Then for
every role of B, for B's person holding every role at once, for B's API client with every scope
(its service token on every request) and for nobody, every route of
the app is called (tests/integration/walker.py): with A's ids, and with B's own ids and A's
people in the bodies, which covers the account-level operations (invitations, disabling,
roles, hours, second factor, school-class imports). No answer may contain A's personal data,
and a dump of every row that belongs to A must be the same before and after. Each actor's
changes are rolled back before the next.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from groepsaanbod.access.roles import ROLES
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import Staff
from groepsaanbod.accounts.passwords import hash_new_password
from groepsaanbod.api_clients.scopes import SCOPES, roles_for
from groepsaanbod.api_clients.services import create_api_client
from groepsaanbod.organisations.models import Organisation
from tests.conftest import NOW
from tests.factories import PASSWORD, make_staff, sign_in
from tests.integration.actor_world import A_SECRETS, OrgWorld, build_organisation, rows_of, seeds_of
from tests.integration.walker import Walker, routes_of

ALL_ROLES = "all roles"
#: B's API client with every scope: its service token in every request (no person signed in).
TOKEN = "token"
ACTORS = (*ROLES, ALL_ROLES, TOKEN, "nobody")


@dataclass
class Worlds:
    a: OrgWorld
    b: OrgWorld
    walkers: dict[str, Staff]


@pytest.fixture(scope="module")
async def walk_connection(engine):
    """One connection for the module: the worlds are built once in its transaction, each
    actor walks in a savepoint of it, and everything is rolled back at the end."""
    async with engine.connect() as connection:
        outer = await connection.begin()
        try:
            yield connection
        finally:
            await outer.rollback()


def _sessions(connection):
    return async_sessionmaker(bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint")


@pytest.fixture(scope="module")
async def worlds(walk_connection) -> Worlds:
    async with _sessions(walk_connection)() as db:
        password_hash = await hash_new_password(PASSWORD)  # once: hashing is slow on purpose
        a = await build_organisation(db, "a", marked=True, password_hash=password_hash)
        b = await build_organisation(db, "b", marked=False, password_hash=password_hash)
        org_b = await db.get(Organisation, b.first("organisation"))
        walkers = {role: await make_staff(db, org_b, role) for role in ROLES}
        walkers[ALL_ROLES] = await make_staff(db, org_b, *ROLES)
        # The walkers are B's staff too: their rows are B's (and ids for B's bodies).
        for walker in walkers.values():
            b.add("staff", walker.id)
        for world in (a, b):
            owned: dict[str, set] = {}
            await rows_of(db, seeds_of(world), owned)
            world.tables = {table: sorted(ids) for table, ids in owned.items()}
        return Worlds(a, b, walkers)


@pytest.fixture
async def db(walk_connection, worlds):
    """Overrides conftest's `db`: the app (conftest's `app` and `client`) shares this session."""
    nested = await walk_connection.begin_nested()
    try:
        async with _sessions(walk_connection)() as session:
            yield session
    finally:
        if nested.is_active:
            await nested.rollback()


def leaks(walker: Walker) -> list[tuple[str, str, int, str]]:
    found = []
    sent_so_far: set[str] = set()
    for method, url, echo, answer in walker.answers:
        # What the walker sent itself may come back: a form shown again, or later (an invitation
        # B's admin typed to A's address is listed as sent, with that address).
        sent_so_far.update(echo)
        text = answer.text
        for sent in sent_so_far:
            text = text.replace(sent, "").replace(html.escape(sent), "")
        text = text.lower()
        found += [(method, url, answer.status_code, secret) for secret in A_SECRETS if secret in text]
    return found


async def trace_changes(db, worlds: Worlds, actor: str):
    """GROEPSAANBOD_TEST_WALK_TRACE=1: after every request that may change something, print
    which of A's rows it changed (slow; for finding the request behind a failure)."""
    state = {"rows": await rows_of(db, seeds_of(worlds.a))}

    async def watch(method: str, url: str) -> None:
        rows = await rows_of(db, seeds_of(worlds.a))
        if rows != state["rows"]:
            diff = {t: sorted(set(rows[t]) ^ set(state["rows"][t])) for t in rows if rows[t] != state["rows"][t]}
            print(f"\n{actor} {method} {url} changed A: {diff}")
            state["rows"] = rows

    return watch


@pytest.mark.parametrize("actor", ACTORS)
async def test_no_actor_of_another_organisation_sees_or_changes_anything_of_it(app, client, db, worlds, actor):
    person = worlds.walkers.get(actor)
    held = frozenset(ROLES if actor == ALL_ROLES else (actor,) if person else ())
    if actor == TOKEN:
        held = roles_for(SCOPES)
        admin = worlds.walkers["admin"]
        org_b = worlds.b.first("organisation")
        _, token = await create_api_client(
            db,
            Viewer(admin.id, admin.full_name, admin.email, {org_b: frozenset({"admin"})}),
            org_b,
            "Koppeling B",
            list(SCOPES),
            NOW.date() + timedelta(days=30),
            NOW,
        )
        client.headers["Authorization"] = f"Bearer {token}"
    walker = Walker(client, routes_of(app), app.openapi_schema.to_schema(), worlds.a, worlds.b, held=held)
    if os.environ.get("GROEPSAANBOD_TEST_WALK_TRACE"):
        walker.watch = await trace_changes(db, worlds, actor)
    before = await rows_of(db, seeds_of(worlds.a))
    if person is not None:
        await sign_in(client, person)
    await walker.theirs(many=actor == ALL_ROLES)
    if person is not None or actor == TOKEN:
        await walker.own()
    await walker.last()
    after = await rows_of(db, seeds_of(worlds.a))

    assert not leaks(walker), leaks(walker)
    changed = {
        table: (sorted(set(before[table]) - set(after[table])), sorted(set(after[table]) - set(before[table])))
        for table in before
        if before[table] != after[table]
    }
    assert not changed, f"{actor} changed A's rows (gone, new): {changed}"
    not_called = {route.key for route in walker.routes} - walker.called
    assert not not_called, f"routes the walk could not call: {sorted(not_called)}"
    server_errors = [(m, url, a.status_code) for m, url, _, a in walker.answers if a.status_code >= 500]
    assert not server_errors, server_errors
    if actor == ALL_ROLES:
        # Past the role check everywhere: the routes' own checks were what held.
        passed = {walker.route_of(m, url).key for m, url, _, a in walker.answers if a.status_code not in (401, 403)}
        ends_the_walk = {route.key for route in walker.routes if route.ends_the_walk}
        refused = {route.key for route in walker.routes if route.staff} - passed - ends_the_walk
        assert not refused, f"never got past the role check: {sorted(refused)}"
