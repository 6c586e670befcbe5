"""A bounded schemathesis run against /schema/openapi.json: no 5xx, and every answer
fits the schema. Runs as a signed-in coordinator against a migrated database (SQLite,
and PostgreSQL when the tests have one) with a published programme and a planned group,
so the staff API is exercised beyond 401 and 404.

Bounded: a few generated examples per operation, then the same explicit edge examples
for every operation (ids beyond 32 bits, dates in year 1 and 9999, NUL, direction
overrides, 10,000 characters, JSON nested 100,000 deep); well under a minute per
database on a busy machine."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance
from sqlalchemy import select

from groepsaanbod.accounts.guards import SESSION_COOKIE
from groepsaanbod.accounts.services.staff import SignInAttempt, SignInLimits, sign_in
from groepsaanbod.app import create_app
from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.db import make_engine, make_session_factory
from groepsaanbod.migrate import upgrade
from groepsaanbod.programmes.models import ProgrammeTemplate
from groepsaanbod.scheduling.models import Session
from groepsaanbod.settings import Settings
from tests.conftest import backends
from tests.databases import run_async, separate_database
from tests.factories import PASSWORD, app_keys, make_staff, make_venue, second_factor_code
from tests.integration.registration.helpers import published_programme

EXAMPLES_PER_OPERATION = 4

#: A moment in an answer: a date, "T", a time, and then its zone (NL API Design Rules: moments with a time zone).
MOMENT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(?P<zone>Z|[+-]\d\d:\d\d)?$")


def _naive_moments(value: Any, where: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            # local_start: the wall-clock time beside `starts_at`, named so.
            if not str(key).startswith("local_"):
                yield from _naive_moments(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _naive_moments(item, f"{where}[{i}]")
    elif isinstance(value, str) and (match := MOMENT.match(value)) and not match.group("zone"):
        yield f"{where}={value}"


def rules_of_the_api(ctx, response, case) -> None:
    """Every answer says its API-Version; every moment in a JSON answer carries its time zone."""
    assert response.headers.get("api-version"), f"no API-Version on {case.operation.label}"
    if "json" in str(response.headers.get("content-type", "")):
        try:
            body = response.json()
        except ValueError:
            return
        naive = list(_naive_moments(body))
        assert not naive, f"moments without a time zone in {case.operation.label}: {naive[:5]}"


CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance, rules_of_the_api]

HUGE_ID = 2**31
EDGE_TEXTS = ("\x00", "Eva\u202eevil", "Triple P\r\nBcc: attacker@example.org", "x" * 10_000, "=SUM(1+1)")
EDGE_NUMBERS = (HUGE_ID, 2**63, -(2**31) - 1, 0)
EDGE_DATES = ("0001-01-01", "9999-12-31")
EDGE_MOMENTS = ("0001-01-01T00:30:00", "9999-12-31T23:30:00")
DEEP_JSON = "[" * 100_000 + "]" * 100_000


async def seed(url: str) -> str:
    """A published programme with a planned group, and a coordinator's session token."""
    engine = make_engine(Settings(database_url=url).async_database_url)
    try:
        async with make_session_factory(engine)() as db:
            org, pid = await published_programme(db, "kids-en-koffie", "kids-fuzz", city="Sliedrecht")
            staff = await make_staff(db, org, "coordinator", "volunteer")
            venue = await make_venue(db, org, "Kinderboerderij", "Sliedrecht")
            template = await db.scalar(select(ProgrammeTemplate.id).where(ProgrammeTemplate.programme_id == pid))
            cohort = Cohort(programme_id=pid, template_id=template, name="Maandag", language="nl", status="confirmed")
            db.add(cohort)
            await db.flush()
            db.add(
                Session(
                    programme_id=pid,
                    cohort_id=cohort.id,
                    venue_id=venue.id,
                    local_start=datetime(2027, 3, 22, 9, 30),
                    starts_at=datetime(2027, 3, 22, 8, 30, tzinfo=UTC),
                    duration_minutes=90,
                    topic={},
                    number=1,
                )
            )
            await db.commit()
            moment = datetime.now(UTC)
            signed = await sign_in(
                db,
                SignInAttempt(staff.email, PASSWORD, "127.0.0.1", code=second_factor_code(staff, moment)),
                moment,
                lifetime=timedelta(hours=4),
                limits=SignInLimits(1000),
                keys=app_keys(),
            )
            assert signed is not None
            assert not signed.second_factor_pending
            return signed.token
    finally:
        await engine.dispose()


def load_schema(backend: str) -> tuple[Any, str]:
    """The app on a fresh database of `backend`, its schema, and a coordinator's session. Built
    when the module is collected: schemathesis makes one test per operation from it."""
    folder = Path(tempfile.mkdtemp(prefix="groepsaanbod-fuzz-"))
    url = separate_database(backend, folder, "groepsaanbod_fuzz_test")
    upgrade(url)
    token = run_async(seed(url))
    app = create_app(Settings(database_url=url, rate_limit_sign_in=100_000, rate_limit_register=100_000))
    return schemathesis.openapi.from_asgi("/schema/openapi.json", app), token


SCHEMAS = {backend: load_schema(backend) for backend in backends()}


def _headers(operation, token: str) -> dict[str, str]:
    # Signing out would end the session the other operations use: those run signed out.
    return {"Cookie": f"{SESSION_COOKIE}={token}"} if "sign-out" not in operation.path else {}


