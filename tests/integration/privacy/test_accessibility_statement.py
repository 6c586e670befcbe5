"""The accessibility statement: public, in every language with its lang and dir, really
translated (no English sentence left on the Dutch page), and linked from every footer."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

import groepsaanbod
from groepsaanbod.i18n.formatting import long_date
from groepsaanbod.i18n.languages import LANGUAGE_CODES
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.privacy.accessibility import STATEMENT_DATE
from tests.factories import make_organisation

TEMPLATE = Path(groepsaanbod.__file__).parent / "templates" / "privacy" / "accessibility.html"
SENTENCES = [s for s in re.findall(r'_\("([^"]+)"', TEMPLATE.read_text()) if " " in s]


def page_text(body: str) -> str:
    """The visible text, tags dropped, entities read, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
async def test_the_statement_answers_in_every_language(client, db, lang):
    org = await make_organisation(db, name="CJG Toegankelijkdorp", city="Toegankelijkdorp")
    org.contact_email = "toegankelijk@cjg.example"
    await db.flush()
    answer = await client.get(f"/{lang}/accessibility")
    assert answer.status_code == 200
    assert f'lang="{lang}"' in answer.text.split(">", 2)[1]
    assert f'dir="{"rtl" if lang == "ar" else "ltr"}"' in answer.text.split(">", 2)[1]
    text = page_text(answer.text)
    assert gettext(lang, "Accessibility statement") in text
    assert "WCAG 2.1" in text
    assert "EN 301 549" in text
    # The statement's date, written the reader's way, and where to report a problem.
    assert gettext(lang, "This statement was made on %(date)s.", date=long_date(STATEMENT_DATE, lang)) in text
    assert "<bdi>CJG Toegankelijkdorp</bdi> (<bdi>Toegankelijkdorp</bdi>): <a" in answer.text
    assert 'href="mailto:toegankelijk@cjg.example"' in answer.text
    for sentence in (s for s in SENTENCES if "%(" not in s):
        assert gettext(lang, sentence) in text, sentence


def test_every_sentence_of_the_statement_is_found():
    """The check above reads the template's sentences: make sure it found them all."""
    assert len(SENTENCES) >= 20
    assert "We test in Chromium only, not in Firefox or Safari." in SENTENCES


async def test_the_dutch_statement_has_no_english_sentence(client):
    text = page_text((await client.get("/nl/accessibility")).text)
    left = [s for s in SENTENCES if s in text]
    assert not left, left
    assert "Toegankelijkheidsverklaring" in text


@pytest.mark.parametrize("lang", ["nl", "ar", "so"])
@pytest.mark.parametrize("path", ["/", "/privacy", "/accessibility", "/new-link", "/staff/sign-in"])
async def test_every_footer_links_to_the_statement(client, lang, path):
    answer = await client.get(f"/{lang}{path}")
    assert answer.status_code == 200
    footer = answer.text.split("<footer", 1)[1].split("</footer>", 1)[0]
    link = f'<a class="utrecht-link" href="/{lang}/accessibility">{gettext(lang, "Accessibility statement")}</a>'
    assert link in footer


async def test_the_statement_needs_no_sign_in_and_writes_nothing(client, db):
    """A public page: no session, no cookie needed; it only reads."""
    from sqlalchemy import func, select

    from groepsaanbod.audit.models import AuditEvent

    before = await db.scalar(select(func.count()).select_from(AuditEvent))
    answer = await client.get("/en/accessibility", headers={"Cookie": ""})
    assert answer.status_code == 200
    assert await db.scalar(select(func.count()).select_from(AuditEvent)) == before
