"""What axe cannot see, in a real browser, on the participants' pages in Dutch and Arabic:
text at 200 % zoom and with WCAG 1.4.12 text spacing neither overlaps nor is cut off, nothing
scrolls sideways at 320 px (1.4.10), the sign-up works with the keyboard alone, and whatever
the Tab key reaches shows a focus frame and is not hidden behind something (2.4.7)."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from groepsaanbod.i18n.translations import gettext
from groepsaanbod.registration.errors import CHECK_YOUR_MESSAGES

pytestmark = pytest.mark.browser

LANGUAGES = ("nl", "ar")
PAGES = (
    "/",
    "/programmes/triple-p-eindhoven",
    "/programmes/kids-en-koffie-sliedrecht",
    "/programmes/kids-en-koffie-sliedrecht/register",
    "/privacy",
    "/accessibility",
)
OWN_PAGE = "own page"  # a participant's page by private link (made once, below)

#: WCAG 1.4.12's text spacing, as the usual bookmarklet sets it: every element, overriding the site.
TEXT_SPACING = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-block-end: 2em !important; }
"""
#: Text-only zoom (the browser's font size setting): every size is in rem, so all text doubles.
TEXT_200 = "html { font-size: 200% !important; }"

#: The ways to look at a page: (viewport, device scale, injected style).
WAYS = {
    # A 1280 px wide screen zoomed to 200 % lays out as 640 CSS px.
    "zoom 200%": ({"width": 640, "height": 360}, 2, None),
    # A desktop with the browser's text size doubled (1.4.4 resize text).
    "text 200%": ({"width": 1280, "height": 720}, 1, TEXT_200),
    # WCAG 1.4.12 on a phone, where lines are shortest.
    "text spacing": ({"width": 360, "height": 740}, 2, TEXT_SPACING),
    # 1.4.10 reflow: 1280 px at 400 % is 320 CSS px.
    "320 px": ({"width": 320, "height": 256}, 4, None),
}

LAYOUT_PROBLEMS = """
() => {
  const problems = [];
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const hides = (v) => v === 'hidden' || v === 'clip';
  const scrolls = (v) => v === 'auto' || v === 'scroll';
  // Hidden on purpose (visually hidden text, the skip link until it has focus): not checked.
  const hiddenOnPurpose = (el) => {
    for (let e = el; e && e !== document.documentElement; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.clipPath !== 'none' || s.clip !== 'auto' || s.visibility === 'hidden' || s.opacity === '0') return true;
      const r = e.getBoundingClientRect();
      if (s.position === 'absolute' && (r.width <= 1 || r.height <= 1 || r.right < 0 || r.bottom < 0)) return true;
    }
    return false;
  };
  const insideScrollBox = (el) => {
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (scrolls(s.overflowX) || scrolls(s.overflowY)) return true;
    }
    return false;
  };
  // 1. Text in a box that hides what does not fit, and something does not fit.
  for (const el of document.body.querySelectorAll('*')) {
    const s = getComputedStyle(el);
    if (!(hides(s.overflowX) || hides(s.overflowY)) || !el.textContent.trim() || hiddenOnPurpose(el)) continue;
    if ((hides(s.overflowX) && el.scrollWidth > el.clientWidth + 1)
        || (hides(s.overflowY) && el.scrollHeight > el.clientHeight + 1)) {
      const sizes = `${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight}`;
      problems.push(`cut off: ${name(el)} holds ${sizes}: "${el.textContent.trim().slice(0, 40)}"`);
    }
  }
  // 2. Every line of text, as the browser laid it out.
  const lines = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n = 0;
  while (walker.nextNode()) {
    const node = walker.currentNode;
    n += 1;
    const el = node.parentElement;
    if (!node.data.trim() || el.closest('script, style, noscript, option') || hiddenOnPurpose(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width < 2 || r.height < 2) continue;
      lines.push({r, node: n, el, text: node.data.trim().slice(0, 30)});
      // Text past the screen's edge is cut off, unless its own box scrolls (a wide table).
      if ((r.right > innerWidth + 1 || r.left < -1) && !insideScrollBox(el)) {
        const where = `${Math.round(r.left)}..${Math.round(r.right)} of ${innerWidth}`;
        problems.push(`off the screen: "${node.data.trim().slice(0, 30)}" at ${where}`);
      }
    }
  }
  // 3. No line of text over another: overlapping by more than a glyph's edge (fonts' ascent and
  //    descent may reach into a tight line above by a few pixels; real overlap is far more).
  for (let i = 0; i < lines.length; i++) {
    for (let j = i + 1; j < lines.length; j++) {
      const a = lines[i], b = lines[j];
      if (a.node === b.node) continue;
      const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (w > 2 && h > 0.25 * Math.min(a.r.height, b.r.height)) {
        problems.push(`overlap: "${a.text}" (${name(a.el)}) and "${b.text}" (${name(b.el)})`);
      }
    }
  }
  const sideways = document.documentElement.scrollWidth - document.documentElement.clientWidth;
  if (sideways > 0) problems.push(`the page scrolls sideways by ${sideways}px`);
  return {problems, lines: lines.length};
}
"""


