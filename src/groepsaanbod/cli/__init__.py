"""The `groepsaanbod` command: serve, db upgrade, demo load; the operators' tasks on providers and
staff accounts are in accounts.py, what the commands share in common.py."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import tempfile
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
import uvicorn

from groepsaanbod.accounts.services.second_factor import re_encrypt_secrets
from groepsaanbod.cli import accounts
from groepsaanbod.cli.beside import follow_address, worker_beside
from groepsaanbod.cli.common import keys_explained, run
from groepsaanbod.db import engine_for, make_session_factory
from groepsaanbod.demo import ORGANISATIONS, load_demo
from groepsaanbod.logs import configure_logging
from groepsaanbod.messaging.services.delivery import Channels, deliver_due_messages
from groepsaanbod.migrate import downgrade, upgrade
from groepsaanbod.operations.processes import ServeOptions, Supervisor
from groepsaanbod.privacy.services.housekeeping import run_housekeeping
from groepsaanbod.progress import progress
from groepsaanbod.protection.encryption import key_ring, new_key
from groepsaanbod.registration.services.registrations import PrivateLinks
from groepsaanbod.reminders.services import plan_due_reminders
from groepsaanbod.scheduling.services.dates_told import tell_new_members_dates
from groepsaanbod.scheduling.services.joining import run_open_groups
from groepsaanbod.scheduling.services.rota import keep_drop_ins
from groepsaanbod.settings import Settings
from groepsaanbod.webhooks.services.delivery import WebhookSending, deliver_due_webhooks
from groepsaanbod.webhooks.services.subscriptions import re_encrypt_webhook_secrets


@click.group()
def main() -> None:
    """groepsaanbod: group programmes for parents, parents-to-be and young people."""
    configure_logging(logging.INFO, as_json=Settings.from_env().log_as_json)


main.add_command(accounts.organisation)
main.add_command(accounts.staff)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(min=1),
    help="Processes serving requests [GROEPSAANBOD_WEB_PROCESSES].",
)
@click.option("--reload", is_flag=True, help="Restart when the code changes (development).")
@click.option(
    "--worker",
    "with_worker",
    is_flag=True,
    help="Also run `groepsaanbod worker` beside it (reminders and messages), stopped with it (dev.py serve).",
)
def serve(host: str, port: int, workers: int | None, reload: bool, with_worker: bool) -> None:
    """Serve the web pages and the API with several processes, each on its own socket of the port
    (operations/processes.py: the kernel spreads connections; a process that dies is replaced)."""
    follow_address(host, port)
    settings = Settings.from_env()
    with keys_explained():
        key_ring(settings)  # outside development the keys are required: say so before starting
    processes = workers or settings.web_processes
    if not settings.secret_key and processes > 1:
        # One key for all processes of this serve (each would otherwise make its own); other
        # machines and replicas need the same key, so production sets it.
        os.environ["GROEPSAANBOD_SECRET_KEY"] = secrets.token_urlsafe(32)
        logging.getLogger(__name__).warning("GROEPSAANBOD_SECRET_KEY is not set: a key for this serve only")
    scratch = nullcontext(settings.metrics_dir) if settings.metrics_dir else tempfile.TemporaryDirectory()
    with scratch as metrics_dir, worker_beside(with_worker):
        # Before prometheus_client is imported anywhere: the processes share their counters through these files.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
        # Imported here, not at the top: it imports prometheus_client, which reads the variable set above.
        from groepsaanbod.operations.metrics import prepare_multiprocess_dir

        prepare_multiprocess_dir(Path(metrics_dir))
        click.echo(f"groepsaanbod is running on http://{host}:{port}/ with {processes} process(es)  (stop with Ctrl+C)")
        if processes > 1 and not reload:
            options = ServeOptions(
                "groepsaanbod.app:serve_app",
                host,
                port,
                settings.log_as_json,
                trusted_proxies=settings.trusted_proxies,
            )
            raise SystemExit(Supervisor(options, processes).run())
        uvicorn.run(
            "groepsaanbod.app:serve_app",
            factory=True,
            host=host,
            port=port,
            reload=reload,
            proxy_headers=True,
            # Only the proxy's X-Forwarded-For, never a client's (its own address would be anything it likes).
            forwarded_allow_ips=settings.trusted_proxies,
            log_level="info",
            # Our own handler (JSON or text); uvicorn's access log stays off: raw paths carry feed tokens.
            log_config=None,
            access_log=False,
        )


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Bring the database schema up to date (or to REVISION)."""
    with keys_explained():
        upgrade(Settings.from_env().database_url, revision)
    click.echo("The database is up to date.")


