"""What the commands share: one line of input checked, a use case run on the configured database,
and missing or malformed encryption keys explained."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import click
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod import bounds
from groepsaanbod.db import engine_for, make_session_factory
from groepsaanbod.i18n.translations import render_message
from groepsaanbod.protection.encryption import BadEncryptionKey, EncryptionKeysMissing, SecretUnreadable
from groepsaanbod.settings import Settings

T = TypeVar("T")


def one_line(limit: int) -> Callable[[click.Context, click.Parameter, str], str]:
    """A click callback: the value is one line of at most `limit` characters (bounds.line_problem)."""

    def check(_context: click.Context, _parameter: click.Parameter, value: str) -> str:
        message = bounds.line_problem(value, limit)
        if message is not None:
            raise click.BadParameter(render_message("en", message))
        return value.strip()

    return check


@contextmanager
def keys_explained() -> Iterator[None]:
    """Missing or malformed encryption keys end the command with what to set, not a traceback."""
    try:
        yield
    except (EncryptionKeysMissing, BadEncryptionKey, SecretUnreadable) as error:
        raise click.ClickException(str(error)) from error


def run(use_case: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run an async use case on the configured database."""

    async def runner() -> T:
        engine = engine_for(Settings.from_env())
        try:
            async with make_session_factory(engine)() as session:
                return await use_case(session)
        finally:
            await engine.dispose()

    return asyncio.run(runner())
