"""Twenty calls at once with one token, each in its own transaction as in production: all answered,
twenty audit rows, one last-used time."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from groepsaanbod.api_clients.models import ApiClient
from groepsaanbod.audit.models import AuditEvent
from tests.conftest import NOW, backends
from tests.factories import make_organisation
from tests.integration.api_clients.helpers import bearer, make_token
from tests.integration.protection.live import live_app


@pytest.mark.parametrize("backend", backends())
async def test_twenty_calls_at_once_with_one_token(backend, tmp_path):
    async with live_app(backend, tmp_path, "groepsaanbod_tokens_crowd") as live:
        async with live.sessions() as session:
            org = await make_organisation(session)
            token = await make_token(session, org.id, "programmes:read", "venues:read")
        async with live.client(**bearer(token)) as client:
            paths = ["/api/v1/programmes", "/api/v1/venues"] * 10
            answers = await asyncio.gather(*(client.get(path) for path in paths))
        assert [a.status_code for a in answers] == [200] * 20, [a.text for a in answers if a.status_code != 200]
        async with live.sessions() as session:
            calls = await session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "api_call")
            )
            assert calls == 20
            assert await session.scalar(select(ApiClient.last_used_at)) == NOW
