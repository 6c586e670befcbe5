from __future__ import annotations

import re

from sqlalchemy import select

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.messaging.models import OutboxMessage
from groepsaanbod.programmes.services import set_up as programmes
from groepsaanbod.registration.eligibility import normalise_phone
from groepsaanbod.registration.services.registrations import find_registration
from tests.conftest import NOW
from tests.factories import make_organisation, make_venue


async def published_programme(
    db,
    template_key: str,
    slug: str,
    languages=("nl", "tr", "ar", "pl", "es", "so", "en"),
    city: str = "Eindhoven",
    revision: dict | None = None,
):
    """A published programme of a fresh organisation with one venue."""
    org = await make_organisation(db, "Stichting Test", city)
    venue = await make_venue(db, org, "Buurthuis", city)
    editor = Viewer(staff_id=0, full_name="test", email="", roles={org.id: frozenset({"coordinator"})})
    programme = await programmes.create_programme(
        db, editor, programmes.NewProgramme(org.id, template_key, slug, list(languages)), NOW
    )
    await programmes.change_programme(db, editor, programme.id, programmes.ProgrammeChanges(venue_ids=[venue.id]))
    if revision:
        await programmes.revise_template(db, editor, programme.id, revision, now=NOW)
    await programmes.publish_programme(db, editor, programme.id, NOW)
    return org, programme.id


def person(n: int, **extra) -> dict:
    return {
        "full_name": f"Ouder {n}",
        "email": f"ouder{n}@example.org",
        "language": "nl",
        "place": "Eindhoven",
        "consent": True,
        **extra,
    }


#: A private link in a message: the address up to the token.
PRIVATE_LINK = re.compile(r"\S+/my/([A-Za-z0-9_-]{20,})")


async def told(db, contact: str) -> dict:
    """What the latest message to `contact` told the person: their private link, and what their
    private page shows (the sign-up's answer is the same for everyone, so tests learn it here)."""
    message = await db.scalar(
        select(OutboxMessage).where(OutboxMessage.to_address == contact).order_by(OutboxMessage.id.desc()).limit(1)
    )
    assert message is not None, f"no message to {contact}"
    found = PRIVATE_LINK.search(message.body_text)
    assert found, message.body_text
    registration = await find_registration(db, found.group(1))
    return {
        "token": found.group(1),
        "link": found.group(0),
        "registration_id": registration.id,
        "status": registration.status,
        "waitlist_position": registration.waitlist_position,
        "kind": message.kind,
    }


async def sign_up(client, db, slug: str, body: dict, **request) -> dict:
    """Sign up through the API, as a person would, and read what the message told them."""
    response = await client.post(f"/api/v1/catalogue/{slug}/registrations", json=body, **request)
    assert response.status_code == 202, response.text
    contact = body.get("email") or normalise_phone(body["phone"])
    return await told(db, contact.strip().lower())