def layout_problems(page) -> list[str]:
    found = page.evaluate(LAYOUT_PROBLEMS)
    assert found["lines"] >= 10, found  # it looked at the page's text, not at nothing
    return found["problems"]


FOCUSED = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  // A link may wrap over two lines: its middle can be between them, so try the middle of each line box.
  const boxes = el.getClientRects().length ? Array.from(el.getClientRects()) : [r];
  const mine = (hit) => !!hit && (hit === el || el.contains(hit)
    || (hit.closest('label') !== null && hit.closest('label').control === el));
  let hit = null;
  for (const b of boxes) {
    const x = Math.min(Math.max(b.left + b.width / 2, 0), innerWidth - 1);
    const y = Math.min(Math.max(b.top + b.height / 2, 0), innerHeight - 1);
    hit = document.elementFromPoint(x, y);
    if (mine(hit)) break;
  }
  const transparent = /rgba\\(.*,\\s*0\\)$|transparent/.test(s.outlineColor);
  return {
    what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + ' "' + (el.textContent || el.value || '').trim().slice(0, 30) + '"',
    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && !transparent,
    shadow: s.boxShadow !== 'none' && s.boxShadow !== '',
    inView: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth,
    onTop: mine(hit),
    hit: hit ? hit.tagName.toLowerCase() + (hit.className ? '.' + String(hit.className).split(' ')[0] : '') : null,
  };
}
"""


def new_page(browser, viewport: dict | None = None, scale: float = 2):
    """A page whose test styles may be injected: a reader's own style sheet (text spacing, text size)
    is not the site's, so the site's Content-Security-Policy does not stop it in a real browser either."""
    context = browser.new_context(
        viewport=viewport or {"width": 360, "height": 740}, device_scale_factor=scale, bypass_csp=True
    )
    return context.new_page()


@pytest.fixture
def screen(browser):
    """A 360 px phone screen (as the `phone` fixture) that takes injected styles."""
    page = new_page(browser)
    yield page
    page.context.close()


def signed_up(browser, server: str, link_sent_to, contact: str) -> str:
    """A participant's private token: signed up once through the form (the quick way, by mouse)."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server}/nl/programmes/kids-en-koffie-sliedrecht/register")
    page.fill("#full_name", "Yasmina Beyond")
    page.fill("#child_birth_date", "2024-06-01")
    page.fill("#email", contact)
    page.check("#consent-yes")
    page.click("form button[type=submit]")
    page.wait_for_url("**/register/sent")
    context.close()
    return link_sent_to(contact).rsplit("/my/", 1)[1]


@pytest.fixture(scope="module")
def own_token(browser, server, link_sent_to) -> str:
    return signed_up(browser, server, link_sent_to, "beyond-axe-own@example.org")


