"""Use cases of API clients: create_api_client, list_api_clients, revoke_api_client (an admin of the
organisation, signed in as a person), and for every API call with a token: find_token_client and
record_api_call.

A client acts through a service account: a staff row that is not active (it cannot sign in), has no
password and holds no roles rows, so it is on no team list, rota or picker, while every service that
records `viewer.staff_id` names the client. Its roles come from its scopes, in its one organisation.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.errors import NotPermitted
from groepsaanbod.access.viewer import Viewer
from groepsaanbod.accounts.models import Staff
from groepsaanbod.api_clients.errors import ApiClientNotFound, ClientRefused, TokenNotForUse
from groepsaanbod.api_clients.models import ApiClient
from groepsaanbod.api_clients.scopes import SCOPES, roles_for
from groepsaanbod.api_clients.tokens import client_problems, new_token, parse_token, secret_matches
from groepsaanbod.audit.services import DataUse, record_audit
from groepsaanbod.organisations.models import Organisation

log = logging.getLogger(__name__)

ADMIN = frozenset({"admin"})
#: The last-used time is written at most this often, so that many calls at once do not queue on one row.
TOUCH_EVERY = timedelta(minutes=1)
#: Service accounts' addresses: a reserved domain (RFC 2606) no mail reaches and no person has.
SERVICE_DOMAIN = "api-clients.invalid"
_NOT_A_WORD = re.compile(r"[^a-z0-9_]+")


@dataclass(frozen=True)
class TokenClient:
    """A valid token's client, as an API call needs it."""

    client_id: int
    name: str
    organisation_id: int
    staff_id: int
    email: str
    scopes: frozenset[str]
    last_used_at: datetime | None

    def viewer(self) -> Viewer:
        return Viewer(
            staff_id=self.staff_id,
            full_name=self.name,
            email=self.email,
            roles={self.organisation_id: roles_for(self.scopes)},
        )


async def _refuse_service_accounts(session: AsyncSession, viewer: Viewer) -> None:
    """A token never makes or ends tokens, whatever route it came by."""
    if await session.scalar(select(ApiClient.id).where(ApiClient.staff_id == viewer.staff_id)) is not None:
        raise TokenNotForUse()


def _admin_of(viewer: Viewer, organisation_id: int) -> None:
    if organisation_id not in viewer.organisations_with(ADMIN):
        raise NotPermitted()


async def create_api_client(
    session: AsyncSession,
    viewer: Viewer,
    organisation_id: int,
    name: str,
    scopes: Sequence[str],
    expires_on: date | None,
    now: datetime,
) -> tuple[ApiClient, str]:
    """A new client with its token; the token is returned this once and never stored."""
    _admin_of(viewer, organisation_id)
    await _refuse_service_accounts(session, viewer)
    problems = client_problems(name, scopes, expires_on, now.date())
    if problems or expires_on is None:
        raise ClientRefused(problems)
    name = name.strip()
    chosen = [scope for scope in SCOPES if scope in set(scopes)]
    made = new_token()
    account = Staff(
        email=f"client-{made.public_id}@{SERVICE_DOMAIN}",
        full_name=f"{name} (API)",
        password_hash="!",  # no password: an unusable value, and the account is not active either
        active=False,
    )
    session.add(account)
    await session.flush()
    client = ApiClient(
        public_id=made.public_id,
        organisation_id=organisation_id,
        staff_id=account.id,
        name=name,
        scopes=chosen,
        secret_hash=made.secret_hash,
        created_at=now,
        created_by_id=viewer.staff_id,
        expires_on=expires_on,
    )
    session.add(client)
    await session.flush()
    record_audit(
        session,
        now,
        DataUse("change", "api_client_created", ("scopes",)),
        [None],
        actor_staff_id=viewer.staff_id,
        organisation_id=organisation_id,
    )
    await session.commit()
    log.info("api client created", extra={"api_client_id": client.id, "organisation_id": organisation_id})
    return client, made.token


