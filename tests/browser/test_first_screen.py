"""What a first visitor sees on a 360 x 640 phone: the languages on one line, the first programme
above the fold, headings that break between words, and a place chooser that looks like one."""

from __future__ import annotations

import pytest

from groepsaanbod.i18n.languages import LANGUAGE_CODES

pytestmark = pytest.mark.browser

# How many lines a word's letters fall on (a word broken inside falls on two).
WORD_LINES = """(word) => {
  const found = [];
  const walker = document.createTreeWalker(document.querySelector('h1'), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, at = node.data.indexOf(word);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + word.length);
    found.push(new Set([...range.getClientRects()].map(r => Math.round(r.top))).size);
  }
  return found;
}"""
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def small_phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 640})
    page = context.new_page()
    yield page
    context.close()


def test_languages_on_one_line_and_the_first_programme_above_the_fold(server, small_phone):
    page = small_phone
    for lang in LANGUAGE_CODES:
        page.goto(f"{server}/{lang}/")
        links = page.locator(".site-language-list a")
        assert links.count() == len(LANGUAGE_CODES)
        tops = {round(box["y"]) for box in (links.nth(i).bounding_box() for i in range(links.count()))}
        assert len(tops) == 1, f"/{lang}/: the languages fall on {len(tops)} lines"
        for i in range(links.count()):
            code = links.nth(i).get_attribute("lang")
            assert code in LANGUAGE_CODES
            assert links.nth(i).get_attribute("hreflang") == code
        heading = page.locator(".programme-card h3").first.bounding_box()
        assert heading["y"] < 640, f"/{lang}/: the first programme starts at {heading['y']:.0f}px"
        assert page.evaluate(OVERFLOW) <= 0, f"/{lang}/ scrolls sideways"


def test_every_language_is_reachable_by_keyboard_in_the_row(server, small_phone):
    page = small_phone
    for lang in ("nl", "ar"):
        page.goto(f"{server}/{lang}/")
        last = page.locator(".site-language-list a").last
        # Tab from the skip link until the last language has focus; the row scrolls it into view.
        for _ in range(12):
            page.keyboard.press("Tab")
            if page.evaluate(
                "document.activeElement === document.querySelector('.site-language-list li:last-child a')"
            ):
                break
        else:
            pytest.fail(f"/{lang}/: the last language is not reachable by Tab")
        box = last.bounding_box()
        assert box["x"] >= 0, f"/{lang}/: the focused language is off screen"
        assert box["x"] + box["width"] <= 360, f"/{lang}/: the focused language is off screen"


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_a_heading_breaks_between_words_only(server, small_phone, lang):
    page = small_phone
    page.goto(f"{server}/{lang}/programmes/centering-pregnancy-huizen")
    assert page.evaluate(WORD_LINES, "CenteringPregnancy") == [1]
    # A string longer than the line still breaks rather than widening the page.
    page.evaluate("document.querySelector('h1').textContent = 'x'.repeat(80)")
    assert page.evaluate(OVERFLOW) <= 0


def test_the_place_chooser_has_a_drop_down_arrow_on_the_reading_end(server, small_phone):
    page = small_phone
    style = """(() => { const s = getComputedStyle(document.querySelector('#place'));
        return [s.backgroundImage, s.backgroundPosition, s.appearance]; })()"""
    page.goto(f"{server}/nl/")
    image, position, appearance = page.evaluate(style)
    assert image.count("linear-gradient") == 2
    assert "100%" in position
    assert appearance == "none"
    page.goto(f"{server}/ar/")
    image, position, _ = page.evaluate(style)
    assert image.count("linear-gradient") == 2
    assert "100%" not in position
    page.emulate_media(forced_colors="active")
    image, _, appearance = page.evaluate(style)
    assert image == "none"
    assert appearance != "none"