def page_url(server: str, lang: str, path: str, token: str) -> str:
    return f"{server}/{lang}/my/{token}" if path == OWN_PAGE else f"{server}/{lang}{path}"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("way", list(WAYS))
def test_text_neither_overlaps_nor_is_cut_off(browser, server, own_token, lang, way):
    viewport, scale, style = WAYS[way]
    page = new_page(browser, viewport, scale)
    found = {}
    try:
        for path in (*PAGES, OWN_PAGE):
            page.goto(page_url(server, lang, path, own_token))
            assert page.locator("h1").count() == 1, path
            before = page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
            if style:
                page.add_style_tag(content=style)
            if style == TEXT_200:  # the style really doubled the text (else this test proves nothing)
                after = page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
                assert after >= 1.95 * before, (path, before, after)
            if style == TEXT_SPACING:
                spacing = page.evaluate(
                    "(() => { const s = getComputedStyle(document.querySelector('main p'));"
                    " return [s.letterSpacing, s.wordSpacing, s.lineHeight, s.fontSize]; })()"
                )
                assert spacing[1] not in ("normal", "0px"), (path, spacing)
                # Arabic is joined script: it is not letter-spaced (the Utrecht components keep it at 0,
                # and 1.4.12 asks only for the properties a script uses).
                assert (spacing[0] in ("normal", "0px")) == (lang == "ar"), (path, spacing)
            problems = layout_problems(page)
            if problems:
                found[path] = problems
    finally:
        page.context.close()
    assert not found, f"/{lang} with {way}:\n" + json.dumps(found, indent=1, ensure_ascii=False)


def test_the_layout_check_finds_overlap_and_cut_off_text(browser, server):
    """The check itself can fail: text set on top of other text, and text in a too small box."""
    page = new_page(browser)
    page.goto(f"{server}/nl/privacy")
    assert layout_problems(page) == []
    page.add_style_tag(content="h1 { margin-block-end: -3em !important; }")
    assert any(p.startswith("overlap:") for p in layout_problems(page))
    page.goto(f"{server}/nl/privacy")
    page.add_style_tag(content=".utrecht-paragraph--lead { overflow: hidden; block-size: 1em; }")
    assert any(p.startswith("cut off:") for p in layout_problems(page))
    page.goto(f"{server}/nl/privacy")
    # Large enough that the heading cannot fit a phone on one line, whatever size the site gives it.
    page.add_style_tag(content="h1 { white-space: nowrap; font-size: 3rem !important; }")
    problems = layout_problems(page)
    assert any(p.startswith("off the screen:") for p in problems)
    assert any("sideways" in p for p in problems)
    page.context.close()


def focused(page) -> dict | None:
    return page.evaluate(FOCUSED)


def tab_through(page, where: str) -> list[dict]:
    """Every stop of the Tab key on the page, in order, until focus leaves the page."""
    stops: list[dict] = []
    seen: set[str] = set()
    for _ in range(200):
        page.keyboard.press("Tab")
        stop = focused(page)
        if stop is None:
            return stops
        key = page.evaluate("(() => { const e = document.activeElement; return e.outerHTML.slice(0, 200) + e.id; })()")
        if key in seen:
            return stops
        seen.add(key)
        stops.append(stop)
    pytest.fail(f"{where}: more than 200 Tab stops")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_focus_is_always_visible(screen, server, own_token, lang):
    bad = {}
    for path in (*PAGES, OWN_PAGE):
        screen.goto(page_url(server, lang, path, own_token))
        stops = tab_through(screen, path)
        assert len(stops) >= 5, (path, stops)  # skip link, languages, … (the check ran)
        problems = [s for s in stops if not (s["outline"] or s["shadow"]) or not s["inView"] or not s["onTop"]]
        if problems:
            bad[path] = problems
    assert not bad, f"/{lang}:\n" + json.dumps(bad, indent=1, ensure_ascii=False)


