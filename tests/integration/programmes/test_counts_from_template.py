"""Numbers in programme texts come from the template: CenteringPregnancy's page says as many
meetings as its template has (11: an intake and 10 group meetings), in every language with that
language's plural, and says fewer when the template has fewer."""

from __future__ import annotations

import pytest

from groepsaanbod.access.viewer import Viewer
from groepsaanbod.i18n.formatting import number
from groepsaanbod.i18n.languages import LANGUAGE_CODES
from groepsaanbod.i18n.translations import ngettext
from groepsaanbod.programmes.counts import PHRASES
from groepsaanbod.programmes.library import builtin_templates
from groepsaanbod.programmes.services import set_up as programmes
from groepsaanbod.programmes.templates import template_to_data
from tests.integration.i18n.marking import languages_of
from tests.integration.registration.helpers import published_programme


def phrase(language: str, key: str, n: int) -> str:
    return ngettext(language, *PHRASES[key], n, num=number(n, language))


def description_of(html: str, language: str) -> str:
    """The lead paragraph's text (the description) as the page shows it."""
    start = html.index('utrecht-paragraph--lead"')
    return html[html.index(">", start) + 1 : html.index("</p>", start)]


@pytest.mark.parametrize("language", LANGUAGE_CODES)
async def test_centering_pregnancy_states_the_templates_number_of_meetings(client, db, language):
    template = builtin_templates()["centering-pregnancy"]
    meetings = len(template.sessions)
    groups = sum(1 for s in template.sessions if s.kind == "group")
    assert (meetings, groups) == (11, 10)
    await published_programme(db, "centering-pregnancy", f"centering-{language}")
    page = await client.get(f"/{language}/programmes/centering-{language}")
    assert page.status_code == 200
    text = description_of(page.text, language)
    assert phrase(language, "meetings", meetings) in text
    assert phrase(language, "group_meetings", groups) in text
    assert "{" not in text
    for word in ("tien", "ten", "on kez", "عشر", "dziesięć", "diez", "toban"):
        assert word not in text.split(), word
    assert languages_of(page.text, text[:20])  # shown as text, in its language


async def test_the_number_changes_when_the_template_changes(client, db):
    data = template_to_data(builtin_templates()["centering-pregnancy"])
    # Leave out group meeting 9 (the last before birth): 10 meetings, 9 of them in the group.
    fewer = [s for i, s in enumerate(data["sessions"]) if i != 9]
    await published_programme(db, "centering-pregnancy", "centering-fewer", revision={"sessions": fewer})
    for language in ("nl", "en", "pl", "ar"):
        text = description_of((await client.get(f"/{language}/programmes/centering-fewer")).text, language)
        assert phrase(language, "meetings", 10) in text, text
        assert phrase(language, "group_meetings", 9) in text, text
        assert phrase(language, "group_meetings", 10) not in text
    # Polish and Arabic pick another plural form for 2 to 4 than for 5 and more: the words differ.
    assert phrase("pl", "group_meetings", 3).replace("3", "") != phrase("pl", "group_meetings", 9).replace("9", "")
    assert phrase("ar", "group_meetings", 3).replace("3", "") != phrase("ar", "group_meetings", 11).replace("11", "")


async def test_a_dutch_fallback_is_filled_with_dutch_words(client, db):
    org, pid = await published_programme(db, "triple-p-group", "triple-fallback", languages=("nl",))
    # A text written only in Dutch: the Turkish page shows it, with Dutch words for the numbers.
    editor = Viewer(staff_id=0, full_name="test", email="", roles={org.id: frozenset({"coordinator"})})
    await programmes.change_programme(
        db, editor, pid, programmes.ProgrammeChanges(description={"nl": "Er zijn {group_meetings} en {phone_calls}."})
    )
    text = description_of((await client.get("/tr/programmes/triple-fallback")).text, "tr")
    assert text == f"Er zijn {phrase('nl', 'group_meetings', 5)} en {phrase('nl', 'phone_calls', 3)}."