async def list_api_clients(
    session: AsyncSession, viewer: Viewer, organisation_id: int | None = None
) -> list[tuple[ApiClient, str]]:
    """The clients of the admin's organisations (or of one of them) with the organisation's name, newest first."""
    orgs = viewer.organisations_with(ADMIN)
    if not orgs or (organisation_id is not None and organisation_id not in orgs):
        raise NotPermitted()
    if organisation_id is not None:
        orgs = frozenset({organisation_id})
    rows = await session.execute(
        select(ApiClient, Organisation.name)
        .join(Organisation, Organisation.id == ApiClient.organisation_id)
        .where(ApiClient.organisation_id.in_(orgs))
        .order_by(ApiClient.created_at.desc(), ApiClient.id.desc())
    )
    return [(client, org_name) for client, org_name in rows.tuples()]


async def revoke_api_client(session: AsyncSession, viewer: Viewer, client_id: int, now: datetime) -> ApiClient:
    """End the client's token at once (its next call is refused). Revoking twice changes nothing."""
    await _refuse_service_accounts(session, viewer)
    client = await session.get(ApiClient, client_id, with_for_update=True)
    if client is None or client.organisation_id not in viewer.organisations_with(ADMIN):
        raise ApiClientNotFound()
    if client.revoked_at is None:
        client.revoked_at, client.revoked_by_id = now, viewer.staff_id
        record_audit(
            session,
            now,
            DataUse("change", "api_client_revoked", ("scopes",)),
            [None],
            actor_staff_id=viewer.staff_id,
            organisation_id=client.organisation_id,
        )
        log.info("api client revoked", extra={"api_client_id": client.id})
    await session.commit()
    return client


def shown_status(client: ApiClient, now: datetime) -> str:
    if client.revoked_at is not None:
        return "revoked"
    return "expired" if client.expires_on < now.date() else "active"


async def find_token_client(session: AsyncSession, token: str, now: datetime) -> TokenClient | None:
    """The client of a valid token: well formed, known, the secret right, not revoked, not expired."""
    parts = parse_token(token)
    if parts is None:
        return None
    public_id, secret = parts
    row = (
        await session.execute(
            select(ApiClient, Staff.email)
            .join(Staff, Staff.id == ApiClient.staff_id)
            .where(ApiClient.public_id == public_id)
            .execution_options(populate_existing=True)
        )
    ).first()
    if row is None:
        return None
    client, email = row[0], row[1]
    if (
        not secret_matches(secret, client.secret_hash)
        or client.revoked_at is not None
        or client.expires_on < now.date()
    ):
        log.info("service token refused", extra={"api_client_id": client.id})
        return None
    scopes = frozenset(client.scopes) & frozenset(SCOPES)
    return TokenClient(
        client.id, client.name, client.organisation_id, client.staff_id, email, scopes, client.last_used_at
    )


def audit_subject(route_name: str) -> str:
    """The route as the audit record names it: its handler's name, in lower-case words."""
    subject = _NOT_A_WORD.sub("_", route_name.lower()).strip("_")[:60]
    return subject if subject and subject[0].isalpha() else "api_route"


async def record_api_call(session: AsyncSession, client: TokenClient, route_name: str, now: datetime) -> None:
    """One audit event per call (the route, never a value) and the client's last-used time, committed
    before the handler runs: a call that then fails is still on the record."""
    record_audit(
        session,
        now,
        DataUse("api_call", audit_subject(route_name), ()),
        [None],
        actor_staff_id=client.staff_id,
        organisation_id=client.organisation_id,
    )
    if client.last_used_at is None or now - client.last_used_at >= TOUCH_EVERY:
        # Only when due, and as one UPDATE: no row is loaded, and calls in between wait for nothing.
        await session.execute(
            update(ApiClient)
            .where(ApiClient.id == client.client_id)
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
    await session.commit()


async def admin_organisations(session: AsyncSession, viewer: Viewer) -> list[Organisation]:
    """The organisations a client can be made for: those where the person is an admin."""
    orgs = viewer.organisations_with(ADMIN)
    return list(
        await session.scalars(select(Organisation).where(Organisation.id.in_(orgs)).order_by(Organisation.name))
    )
