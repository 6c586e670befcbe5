"""A crowd at once: many sites and crawlers fetch the open offer in parallel, on SQLite and
PostgreSQL, each request with its own database session. Every answer is whole and the same."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import backends
from tests.integration.protection.live import live_app
from tests.integration.registration.helpers import published_programme

CROWD = 40


@pytest.mark.parametrize("backend", backends())
async def test_forty_at_once_get_the_same_whole_answer(backend, tmp_path):
    async with live_app(backend, tmp_path, "groepsaanbod_open_crowd") as live:
        async with live.sessions() as session:
            await published_programme(session, "triple-p-group", "crowd-triple-p")
            await published_programme(session, "kids-en-koffie", "crowd-kids", city="Dordrecht")
            await session.commit()
        paths = ["/api/v1/open/programmes", "/api/v1/open/linked-data", "/nl/programmes/crowd-kids"]
        async with live.client() as client:
            answers = await asyncio.gather(*(client.get(paths[n % len(paths)]) for n in range(CROWD)))
        assert {a.status_code for a in answers} == {200}
        for path in paths[:2]:
            same = {(a.content, a.headers["etag"]) for a in answers if a.url.path == path}
            assert len(same) == 1, path
        offer = next(a for a in answers if a.url.path == paths[0]).json()
        assert [p["slug"] for p in offer["programmes"]] == ["crowd-kids", "crowd-triple-p"]
