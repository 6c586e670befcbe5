"""WCAG 3.1.2: text shown in another language than the page's carries its `lang` and `dir`.
Programme texts and venue notes fall back to Dutch when the page's language has none; a staff
member's reason is in the language she typed it in. The pages are parsed, not searched."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.organisations.models import Venue
from groepsaanbod.programmes.services import set_up as programmes
from groepsaanbod.scheduling.models import SeriesPause, Session
from tests.integration.i18n.marking import languages_of
from tests.integration.scheduling.test_drop_in import MONDAY, kids_en_koffie

DESCRIPTION = "Een ochtend voor ouders met jonge kinderen, met koffie en spel."
AUDIENCE = "Voor ouders en verzorgers van kinderen tot 4 jaar."
ACCESS = "De ingang is aan de achterkant, zonder drempel."
REASON = "Kerstvakantie in het dorpshuis"
CANCELLED = "De zaal is dicht wegens lekkage"


async def _only_dutch(db, org_id: int, pid: int) -> None:
    """The programme's texts and the venue's access note exist in Dutch only."""
    editor = Viewer(staff_id=0, full_name="test", email="", roles={org_id: frozenset({"coordinator"})})
    await programmes.change_programme(
        db, editor, pid, programmes.ProgrammeChanges(description={"nl": DESCRIPTION}, audience={"nl": AUDIENCE})
    )
    venue = await db.scalar(select(Venue).where(Venue.organisation_id == org_id))
    venue.accessibility = {"nl": ACCESS}
    await db.flush()


def assert_marked(html: str, text: str, lang: str = "nl", direction: str = "ltr") -> None:
    places = languages_of(html, text)
    assert places, f"{text!r} is not on the page"
    for found in places:
        assert found[:2] == (lang, direction), (text, found)
        assert found[2] != "html", (text, found)


def assert_page_language(html: str, text: str, page: str) -> None:
    places = languages_of(html, text)
    assert places, f"{text!r} is not on the page"
    for found in places:
        assert found[2] == "html", (text, found)
        assert found[0] == page, (text, found)


@pytest.mark.parametrize(("page", "direction"), [("ar", "rtl"), ("tr", "ltr")])
async def test_dutch_programme_texts_and_venue_note_are_marked_dutch(client, db, page, direction):
    org, pid, _venue, _coordinator, _ = await kids_en_koffie(client, db)
    await _only_dutch(db, org.id, pid)
    shown = await client.get(f"/{page}/programmes/kk-test")
    assert shown.status_code == 200
    assert f'<html lang="{page}" dir="{direction}"' in shown.text
    for text in (DESCRIPTION, AUDIENCE, ACCESS):
        assert_marked(shown.text, text)
    # The name has a translation in every language: it is in the page's own.
    name = (await client.get(f"/api/v1/catalogue?lang={page}")).json()
    item = next(i for i in (name if isinstance(name, list) else name["items"]) if i["slug"] == "kk-test")
    assert_page_language(shown.text, item["name"], page)
    start = await client.get(f"/{page}/")
    assert_marked(start.text, AUDIENCE)


async def test_no_spurious_lang_when_the_text_is_in_the_pages_language(client, db):
    org, pid, _venue, _coordinator, _ = await kids_en_koffie(client, db)
    await _only_dutch(db, org.id, pid)
    shown = await client.get("/nl/programmes/kk-test")
    for text in (DESCRIPTION, AUDIENCE, ACCESS):
        assert_page_language(shown.text, text, "nl")
    # Arabic texts on the Arabic page: no mark either; the Dutch page marks them Arabic, rtl.
    editor = Viewer(staff_id=0, full_name="test", email="", roles={org.id: frozenset({"coordinator"})})
    arabic = "للآباء والأمهات مع أطفال صغار."
    await programmes.change_programme(
        db, editor, pid, programmes.ProgrammeChanges(audience={"nl": AUDIENCE, "ar": arabic})
    )
    assert_page_language((await client.get("/ar/programmes/kk-test")).text, arabic, "ar")
    assert_marked((await client.get("/tr/programmes/kk-test")).text, AUDIENCE)


async def test_a_coordinators_reason_is_marked_with_the_language_she_wrote_it_in(client, db):
    _org, pid, venue, _coordinator, _ = await kids_en_koffie(client, db)
    made = await client.post(
        f"/nl/staff/programmes/{pid}/series",
        data={
            "name": "Inloop",
            "weekday": "0",
            "start_time": "09:30",
            "starts_on": MONDAY.isoformat(),
            "ends_on": "2027-03-31",
            "venue_id": str(venue.id),
        },
    )
    assert made.status_code == 303, made.text
    series_path = made.headers["location"].split("?")[0]
    cohort_id = int(series_path.rsplit("/", 1)[1])
    paused = await client.post(
        series_path,
        data={"action": "pause", "pause_starts_on": "2026-12-21", "pause_ends_on": "2027-01-03", "reason": REASON},
    )
    assert paused.status_code == 303
    pause = await db.scalar(select(SeriesPause).where(SeriesPause.cohort_id == cohort_id))
    assert (pause.reason, pause.reason_language) == (REASON, "nl")
    # One meeting cancelled by the coordinator on the Dutch page, with a reason typed there.
    first = await db.scalar(
        select(Session).where(Session.cohort_id == cohort_id, Session.status == "planned").order_by(Session.starts_at)
    )
    cancelled = await client.post(
        f"/nl/staff/cohorts/{cohort_id}/sessions/{first.id}", data={"action": "cancel", "reason": CANCELLED}
    )
    assert cancelled.status_code == 303, cancelled.text
    await db.refresh(first)
    assert (first.status, first.cancel_reason, first.cancel_reason_language) == ("cancelled", CANCELLED, "nl")

    for page in ("ar", "tr"):
        shown = await client.get(f"/{page}{series_path[3:]}")
        assert shown.status_code == 200
        assert_marked(shown.text, REASON)
        assert_marked(shown.text, CANCELLED)
        schedule = await client.get(f"/{page}/staff/cohorts/{cohort_id}/schedule")
        assert schedule.status_code == 200
        assert_marked(schedule.text, CANCELLED)
    dutch = await client.get(series_path)
    assert_page_language(dutch.text, REASON, "nl")
    assert_page_language(dutch.text, CANCELLED, "nl")
