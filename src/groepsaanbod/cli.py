"""The `groepsaanbod` command: serve, db upgrade, demo load."""

from __future__ import annotations

import asyncio
import logging

import click

from groepsaanbod.logs import configure_logging
from groepsaanbod.settings import Settings


@click.group()
def main() -> None:
    """groepsaanbod: group programmes for parents, parents-to-be and young people."""
    configure_logging(logging.INFO)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="Processes serving requests.")
@click.option("--reload", is_flag=True, help="Restart when the code changes (development).")
def serve(host: str, port: int, workers: int, reload: bool) -> None:
    """Serve the web pages and the API."""
    import uvicorn

    click.echo(f"groepsaanbod is running on http://{host}:{port}/  (stop with Ctrl+C)")
    uvicorn.run(
        "groepsaanbod.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        proxy_headers=True,
        log_level="info",
    )


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Bring the database schema up to date (or to REVISION)."""
    from groepsaanbod.migrate import upgrade

    upgrade(Settings.from_env().database_url, revision)
    click.echo("The database is up to date.")


@db.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Take the database schema back to REVISION ('base' removes everything)."""
    from groepsaanbod.migrate import downgrade

    downgrade(Settings.from_env().database_url, revision)


@main.group()
def demo() -> None:
    """Demo data from the field."""


@demo.command("load")
def demo_load() -> None:
    """Load the demo organisations, programmes and staff (loading twice changes nothing)."""
    from groepsaanbod.demo import load_demo

    result = asyncio.run(load_demo(Settings.from_env()))
    click.echo("Demo data loaded." if result.created else "Demo data was already there; nothing changed.")
    click.echo(f"Demo logins (password for all: {result.password}):")
    for login in result.logins:
        click.echo(f"  {login.role:<14} {login.email:<40} {login.organisation}")


if __name__ == "__main__":
    main()
