"""Making API clients for tests, through the real use case (an admin of the organisation)."""

from __future__ import annotations

from datetime import date, timedelta

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.api_clients.services import create_api_client
from groepsaanbod.organisations.models import Organisation
from tests.conftest import NOW
from tests.factories import make_staff


async def make_token(db, organisation_id: int, *scopes: str, name: str = "Verloskundig systeem", days: int = 30) -> str:
    """A service token of `organisation_id` with these scopes, made by an admin."""
    org = await db.get(Organisation, organisation_id)
    person = await make_staff(db, org, "admin")
    admin = Viewer(
        staff_id=person.id, full_name=person.full_name, email=person.email, roles={org.id: frozenset({"admin"})}
    )
    expires: date = NOW.date() + timedelta(days=days)
    _, token = await create_api_client(db, admin, organisation_id, name, list(scopes), expires, NOW)
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
