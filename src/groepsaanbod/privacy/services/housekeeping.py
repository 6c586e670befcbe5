"""Due work of the worker besides messages: erase personal data after the retention
time, forget old rate-limit counters and further private links that expired or are too
many. Safe to run often and in several workers."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from groepsaanbod.privacy.services.rights import erase_expired_participants
from groepsaanbod.protection.rate_limits import forget_old_counters
from groepsaanbod.registration.services.known_person import forget_old_links
from groepsaanbod.settings import Settings

log = logging.getLogger(__name__)

#: How often a worker looks (a process remembers when it last did).
EVERY = timedelta(hours=1)
_last_run: dict[str, datetime] = {}


async def run_housekeeping(
    factory: async_sessionmaker[AsyncSession], settings: Settings, now: datetime, *, force: bool = False
) -> int:
    """Erase what is due; the number of participants erased."""
    last = _last_run.get("housekeeping")
    if not force and last is not None and now - last < EVERY:
        return 0
    _last_run["housekeeping"] = now
    async with factory() as session:
        erased = await erase_expired_participants(session, now, settings.retention_months, settings.waiting_months)
        await forget_old_counters(session, now)
        await forget_old_links(session, now)
        await session.commit()
    return erased