def _generated(backend: str):
    schema, token = SCHEMAS[backend]

    @schema.parametrize()
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck))
    def test(case):
        case.call_and_validate(headers=_headers(case.operation, token), checks=CHECKS)

    test.__doc__ = f"Generated examples for every operation, on {backend}: no 5xx, answers within the schema."
    return test


test_api_answers_within_its_schema_and_never_5xx_on_sqlite = _generated("sqlite")
if "postgresql" in SCHEMAS:
    test_api_answers_within_its_schema_and_never_5xx_on_postgresql = _generated("postgresql")


def _edge_value(schema_: dict[str, Any], variant: int) -> Any:
    """A value at the edge of what the field's type allows."""
    kind = schema_.get("type")
    if "anyOf" in schema_ or "oneOf" in schema_:
        options = [s for s in schema_.get("anyOf", schema_.get("oneOf", [])) if s.get("type") != "null"]
        return _edge_value(options[0], variant) if options else None
    if kind == "integer":
        return EDGE_NUMBERS[variant % len(EDGE_NUMBERS)]
    if kind == "string" and schema_.get("format") == "date":
        return EDGE_DATES[variant % len(EDGE_DATES)]
    if kind == "string" and schema_.get("format") == "date-time":
        return EDGE_MOMENTS[variant % len(EDGE_MOMENTS)]
    if kind == "string":
        return EDGE_TEXTS[variant % len(EDGE_TEXTS)]
    if kind == "array":
        return [_edge_value(schema_.get("items", {}), variant)]
    if kind == "object":
        properties = schema_.get("properties", {})
        if not properties:
            return {"nl": EDGE_TEXTS[variant % len(EDGE_TEXTS)]}
        return {name: _edge_value(sub, variant) for name, sub in properties.items()}
    if kind == "boolean":
        return True
    return None


def _resolved(operation, schema_: dict[str, Any]) -> dict[str, Any]:
    ref = schema_.get("$ref")
    if ref is None:
        return schema_
    name = ref.rsplit("/", 1)[-1]
    return operation.schema.raw_schema["components"]["schemas"][name]


def _deep_resolved(operation, schema_: dict[str, Any]) -> dict[str, Any]:
    schema_ = _resolved(operation, schema_)
    if "properties" in schema_:
        return {
            **schema_,
            "properties": {k: _deep_resolved(operation, v) for k, v in schema_["properties"].items()},
        }
    if "items" in schema_:
        return {**schema_, "items": _deep_resolved(operation, schema_["items"])}
    for key in ("anyOf", "oneOf"):
        if key in schema_:
            return {**schema_, key: [_deep_resolved(operation, s) for s in schema_[key]]}
    return schema_


PATH_VALUES = {"slug": "kids-fuzz", "token": "unknown-token", "name": "unknown.ics"}


def _edge_cases(operation) -> Iterator[Any]:
    raw = operation.definition.raw
    parameters = [p for p in raw.get("parameters", []) if p.get("in") in ("path", "query")]
    body = raw.get("requestBody", {}).get("content", {})
    json_schema = body.get("application/json", {}).get("schema")
    # Existing rows in the path (ids over 2^31 in paths have their own test), edges everywhere else.
    path = {p["name"]: PATH_VALUES.get(p["name"], 1) for p in parameters if p["in"] == "path"}
    for variant in range(len(EDGE_TEXTS)):
        query = {p["name"]: _edge_value(p.get("schema", {}), variant) for p in parameters if p["in"] == "query"}
        kwargs: dict[str, Any] = {"path_parameters": path, "query": query}
        if json_schema is not None:
            kwargs["body"] = _edge_value(_deep_resolved(operation, json_schema), variant)
            kwargs["media_type"] = "application/json"
        elif body:
            kwargs["body"], kwargs["media_type"] = "klas;schooljaar\n\x00;9999\n", next(iter(body))
        yield operation.Case(**kwargs)


async def _deep_json(app, operation, token: str) -> int:
    path = operation.path
    for name, value in PATH_VALUES.items():
        path = path.replace("{" + name + "}", value)
    path = re.sub(r"{[^}]+}", "1", path)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://fuzz") as client:
        answer = await client.request(
            operation.method.upper(),
            path,
            content=DEEP_JSON,
            headers={"content-type": "application/json", **_headers(operation, token)},
        )
    return answer.status_code


@pytest.mark.parametrize("backend", backends())
def test_every_operation_holds_at_the_edges(backend):
    """The same explicit edge examples for every operation: never a 5xx, answers within the schema."""
    fuzz_schema, token = SCHEMAS[backend]
    failures = []
    for result in fuzz_schema.get_all_operations():
        operation = result.ok()
        for case in _edge_cases(operation):
            try:
                case.call_and_validate(headers=_headers(operation, token), checks=CHECKS)
            except Exception as failure:  # noqa: BLE001 - collect them all, then fail with the list
                body = str(case.body)[:60]
                failures.append(f"{operation.method.upper()} {operation.path} {case.query} {body!r}: {failure!s:.300}")
        if "requestBody" in operation.definition.raw:
            status = run_async(_deep_json(fuzz_schema.app, operation, token))
            if status >= 500:
                failures.append(f"{operation.method.upper()} {operation.path} deep JSON: {status}")
    assert not failures, "\n".join(failures[:20])
