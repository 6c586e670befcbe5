"""JSON API of API clients: an organisation's admin, signed in as a person, lists, creates and revokes
them. A service token is refused on these routes (`tokens: False`): a token never makes tokens."""

from __future__ import annotations

from datetime import datetime

from litestar import get, post
from litestar.params import JSONBody

from groepsaanbod.access.requirements import needs_roles
from groepsaanbod.api_clients import services
from groepsaanbod.api_clients.models import ApiClient
from groepsaanbod.api_clients.schemas import ApiClientIn, ApiClientOut, NewApiClientOut
from groepsaanbod.web import Context

ADMINS_NO_TOKENS = {**needs_roles("admin"), "tokens": False}


def client_out(client: ApiClient, now: datetime) -> ApiClientOut:
    return ApiClientOut(
        id=client.id,
        organisation_id=client.organisation_id,
        name=client.name,
        scopes=list(client.scopes),
        expires_on=client.expires_on,
        created_at=client.created_at,
        status=services.shown_status(client, now),
        last_used_at=client.last_used_at,
        revoked_at=client.revoked_at,
    )


@get("/api/v1/organisations/{organisation_id:int}/api-clients", opt=ADMINS_NO_TOKENS, tags=["api clients"])
async def api_clients(ctx: Context, organisation_id: int) -> list[ApiClientOut]:
    """The organisation's API clients, newest first, with when each last called (admins)."""
    moment = ctx.now()
    return [client_out(c, moment) for c, _ in await services.list_api_clients(ctx.db, ctx.staff, organisation_id)]


@post(
    "/api/v1/organisations/{organisation_id:int}/api-clients",
    opt=ADMINS_NO_TOKENS,
    tags=["api clients"],
    status_code=201,
)
async def api_create_client(ctx: Context, organisation_id: int, data: JSONBody[ApiClientIn]) -> NewApiClientOut:
    """Make a client for another system. The answer holds its token, this once; 422 names each wrong field."""
    moment = ctx.now()
    client, token = await services.create_api_client(
        ctx.db, ctx.staff, organisation_id, data.name, data.scopes, data.expires_on, moment
    )
    return NewApiClientOut(client_out(client, moment), token)


@post("/api/v1/api-clients/{client_id:int}/revoke", opt=ADMINS_NO_TOKENS, tags=["api clients"], status_code=200)
async def api_revoke_client(ctx: Context, client_id: int) -> ApiClientOut:
    """End the client's token at once; its next call gets 401. Revoking again changes nothing."""
    moment = ctx.now()
    return client_out(await services.revoke_api_client(ctx.db, ctx.staff, client_id, moment), moment)


ROUTES = [api_clients, api_create_client, api_revoke_client]
