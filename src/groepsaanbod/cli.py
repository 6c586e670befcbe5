"""The `groepsaanbod` command: serve, db upgrade, demo load."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import click

from groepsaanbod import bounds
from groepsaanbod.access.roles import ROLES
from groepsaanbod.i18n.languages import LANGUAGE_CODES
from groepsaanbod.logs import configure_logging
from groepsaanbod.settings import Settings


def one_line(limit: int):
    """A click callback: the value is one line of at most `limit` characters (bounds.line_problem)."""

    def check(_context: click.Context, _parameter: click.Parameter, value: str) -> str:
        from groepsaanbod.i18n.translations import render_message

        message = bounds.line_problem(value, limit)
        if message is not None:
            raise click.BadParameter(render_message("en", message))
        return value.strip()

    return check


@click.group()
def main() -> None:
    """groepsaanbod: group programmes for parents, parents-to-be and young people."""
    configure_logging(logging.INFO, as_json=Settings.from_env().log_as_json)


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
def serve(host: str, port: int, workers: int | None, reload: bool) -> None:
    """Serve the web pages and the API with several processes, each on its own socket of the port
    (operations/processes.py: the kernel spreads connections; a process that dies is replaced)."""
    import os
    import tempfile
    from contextlib import nullcontext
    from pathlib import Path

    import uvicorn

    settings = Settings.from_env()
    from groepsaanbod.protection.encryption import key_ring

    with _keys_explained():
        key_ring(settings)  # outside development the keys are required: say so before starting
    processes = workers or settings.web_processes
    if not settings.secret_key and processes > 1:
        # One key for all processes of this serve (each would otherwise make its own); other
        # machines and replicas need the same key, so production sets it.
        import secrets

        os.environ["GROEPSAANBOD_SECRET_KEY"] = secrets.token_urlsafe(32)
        logging.getLogger(__name__).warning("GROEPSAANBOD_SECRET_KEY is not set: a key for this serve only")
    scratch = nullcontext(settings.metrics_dir) if settings.metrics_dir else tempfile.TemporaryDirectory()
    with scratch as metrics_dir:
        # Before prometheus_client is imported anywhere: the processes share their counters through these files.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
        from groepsaanbod.operations.metrics import prepare_multiprocess_dir

        prepare_multiprocess_dir(Path(metrics_dir))
        click.echo(f"groepsaanbod is running on http://{host}:{port}/ with {processes} process(es)  (stop with Ctrl+C)")
        if processes > 1 and not reload:
            from groepsaanbod.operations.processes import ServeOptions, Supervisor

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
    from groepsaanbod.migrate import upgrade

    with _keys_explained():
        upgrade(Settings.from_env().database_url, revision)
    click.echo("The database is up to date.")


@db.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Take the database schema back to REVISION ('base' removes everything)."""
    from groepsaanbod.migrate import downgrade

    with _keys_explained():
        downgrade(Settings.from_env().database_url, revision)


@contextmanager
def _keys_explained() -> Iterator[None]:
    """Missing or malformed encryption keys end the command with what to set, not a traceback."""
    from groepsaanbod.protection.encryption import BadEncryptionKey, EncryptionKeysMissing, SecretUnreadable

    try:
        yield
    except (EncryptionKeysMissing, BadEncryptionKey, SecretUnreadable) as error:
        raise click.ClickException(str(error)) from error


def _run(coroutine_function):
    """Run an async use case on the configured database."""
    from groepsaanbod.db import engine_for, make_session_factory

    async def runner():
        engine = engine_for(Settings.from_env())
        try:
            async with make_session_factory(engine)() as session:
                return await coroutine_function(session)
        finally:
            await engine.dispose()

    return asyncio.run(runner())


@main.group()
def organisation() -> None:
    """Providers (operators' tasks)."""


@organisation.command("add")
@click.option("--slug", required=True, help="Short name, e.g. cjg-sliedrecht.", callback=one_line(80))
@click.option("--name", required=True, callback=one_line(bounds.NAME))
@click.option(
    "--kind", required=True, type=click.Choice(["municipality", "cjg", "midwifery_practice", "school", "foundation"])
)
@click.option("--city", required=True, callback=one_line(bounds.PLACE))
def organisation_add(slug: str, name: str, kind: str, city: str) -> None:
    """Add an organisation."""
    from groepsaanbod.organisations.services import create_organisation

    try:
        org = _run(lambda s: create_organisation(s, slug, name=name, kind=kind, city=city))
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Organisation {org.name} added (id {org.id}).")


@main.group()
def staff() -> None:
    """Staff accounts (operators' tasks)."""


def _find_organisation(session, slug: str):
    from sqlalchemy import select

    from groepsaanbod.organisations.models import Organisation

    return session.scalar(select(Organisation).where(Organisation.slug == slug))


