"""Migration 0024: programmes still carrying a built-in text with its number written out get the
text whose numbers come from the plan; a text a coordinator changed is left alone; down restores."""

from __future__ import annotations

import importlib.util
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from groepsaanbod.db import make_engine
from groepsaanbod.migrate import downgrade, upgrade
from groepsaanbod.settings import normalise_database_url
from tests.conftest import backends
from tests.databases import run_async, separate_database

MIGRATION = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0024_content_languages.py"
BEFORE = "0023_attendance_marks"


def _texts() -> dict:
    spec = importlib.util.spec_from_file_location("content_languages", MIGRATION)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.TEXTS


async def _run(url: str, statements: list[tuple[str, dict]]) -> list:
    engine = make_engine(normalise_database_url(url))
    try:
        async with engine.begin() as conn:
            rows = []
            for sql, params in statements:
                result = await conn.execute(sa.text(sql), params)
                rows = list(result) if result.returns_rows else rows
            return rows
    finally:
        await engine.dispose()


def _descriptions(url: str) -> dict[str, dict]:
    rows = run_async(_run(url, [("SELECT slug, description FROM programmes ORDER BY slug", {})]))
    return {slug: json.loads(d) if isinstance(d, str) else d for slug, d in rows}


@pytest.mark.parametrize("backend", backends())
def test_built_in_texts_with_written_numbers_are_replaced_and_restored(backend, tmp_path):
    texts = _texts()["centering-pregnancy"]
    url = separate_database(backend, tmp_path, "groepsaanbod_migration_texts")
    upgrade(url, BEFORE)
    now = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    old = {lang: pair[0] for lang, pair in texts.items()}
    own = {**old, "nl": "Onze eigen tekst: tien keer samen."}
    insert = (
        "INSERT INTO programmes (organisation_id, slug, template_key, name, description, audience, languages,"
        " status, created_at, updated_at) VALUES (1, :slug, 'centering-pregnancy', '{}', :description, '{}',"
        " '[]', 'draft', :now, :now)"
    )
    run_async(
        _run(
            url,
            [
                (
                    "INSERT INTO organisations (id, slug, name, kind, city, require_second_factor, created_at,"
                    " updated_at) VALUES (1, 'o', 'O', 'cjg', 'Ede', false, :now, :now)",
                    {"now": now},
                ),
                (insert, {"slug": "built-in", "description": json.dumps(old), "now": now}),
                (insert, {"slug": "own", "description": json.dumps(own), "now": now}),
            ],
        )
    )
    upgrade(url)
    after = _descriptions(url)
    assert after["built-in"] == {lang: pair[1] for lang, pair in texts.items()}
    assert "{meetings}" in after["built-in"]["nl"]
    assert after["own"]["nl"] == own["nl"], "a changed text is the coordinator's"
    assert after["own"]["en"] == texts["en"][1]
    downgrade(url, BEFORE)
    assert _descriptions(url) == {"built-in": old, "own": own}
