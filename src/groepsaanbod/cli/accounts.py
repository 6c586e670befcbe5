"""Operators' tasks on providers and staff accounts: `organisation add`, `staff add`, `grant`,
`disable`, `enable` and `reset-second-factor`."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod import bounds
from groepsaanbod.access.roles import ROLES
from groepsaanbod.accounts.common_passwords import common_passwords
from groepsaanbod.accounts.models import Staff
from groepsaanbod.accounts.password_policy import password_problems
from groepsaanbod.accounts.services.second_factor import reset_second_factor
from groepsaanbod.accounts.services.staff import NewStaff, create_staff, grant_role, normalise_email
from groepsaanbod.cli.common import one_line, run
from groepsaanbod.i18n.languages import LANGUAGE_CODES
from groepsaanbod.i18n.translations import render_message
from groepsaanbod.membership.services import disable_account, enable_account, find_account, sole_admin_of
from groepsaanbod.organisations.models import Organisation
from groepsaanbod.organisations.services import create_organisation


@click.group()
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
    try:
        org = run(lambda s: create_organisation(s, slug, name=name, kind=kind, city=city))
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Organisation {org.name} added (id {org.id}).")


@click.group()
def staff() -> None:
    """Staff accounts (operators' tasks)."""


async def _find_organisation(session: AsyncSession, slug: str) -> Organisation | None:
    return await session.scalar(select(Organisation).where(Organisation.slug == slug))


@staff.command("add")
@click.option("--email", required=True, callback=one_line(bounds.EMAIL))
@click.option("--name", "full_name", required=True, callback=one_line(bounds.NAME))
@click.option("--organisation", "organisation_slug", required=True, help="The organisation's slug.")
@click.option("--role", "roles", required=True, multiple=True, type=click.Choice(ROLES), help="Repeat for more.")
@click.option("--language", default="nl", type=click.Choice(LANGUAGE_CODES), show_default=True)
@click.password_option(help="Asked for when not given (8 to 64 characters).")
def staff_add(
    email: str, full_name: str, organisation_slug: str, roles: tuple[str, ...], *, language: str, password: str
) -> None:
    """Add a staff account with roles in one organisation."""
    try:
        address = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise click.ClickException(f"not a valid email address: {error}") from error

    async def add(session: AsyncSession) -> Staff:
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

    person = run(add)
    click.echo(f"Staff account {person.email} added with {', '.join(roles)}.")


@staff.command("grant")
@click.option("--email", required=True)
@click.option("--organisation", "organisation_slug", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
def staff_grant(email: str, organisation_slug: str, role: str) -> None:
    """Give an existing staff member a role in an organisation."""

    async def grant(session: AsyncSession) -> bool:
        org = await _find_organisation(session, organisation_slug)
        person = await session.scalar(select(Staff).where(Staff.email == normalise_email(email)))
        if org is None or person is None:
            raise click.ClickException("no such organisation or staff member")
        return await grant_role(session, person.id, org.id, role)

    added = run(grant)
    click.echo(f"{email} now has the role {role}." if added else f"{email} already had the role {role}.")


@staff.command("disable")
@click.option("--email", required=True)
def staff_disable(email: str) -> None:
    """Disable a whole account (every organisation): no sign-in, its sessions and own calendar link end."""

    async def disable(session: AsyncSession) -> list[str]:
        person = await find_account(session, email)
        if person is None:
            raise click.ClickException(f"no staff member with the email address {email}")
        alone = [o.slug for o in await sole_admin_of(session, person.id)]
        await disable_account(session, person.id, datetime.now(UTC))
        return alone

    alone = run(disable)
    click.echo(f"{email} is disabled everywhere; their sessions have ended.")
    if alone:
        click.echo(f"Warning: they were the only administrator of {', '.join(alone)}; add one with 'staff grant'.")


@staff.command("enable")
@click.option("--email", required=True)
def staff_enable(email: str) -> None:
    """Turn a disabled account back on (its roles are as they were)."""

    async def enable(session: AsyncSession) -> bool:
        person = await find_account(session, email)
        return person is not None and await enable_account(session, person.id)

    if not run(enable):
        raise click.ClickException(f"no staff member with the email address {email}")
    click.echo(f"{email} can sign in again.")


@staff.command("reset-second-factor")
@click.option("--email", required=True)
def staff_reset_second_factor(email: str) -> None:
    """For a person who lost their authenticator app: they set it up again at the next sign-in."""

    async def reset(session: AsyncSession) -> bool:
        return await reset_second_factor(session, email)

    if not run(reset):
        raise click.ClickException(f"no staff member with the email address {email}")
    click.echo(f"{email} sets up the second factor again at the next sign-in; their sessions have ended.")
