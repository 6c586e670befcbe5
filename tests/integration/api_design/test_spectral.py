"""Spectral lints the OpenAPI document the app serves with our NL API Design Rules ruleset
(api/adr-ruleset.yaml): 0 errors. A deliberately broken copy must fail, so the lint can fail.

Spectral comes from npm (package-lock.json; dev.py runs `npm ci`). Without it the test is
skipped, unless GROEPSAANBOD_SPECTRAL_TESTS=required (CI), where it fails."""

from __future__ import annotations

import copy
import json
import os
import subprocess
from pathlib import Path

import httpx
import pytest

from groepsaanbod.app import create_app
from groepsaanbod.settings import Settings
from tests.databases import run_async

ROOT = Path(__file__).resolve().parents[3]
SPECTRAL = ROOT / "node_modules" / ".bin" / "spectral"
RULESET = ROOT / "api" / "adr-ruleset.yaml"


def spectral() -> Path:
    if not SPECTRAL.exists():
        if os.environ.get("GROEPSAANBOD_SPECTRAL_TESTS") == "required":
            pytest.fail("Spectral is not installed: run `npm ci` (dev.py does when package-lock.json changed)")
        pytest.skip("Spectral is not installed (npm ci); GROEPSAANBOD_SPECTRAL_TESTS=required makes this a failure")
    return SPECTRAL


async def _served() -> dict:
    app = create_app(Settings(database_url="sqlite:///unused.db"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


@pytest.fixture(scope="module")
def served() -> dict:
    return run_async(_served())


def lint(document: dict, folder: Path) -> list[dict]:
    """Spectral's findings on `document` (severity 0 is an error, 1 a warning)."""
    path = folder / "openapi.json"
    path.write_text(json.dumps(document))
    result = subprocess.run(
        [
            str(spectral()),
            "lint",
            "--ruleset",
            str(RULESET),
            "--fail-severity=error",
            "--format=json",
            "--quiet",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    try:
        findings = json.loads(result.stdout or "[]")
    except json.JSONDecodeError:
        pytest.fail(
            f"Spectral did not answer in JSON (exit {result.returncode}): {result.stdout[:500]} {result.stderr[:2000]}"
        )
    errors = [f for f in findings if f["severity"] == 0]
    assert (result.returncode != 0) == bool(errors), result.stderr[:2000]
    return findings


def test_the_served_document_follows_the_api_design_rules(served, tmp_path):
    findings = lint(served, tmp_path)
    warnings = [f for f in findings if f["severity"] == 1]
    by_rule: dict[str, int] = {}
    for warning in warnings:
        by_rule[warning["code"]] = by_rule.get(warning["code"], 0) + 1
    print(f"Spectral warnings by rule: {by_rule}")
    errors = [f"{f['code']} at {'/'.join(map(str, f['path']))}: {f['message']}" for f in findings if f["severity"] == 0]
    assert not errors, "\n".join(errors[:30])


def test_a_broken_document_is_caught(served, tmp_path):
    broken = copy.deepcopy(served)
    paths = broken["paths"]
    # A trailing slash, a snake_case query key, an error without problem+json, a success without API-Version.
    paths["/catalogue/"] = paths.pop("/catalogue")
    catalogue = paths["/catalogue/"]["get"]
    catalogue["parameters"] = [
        *catalogue.get("parameters", []),
        {"name": "cohort_id", "in": "query", "schema": {"type": "integer"}},
    ]
    catalogue["responses"]["404"] = {
        "description": "gone",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
    del catalogue["responses"]["200"]["headers"]
    broken["servers"] = [{"url": "http://example.org/api"}]
    del broken["info"]["contact"]
    broken["components"]["schemas"]["venue_out"] = {"type": "object"}
    findings = lint(broken, tmp_path)
    failed = {f["code"] for f in findings if f["severity"] == 0}
    assert {
        "adr-no-trailing-slash",
        "adr-query-keys-lower-camel-case",
        "adr-problem-details",
        "adr-version-header",
        "adr-uri-version",
        "adr-no-http-server",
        "adr-contact",
        "adr-schema-names-upper-camel-case",
    } <= failed, failed