@staff.command("add")
@click.option("--email", required=True, callback=one_line(bounds.EMAIL))
@click.option("--name", "full_name", required=True, callback=one_line(bounds.NAME))
@click.option("--organisation", "organisation_slug", required=True, help="The organisation's slug.")
@click.option("--role", "roles", required=True, multiple=True, type=click.Choice(ROLES), help="Repeat for more.")
@click.option("--language", default="nl", type=click.Choice(LANGUAGE_CODES), show_default=True)
@click.password_option(help="Asked for when not given (8 to 64 characters).")
def staff_add(
    email: str, full_name: str, organisation_slug: str, roles: tuple[str, ...], language: str, password: str
) -> None:
    """Add a staff account with roles in one organisation."""
    from email_validator import EmailNotValidError, validate_email
    from sqlalchemy import select

    from groepsaanbod.accounts.models import Staff
    from groepsaanbod.accounts.services.staff import NewStaff, create_staff, normalise_email

    try:
        address = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise click.ClickException(f"not a valid email address: {error}") from error
    from groepsaanbod.accounts.common_passwords import common_passwords
    from groepsaanbod.accounts.password_policy import password_problems
    from groepsaanbod.i18n.translations import render_message

    async def add(session):
        org = await _find_organisation(session, organisation_slug)
        if org is None:
            raise click.ClickException(f"no organisation with slug {organisation_slug!r}")
        problems = password_problems(
            password, common_passwords(), (address, full_name), organisations=(org.name, org.slug)
        )
        if problems:
            raise click.ClickException(render_message("en", problems[0].message))
        if await session.scalar(select(Staff.id).where(Staff.email == normalise_email(address))):
            raise click.ClickException(f"{address} already has an account; use 'staff grant' to add roles")
        person = await create_staff(session, NewStaff(address, full_name, password, language), {org.id: list(roles)})
        await session.commit()
        return person

    person = _run(add)
    click.echo(f"Staff account {person.email} added with {', '.join(roles)}.")


@staff.command("grant")
@click.option("--email", required=True)
@click.option("--organisation", "organisation_slug", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
def staff_grant(email: str, organisation_slug: str, role: str) -> None:
    """Give an existing staff member a role in an organisation."""
    from sqlalchemy import select

    from groepsaanbod.accounts.models import Staff
    from groepsaanbod.accounts.services.staff import grant_role, normalise_email

    async def grant(session):
        org = await _find_organisation(session, organisation_slug)
        person = await session.scalar(select(Staff).where(Staff.email == normalise_email(email)))
        if org is None or person is None:
            raise click.ClickException("no such organisation or staff member")
        return await grant_role(session, person.id, org.id, role)

    added = _run(grant)
    click.echo(f"{email} now has the role {role}." if added else f"{email} already had the role {role}.")


@staff.command("disable")
@click.option("--email", required=True)
def staff_disable(email: str) -> None:
    """Disable a whole account (every organisation): no sign-in, its sessions and own calendar link end."""
    from datetime import UTC, datetime

    from groepsaanbod.membership.services import disable_account, find_account, sole_admin_of

    async def disable(session):
        person = await find_account(session, email)
        if person is None:
            raise click.ClickException(f"no staff member with the email address {email}")
        alone = [o.slug for o in await sole_admin_of(session, person.id)]
        await disable_account(session, person.id, datetime.now(UTC))
        return alone

    alone = _run(disable)
    click.echo(f"{email} is disabled everywhere; their sessions have ended.")
    if alone:
        click.echo(f"Warning: they were the only administrator of {', '.join(alone)}; add one with 'staff grant'.")


@staff.command("enable")
@click.option("--email", required=True)
def staff_enable(email: str) -> None:
    """Turn a disabled account back on (its roles are as they were)."""
    from groepsaanbod.membership.services import enable_account, find_account

    async def enable(session):
        person = await find_account(session, email)
        return person is not None and await enable_account(session, person.id)

    if not _run(enable):
        raise click.ClickException(f"no staff member with the email address {email}")
    click.echo(f"{email} can sign in again.")


@staff.command("reset-second-factor")
@click.option("--email", required=True)
def staff_reset_second_factor(email: str) -> None:
    """For a person who lost their authenticator app: they set it up again at the next sign-in."""
    from groepsaanbod.accounts.services.second_factor import reset_second_factor

    async def reset(session):
        return await reset_second_factor(session, email)

    if not _run(reset):
        raise click.ClickException(f"no staff member with the email address {email}")
    click.echo(f"{email} sets up the second factor again at the next sign-in; their sessions have ended.")


@main.group()
def keys() -> None:
    """Encryption keys of the secrets kept in the database (GROEPSAANBOD_ENCRYPTION_KEYS)."""


@keys.command("new")
def keys_new() -> None:
    """Print a new key. To rotate: put it in front of GROEPSAANBOD_ENCRYPTION_KEYS, restart,
    run `groepsaanbod keys rotate`, then drop the old key."""
    from groepsaanbod.protection.encryption import new_key

    click.echo(new_key())


@keys.command("rotate")
def keys_rotate() -> None:
    """Encrypt every stored secret with the first key of GROEPSAANBOD_ENCRYPTION_KEYS."""
    from groepsaanbod.accounts.services.second_factor import re_encrypt_secrets
    from groepsaanbod.protection.encryption import key_ring

    with _keys_explained():
        ring = key_ring(Settings.from_env())

        async def rotate(session):
            return await re_encrypt_secrets(session, ring)

        changed = _run(rotate)
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
def worker(once: bool, interval: float, concurrency: int, lease: float) -> None:
    """Deliver queued messages (email over SMTP, or the local dev mailbox) and other due work."""
    from datetime import UTC, datetime, timedelta

    from groepsaanbod.db import engine_for, make_session_factory
    from groepsaanbod.messaging.services.delivery import Channels, deliver_due_messages
    from groepsaanbod.privacy.services.housekeeping import run_housekeeping

    settings = Settings.from_env()

    async def rounds() -> None:
        engine = engine_for(settings)
        factory = make_session_factory(engine)
        try:
            while True:
                from groepsaanbod.reminders.services import plan_due_reminders

                await plan_due_reminders(factory, settings.base_url, lambda: datetime.now(UTC))
                await run_housekeeping(factory, settings, datetime.now(UTC))
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
                if once:
                    click.echo(f"sent {report.sent}, kept in the dev mailbox {report.kept}, failed {report.failed}")
                    return
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
    from groepsaanbod.demo import ORGANISATIONS, load_demo
    from groepsaanbod.progress import progress

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


if __name__ == "__main__":
    main()
