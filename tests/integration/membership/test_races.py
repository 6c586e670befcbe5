"""Answers and removals at the same moment, each in its own connection and transaction:
an invitation is accepted once however many answers arrive together, a link makes one
account, and two admins removing each other leave the organisation one admin.
On SQLite and, with GROEPSAANBOD_TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.errors import InvitationNotFound
from groepsaanbod.accounts.models import Role, Staff, StaffInvitation
from groepsaanbod.accounts.services import invitations
from groepsaanbod.accounts.services.staff import NewStaff, create_staff
from groepsaanbod.db import _sqlite_pragmas, make_session_factory
from groepsaanbod.membership import services
from groepsaanbod.migrate import upgrade
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.refusals import Refused
from groepsaanbod.settings import normalise_database_url
from tests.conftest import backends
from tests.databases import run_async, separate_database

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
CROWD = 50


def small_engine(url: str):
    """At most 5 connections: the PostgreSQL server is shared."""
    async_url = normalise_database_url(url)
    if async_url.startswith("sqlite"):
        engine = create_async_engine(async_url, connect_args={"timeout": 30})
        _sqlite_pragmas(engine)
        return engine
    return create_async_engine(async_url, pool_size=5, max_overflow=0, pool_timeout=60)


async def _setup(factory):
    async with factory() as db:
        org = Organisation(slug="org-race", name="CJG Race", kind="cjg", city="Dorp")
        db.add(org)
        await db.flush()
        first = await create_staff(db, NewStaff("een@example.org", "Een", "een lange zin van een"), {org.id: ["admin"]})
        second = await create_staff(
            db, NewStaff("twee@example.org", "Twee", "een lange zin van twee"), {org.id: ["admin"]}
        )
        person = await create_staff(db, NewStaff("drie@example.org", "Drie", "een lange zin van drie"), {})
        await db.commit()
        admin = Viewer(first.id, "Een", first.email, {org.id: frozenset({"admin"})})
        known = await invitations.invite_staff(
            db,
            admin,
            invitations.NewInvitation(org.id, person.email, "Drie", ("trainer", "volunteer")),
            NOW,
            base_url="http://x",
        )
        fresh = await invitations.invite_to_organisation(
            db,
            invitations.NewInvitation(org.id, "nieuw@example.org", "Nieuw", ("trainer",), "nl"),
            invited_by=admin,
            now=NOW,
            base_url="http://x",
        )
        await db.commit()
        return org.id, first.id, second.id, person.id, known.id, fresh.id


async def _race(url: str) -> dict:
    engine = small_engine(url)
    factory = make_session_factory(engine)
    try:
        org, first, second, person, known, fresh = await _setup(factory)
        # The token of the new address's invitation: set a known one.
        async with factory() as db:
            row = await db.get(StaffInvitation, fresh)
            row.token_hash = invitations.token_hash("race-token")
            await db.commit()

        async def attempt(action):
            async with factory() as db:
                try:
                    await action(db)
                    return "done"
                except (Refused, InvitationNotFound):  # closed already (409), or its link no longer works (404)
                    await db.rollback()
                    return "refused"

        viewer = Viewer(person, "Drie", "drie@example.org", {})
        accepts = await asyncio.gather(
            *(attempt(lambda db: services.accept_invitation(db, viewer, known, NOW)) for _ in range(CROWD))
        )
        claims = await asyncio.gather(
            *(
                attempt(
                    lambda db, n=n: services.accept_with_password(db, "race-token", f"mijn eigen zin nummer {n}", NOW)
                )
                for n in range(CROWD)
            )
        )
        one = Viewer(first, "Een", "een@example.org", {org: frozenset({"admin"})})
        two = Viewer(second, "Twee", "twee@example.org", {org: frozenset({"admin"})})
        removals = await asyncio.gather(
            attempt(lambda db: services.remove_from_organisations(db, one, second, NOW)),
            attempt(lambda db: services.remove_from_organisations(db, two, first, NOW)),
        )
        async with factory() as db:
            roles = sorted((await db.execute(select(Role.role).where(Role.staff_id == person))).scalars())
            accounts = await db.scalar(
                select(func.count()).select_from(Staff).where(Staff.email == "nieuw@example.org")
            )
            admins = await db.scalar(
                select(func.count()).select_from(Role).where(Role.organisation_id == org, Role.role == "admin")
            )
            statuses = dict((await db.execute(select(StaffInvitation.id, StaffInvitation.status))).all())
        return {
            "accepts": accepts,
            "claims": claims,
            "removals": removals,
            "roles": roles,
            "accounts": accounts,
            "admins": admins,
            "statuses": (statuses[known], statuses[fresh]),
        }
    finally:
        await engine.dispose()


@pytest.mark.parametrize("backend", backends())
def test_answers_and_removals_at_the_same_moment(backend, tmp_path):
    url = separate_database(backend, tmp_path, "groepsaanbod_membership_races")
    upgrade(url)
    outcome = run_async(_race(url))
    assert outcome["accepts"].count("done") == 1
    assert outcome["accepts"].count("refused") == CROWD - 1
    assert outcome["roles"] == ["trainer", "volunteer"]
    assert outcome["claims"].count("done") == 1
    assert outcome["claims"].count("refused") == CROWD - 1
    assert outcome["accounts"] == 1
    assert sorted(outcome["removals"]) == ["done", "refused"]
    assert outcome["admins"] == 1
    assert outcome["statuses"] == ("accepted", "accepted")
