from __future__ import annotations

from groepsaanbod.accounts.viewer import Viewer
from groepsaanbod.programmes import services as programmes
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
        await programmes.revise_template(db, editor, programme.id, revision, NOW)
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
