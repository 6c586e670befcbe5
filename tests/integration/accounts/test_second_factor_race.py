"""A second-factor code works once, also when fifty requests bring it at the same moment:
a TOTP code moves the person's last step forward, and a recovery code is marked used, in
one conditional UPDATE each; only the check whose UPDATE changed the row lets its sign-in in.

Each attempt runs in a session (and connection) of its own, as parallel requests do."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from groepsaanbod.accounts import recovery_codes
from groepsaanbod.accounts.models import RecoveryCode, Staff
from groepsaanbod.accounts.services.code_check import accept_code
from groepsaanbod.accounts.totp import code_at, step_of
from groepsaanbod.db import make_engine, make_session_factory
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.migrate import upgrade
from groepsaanbod.settings import Settings
from tests.conftest import NOW, backends
from tests.databases import run_async, separate_database
from tests.factories import TOTP_SECRET, app_keys, make_organisation, make_staff

AT_ONCE = 50
RECOVERY = "0123456789abcdef"


async def _race(url: str) -> dict[str, object]:
    engine = make_engine(Settings(database_url=url).async_database_url)
    factory = make_session_factory(engine)
    try:
        async with factory() as db:
            admin = await make_staff(db, await make_organisation(db), "admin")
            db.add(RecoveryCode(staff_id=admin.id, code_hash=recovery_codes.code_hash(RECOVERY), created_at=NOW))
            await db.commit()
            staff_id = admin.id

        async def attempt(code: str) -> bool:
            async with factory() as session:
                staff = await session.get(Staff, staff_id)
                accepted = await accept_code(session, staff, code=code, now=NOW, keys=app_keys())
                await session.commit()
                return accepted is not None

        recovery = await asyncio.gather(*(attempt(RECOVERY) for _ in range(AT_ONCE)))
        totp = await asyncio.gather(*(attempt(code_at(TOTP_SECRET, NOW)) for _ in range(AT_ONCE)))
        async with factory() as db:
            return {
                "recovery": sum(recovery),
                "totp": sum(totp),
                "used": await db.scalar(
                    select(func.count()).select_from(RecoveryCode).where(RecoveryCode.used_at.is_not(None))
                ),
                "told": await db.scalar(select(func.count()).select_from(OutboxMessage)),
                "step": await db.scalar(select(Staff.totp_last_step).where(Staff.id == staff_id)),
            }
    finally:
        await engine.dispose()


@pytest.mark.parametrize("backend", backends())
def test_fifty_at_once_with_one_code_let_one_in(backend, tmp_path):
    url = separate_database(backend, tmp_path, "groepsaanbod_code_race")
    upgrade(url)
    outcome = run_async(_race(url))
    assert outcome == {"recovery": 1, "totp": 1, "used": 1, "told": 1, "step": step_of(NOW)}