def test_the_focus_check_sees_a_missing_or_covered_frame(screen, server):
    screen.goto(f"{server}/nl/privacy")
    screen.add_style_tag(content=":focus-visible, :focus { outline: none !important; box-shadow: none !important; }")
    stops = tab_through(screen, "/nl/privacy")
    assert stops
    assert not any(s["outline"] or s["shadow"] for s in stops)
    screen.goto(f"{server}/nl/privacy")
    screen.add_style_tag(
        content="body::after { content: ''; position: fixed; inset: 0; z-index: 99999; background: #fff; }"
    )
    assert not any(s["onTop"] for s in tab_through(screen, "/nl/privacy"))


def press_tab_until(page, wanted, what: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(wanted):
            return
    pytest.fail(f"the Tab key never reached {what}")


def active_id(page) -> str:
    return page.evaluate("document.activeElement.id")


@pytest.fixture
def keyboard_phone(browser):
    """A phone whose browser speaks US English: the order of the date field's parts (month, day,
    year) follows the browser's locale, not the page's, and the test types them in that order."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="en-US")
    yield context.new_page()
    context.close()


def test_sign_up_with_the_keyboard_alone_in_arabic(keyboard_phone, server, server_folder: Path):
    """Tab, Shift+Tab, arrows, Space and Enter only: no click, no fill, nothing picked by selector."""
    phone = keyboard_phone
    contact = "keyboard-ar@example.org"
    phone.goto(f"{server}/ar/programmes/kids-en-koffie-sliedrecht")
    press_tab_until(phone, "(document.activeElement.getAttribute('href') || '').endsWith('/register')", "sign-up link")
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/ar/programmes/kids-en-koffie-sliedrecht/register")

    done: list[str] = []
    for _ in range(120):
        phone.keyboard.press("Tab")
        here = active_id(phone)
        if here == "full_name":
            phone.keyboard.type("أمينة لوحة المفاتيح")
            # Back and forth: Shift+Tab leaves the field, Tab returns to it, the text still there.
            phone.keyboard.press("Shift+Tab")
            assert active_id(phone) != "full_name"
            phone.keyboard.press("Tab")
            assert active_id(phone) == "full_name"
        elif here == "child_birth_date":
            phone.keyboard.type("05012024")  # the browser's own date field: month, day, year
        elif here.startswith("language-"):
            for _ in range(10):  # the page's language is chosen already; arrows would change it
                if active_id(phone) == "language-ar":
                    break
                phone.keyboard.press("ArrowDown")
        elif here.startswith("part_of_day-"):
            for _ in range(6):  # arrows move the choice within the group
                if active_id(phone) == "part_of_day-evening":
                    break
                phone.keyboard.press("ArrowDown")
        elif here == "email":
            phone.keyboard.type(contact)
        elif here == "consent-yes":
            phone.keyboard.press("Space")
        elif phone.evaluate("document.activeElement.matches('form[action$=\"/register\"] button[type=submit]')"):
            phone.keyboard.press("Enter")
            break
        done.append(here)
    else:
        pytest.fail(f"never reached the sign-up button: {done}")
    phone.wait_for_url("**/ar/programmes/kids-en-koffie-sliedrecht/register/sent")
    assert gettext("ar", CHECK_YOUR_MESSAGES) in phone.locator("main").inner_text()
    with sqlite3.connect(server_folder / "browser.db") as connection:
        rows = connection.execute(
            "SELECT p.full_name, p.child_birth_date, r.language, r.status, r.consented_at, r.preferences"
            " FROM registrations r JOIN participants p ON p.id = r.participant_id WHERE r.contact_email = ?",
            (contact,),
        ).fetchall()
    assert len(rows) == 1, rows
    name, born, language, status, consented, preferences = rows[0]
    assert name == "أمينة لوحة المفاتيح"
    assert born == "2024-05-01"
    assert language == "ar"
    assert consented
    assert status in ("pending", "confirmed", "waitlisted", "offered"), status
    assert re.search(r'"part_of_day":\s*"evening"', preferences), preferences
