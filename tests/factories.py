"""Small builders for test data, going through the real services where there are any."""

from __future__ import annotations

import itertools
from datetime import datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from groepsaanbod.access.roles import SECOND_FACTOR_ROLES
from groepsaanbod.accounts.models import Staff
from groepsaanbod.accounts.services.staff import NewStaff, create_staff
from groepsaanbod.accounts.totp import code_at
from groepsaanbod.organisations.models import Organisation, Venue
from groepsaanbod.protection.encryption import KeyRing, key_ring
from groepsaanbod.settings import Settings
from tests.conftest import NOW

PASSWORD = "a long enough test password"
#: The second factor of test staff whose roles need one (stored encrypted, as the app keeps
#: it); codes are made for the tests' clock.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def app_keys() -> KeyRing:
    """The encryption keys of the test apps: development settings, so the key file under var/."""
    return key_ring(Settings())


def second_factor_code(staff: Staff, at: datetime = NOW) -> str:
    """The code the person's app shows at `at`, from the secret stored for them."""
    assert staff.totp_secret, f"{staff.email} has no second factor"
    return code_at(app_keys().decrypt(staff.totp_secret), at)


_numbers = itertools.count(1)


async def make_organisation(
    db: AsyncSession, name: str = "CJG Testdorp", city: str = "Testdorp", school_region: str | None = "noord"
) -> Organisation:
    n = next(_numbers)
    org = Organisation(slug=f"org-{n}", name=name, kind="cjg", city=city, school_region=school_region)
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
    if SECOND_FACTOR_ROLES & set(roles):
        _give_second_factor(staff)
    await db.commit()
    return staff


def _give_second_factor(staff: Staff) -> None:
    """Set up the test second factor for a person whose roles need one and who has none yet
    (made by a service, say a school-class import). The app shares the test's session, so
    the next request stores it."""
    staff.totp_secret = app_keys().encrypt(TOTP_SECRET)


async def sign_in(client: httpx.AsyncClient, staff: Staff, at: datetime = NOW) -> httpx.Response:
    """Through the API, with the second factor's code where the person has or needs one."""
    body = {"email": staff.email, "password": PASSWORD}
    if not staff.totp_secret:
        response = await client.post("/api/v1/auth/sign-in", json=body)
        if response.status_code == 200:
            return response
        _give_second_factor(staff)
    staff.totp_last_step = None  # a test may sign the same person in again at the same moment
    body["code"] = second_factor_code(staff, at)
    response = await client.post("/api/v1/auth/sign-in", json=body)
    assert response.status_code == 200, response.text
    return response


async def page_sign_in(
    client: httpx.AsyncClient, staff: Staff, language: str = "nl", *, next: str = "", at: datetime = NOW
) -> httpx.Response:
    """Through the sign-in page, then the second-factor page where the person has one; the last answer."""
    response = await client.post(
        f"/{language}/staff/sign-in", data={"email": staff.email, "password": PASSWORD, "next": next}
    )
    if response.status_code == 303 and "/staff/second-factor" in response.headers["location"]:
        if not staff.totp_secret:
            _give_second_factor(staff)
        staff.totp_last_step = None
        response = await client.post(
            f"/{language}/staff/second-factor", data={"code": second_factor_code(staff, at), "next": next}
        )
    return response
