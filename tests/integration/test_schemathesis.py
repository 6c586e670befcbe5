"""A bounded schemathesis run against /schema/openapi.json: no 5xx, and every answer
fits the schema. Runs as a signed-in coordinator against a migrated SQLite database
with a published programme, so the staff API is exercised beyond 401.

Bounded: a few examples per operation (about a minute on a busy machine)."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from groepsaanbod.accounts.guards import SESSION_COOKIE
from groepsaanbod.accounts.services import SignInLimits, sign_in
from groepsaanbod.app import create_app
from groepsaanbod.db import make_engine, make_session_factory
from groepsaanbod.migrate import upgrade
from groepsaanbod.settings import Settings
from tests.databases import run_async
from tests.factories import PASSWORD, app_keys, make_staff, second_factor_code
from tests.integration.registration.helpers import published_programme

EXAMPLES_PER_OPERATION = 8


async def seed(url: str) -> str:
    """A published programme with one registration, and a coordinator's session token."""
    engine = make_engine(Settings(database_url=url).async_database_url)
    try:
        async with make_session_factory(engine)() as db:
            org, _pid = await published_programme(db, "kids-en-koffie", "kids-fuzz", city="Sliedrecht")
            staff = await make_staff(db, org, "coordinator", "volunteer")
            await db.commit()
            moment = datetime.now(UTC)
            signed = await sign_in(
                db,
                staff.email,
                PASSWORD,
                moment,
                timedelta(hours=4),
                SignInLimits(1000),
                "127.0.0.1",
                code=second_factor_code(staff, moment),
                keys=app_keys(),
            )
            assert signed is not None and not signed.second_factor_pending
            return signed.token
    finally:
        await engine.dispose()


def load_schema():
    """Built when the module is collected: schemathesis makes one test per operation from it."""
    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='groepsaanbod-fuzz-')) / 'fuzz.db'}"
    upgrade(url)
    token = run_async(seed(url))
    app = create_app(Settings(database_url=url, rate_limit_sign_in=100_000, rate_limit_register=100_000))
    return schemathesis.openapi.from_asgi("/schema/openapi.json", app), token


schema, TOKEN = load_schema()


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_within_its_schema_and_never_5xx(case):
    # Signing out would end the session the other operations use: those run signed out.
    signed_in = "sign-out" not in case.operation.path
    case.call_and_validate(
        headers={"Cookie": f"{SESSION_COOKIE}={TOKEN}"} if signed_in else {},
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )
