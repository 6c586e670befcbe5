"""The limits on signing up: counted_sign_up, and which limits a sign-up pays for.

From one network address: every attempt counts against a large bound (`tries`), but only a
sign-up that was taken uses up the address's registrations (`sign_ups`): a refused form (a
typo, a missing date) is given back, so one office's or one family's wifi does not run out
because people made mistakes. A flood of valid sign-ups still stops at the limit, also when
they come all at once (the hit is counted before the sign-up, see protection/rate_limits.take).

A signed-in staff member signing people up on their behalf does not use the address's limits
(a desk signs up many people from one office); a generous limit per staff account stays,
against a stolen session.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.protection.rate_limits import Limit, give_back, take
from groepsaanbod.registration.errors import RegistrationRefused
from groepsaanbod.settings import Settings

T = TypeVar("T")
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class SignUpLimits:
    #: Every attempt, refused ones too; None: not bounded apart from `sign_ups`.
    tries: Limit | None
    #: Sign-ups taken (a refused attempt is given back).
    sign_ups: Limit


def address_limits(settings: Settings) -> SignUpLimits:
    """A person signing herself up, counted per network address."""
    tries = max(settings.rate_limit_register_tries, settings.rate_limit_register)
    return SignUpLimits(Limit("register-tries", tries, HOUR), Limit("register", settings.rate_limit_register, HOUR))


def staff_limits(settings: Settings) -> SignUpLimits:
    """A staff member signing people up on their behalf, counted per staff account."""
    return SignUpLimits(None, Limit("assisted-sign-up", settings.rate_limit_assisted_sign_up, HOUR))


async def counted_sign_up(
    session: AsyncSession,
    limits: SignUpLimits,
    subject: str,
    now: datetime,
    attempt: Callable[[], Awaitable[T]],
) -> T:
    """Count the attempt (refused with TooManyAttempts, 429, when one too many), make it, and give
    the sign-up's hit back when the form was refused: what it wrote is rolled back first."""
    if limits.tries is not None:
        await take(session, limits.tries, subject, now)
    await take(session, limits.sign_ups, subject, now)
    try:
        return await attempt()
    except RegistrationRefused:
        await session.rollback()
        await give_back(session, limits.sign_ups, subject, now)
        await session.commit()
        raise
