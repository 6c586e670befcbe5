"""Small builders for test data, going through the real services where there are any."""

from __future__ import annotations

import itertools

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.accounts.models import Staff
from groepsaanbod.accounts.services import NewStaff, create_staff
from groepsaanbod.accounts.totp import code_at
from groepsaanbod.organisations.models import Organisation, Venue
from tests.conftest import NOW

PASSWORD = "a long enough test password"
#: The second factor of test admins (admins must have one); codes are made for the tests' clock.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_numbers = itertools.count(1)


async def make_organisation(db: AsyncSession, name: str = "CJG Testdorp", city: str = "Testdorp") -> Organisation:
    n = next(_numbers)
    org = Organisation(slug=f"org-{n}", name=name, kind="cjg", city=city)
    db.add(org)
    await db.flush()
    return org


async def make_venue(db: AsyncSession, org: Organisation, name: str = "Buurthuis", city: str | None = None) -> Venue:
    venue = Venue(
        organisation_id=org.id,
        name=name,
        street="Dorpsstraat 1",
        postcode="1234 AB",
        city=city or org.city,
        capacity=20,
        accessibility={"nl": "Met lift."},
    )
    db.add(venue)
    await db.flush()
    return venue


async def make_staff(db: AsyncSession, org: Organisation | None, *roles: str, email: str | None = None) -> Staff:
    n = next(_numbers)
    staff = await create_staff(
        db,
        NewStaff(email or f"person{n}@example.org", f"Person {n}", PASSWORD),
        {org.id: list(roles)} if org else {},
    )
    if "admin" in roles:
        staff.totp_secret = TOTP_SECRET
    await db.commit()
    return staff


async def sign_in(client: httpx.AsyncClient, staff: Staff) -> httpx.Response:
    body = {"email": staff.email, "password": PASSWORD}
    if staff.totp_secret:
        staff.totp_last_step = None  # a test may sign the same person in again at the same moment
        body["code"] = code_at(staff.totp_secret, NOW)
    response = await client.post("/api/v1/auth/sign-in", json=body)
    assert response.status_code == 200, response.text
    return response
