"""Test helpers for the AVG tests: a sign-up's private link (read from the message it sends,
whatever the sign-up answers), and the text of the whole database, every table and column,
found by reflecting the live schema (a table added later is searched without a change here)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta

from sqlalchemy import MetaData, select

from groepsaanbod.cohorts.models import Cohort
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.programmes.models import ProgrammeTemplate
from groepsaanbod.scheduling.models import Session
from tests.integration.registration.helpers import person


async def signed_up_token(client, db, slug: str, n: int, **fields) -> str:
    """Sign a person up over the API; the secret of the private link in their message."""
    body = person(n, **fields)
    response = await client.post(f"/api/v1/catalogue/{slug}/registrations", json=body)
    assert response.status_code in (201, 202), response.text
    message = await db.scalar(
        select(OutboxMessage).where(OutboxMessage.to_address == body["email"]).order_by(OutboxMessage.id.desc())
    )
    found = re.search(r"/my/([A-Za-z0-9_-]+)", message.body_text)
    assert found, message.body_text
    return found.group(1)


def _text(value) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, default=str, ensure_ascii=False)
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


async def reflected_tables(db):
    connection = await db.connection()
    metadata = MetaData()
    await connection.run_sync(lambda sync: metadata.reflect(sync))
    return metadata.sorted_tables


async def database_text(db) -> str:
    """Every value of every row of every table of the database, lower case."""
    db.expunge_all()
    connection = await db.connection()
    parts = []
    for table in await reflected_tables(db):
        for row in (await connection.execute(select(table))).all():
            parts.append(f"{table.name}: " + " | ".join(_text(v) for v in row))
    return "\n".join(parts).lower()


def found_in(everything: str, traces: tuple[str, ...]) -> list[str]:
    """The traces that occur, each with the first line that holds it (to say where)."""
    out = []
    for trace in traces:
        at = everything.find(trace.lower())
        if at >= 0:
            start, end = everything.rfind("\n", 0, at) + 1, everything.find("\n", at)
            out.append(f"{trace!r} in {everything[start : end if end >= 0 else None][:300]}")
    return out


def date_forms(day: date) -> tuple[str, ...]:
    return (day.isoformat(), day.strftime("%d-%m-%Y"), day.strftime("%Y%m%d"))


async def group_with_meetings(db, programme_id: int, starts: list[datetime], name: str = "Groep mei"):
    template = await db.scalar(select(ProgrammeTemplate).where(ProgrammeTemplate.programme_id == programme_id))
    cohort = Cohort(programme_id=programme_id, template_id=template.id, name=name, language="nl", status="confirmed")
    db.add(cohort)
    await db.flush()
    sessions = [
        Session(
            programme_id=programme_id,
            cohort_id=cohort.id,
            local_start=start.replace(tzinfo=None),
            starts_at=start,
            duration_minutes=120,
            number=n + 1,
        )
        for n, start in enumerate(starts)
    ]
    db.add_all(sessions)
    await db.flush()
    return cohort, sessions


DAY = timedelta(days=1)