@db.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Take the database schema back to REVISION ('base' removes everything)."""
    with keys_explained():
        downgrade(Settings.from_env().database_url, revision)


@main.group()
def keys() -> None:
    """Encryption keys of the secrets kept in the database (GROEPSAANBOD_ENCRYPTION_KEYS)."""


@keys.command("new")
def keys_new() -> None:
    """Print a new key. To rotate: put it in front of GROEPSAANBOD_ENCRYPTION_KEYS, restart,
    run `groepsaanbod keys rotate`, then drop the old key."""
    click.echo(new_key())


@keys.command("rotate")
def keys_rotate() -> None:
    """Encrypt every stored secret with the first key of GROEPSAANBOD_ENCRYPTION_KEYS."""
    with keys_explained():
        ring = key_ring(Settings.from_env())
        changed = run(lambda session: re_encrypt_secrets(session, ring))
        changed += run(lambda session: re_encrypt_webhook_secrets(session, ring))
    click.echo(f"{changed} secret(s) encrypted again with the first key; the other keys may now be dropped.")


@main.command()
@click.option("--once", is_flag=True, help="Deliver what is due now, then stop.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between rounds.")
@click.option("--concurrency", default=4, show_default=True, help="Messages sent side by side.")
@click.option(
    "--lease",
    default=60.0,
    show_default=True,
    help="Seconds a claimed batch stays this worker's; after a crash its unsent messages wait this long.",
)
@click.option("--parent", type=int, default=None, hidden=True, help="Stop when this process (serve) is gone.")
def worker(once: bool, interval: float, concurrency: int, lease: float, parent: int | None) -> None:
    """Deliver queued messages (email over SMTP, or the local dev mailbox) and other due work."""
    settings = Settings.from_env()
    with keys_explained():
        # Webhook secrets are encrypted: without keys (outside development) none can have been made.
        ring = key_ring(settings) if settings.encryption_keys or settings.development else None
    sending = WebhookSending(ring, settings.webhooks_to_private, timedelta(seconds=lease)) if ring else None

    async def rounds() -> None:
        engine = engine_for(settings)
        factory = make_session_factory(engine)
        try:
            while True:
                await plan_due_reminders(factory, settings.base_url, lambda: datetime.now(UTC))
                await keep_drop_ins(factory, datetime.now(UTC))
                await run_housekeeping(factory, settings, datetime.now(UTC))
                await run_open_groups(factory, datetime.now(UTC), settings.base_url)
                await tell_new_members_dates(factory, datetime.now(UTC), PrivateLinks.of(settings))
                report = await deliver_due_messages(
                    factory,
                    Channels(
                        settings.smtp_url, settings.mail_from, settings.sms_gateway_url, settings.sms_gateway_token
                    ),
                    lambda: datetime.now(UTC),
                    batch=None,
                    concurrency=concurrency,
                    lease=timedelta(seconds=lease),
                )
                if sending is not None:
                    await deliver_due_webhooks(factory, sending, lambda: datetime.now(UTC))
                if once:
                    click.echo(f"sent {report.sent}, kept in the dev mailbox {report.kept}, failed {report.failed}")
                    return
                if parent is not None and os.getppid() != parent:
                    return  # the serve it ran beside is gone (even killed): no worker is left behind
                await asyncio.sleep(interval)
        finally:
            await engine.dispose()

    asyncio.run(rounds())


@main.group()
def demo() -> None:
    """Demo data from the field."""


@demo.command("load")
def demo_load() -> None:
    """Load the demo organisations, programmes and staff (loading twice changes nothing)."""
    with progress("Loading demo data", total=len(ORGANISATIONS)) as advance:
        result = asyncio.run(load_demo(Settings.from_env(), on_organisation_done=advance))
    click.echo("Demo data loaded." if result.created else "Demo data was already there; nothing changed.")
    click.echo(f"Demo logins (password for all: {result.password}):")
    for login in result.logins:
        click.echo(f"  {login.role:<14} {login.email:<40} {login.organisation}")
    click.echo(
        "Roles that see personal data (all but volunteer and guest teacher) set up a second factor"
        " (an authenticator app) at their first sign-in."
    )
