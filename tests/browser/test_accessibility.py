"""WCAG 2.1 AA in a real browser: axe-core finds no violation on the catalogue pages in any
of the seven languages, at 360 px; the pages work with a keyboard."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from groepsaanbod.demo import DEMO_PASSWORD
from groepsaanbod.i18n.languages import LANGUAGE_CODES
from tests.browser.staff import set_up_second_factor, sign_in

pytestmark = pytest.mark.browser
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
axe = Axe()


def assert_no_violations(page, where: str) -> None:
    results = axe.run(page, options=WCAG_21_AA)
    violations = results.response["violations"]
    assert not violations, f"{where}:\n" + results.generate_report()


def assert_fits_phone(page, where: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{where} scrolls sideways by {overflow}px at 360px"


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_public_pages_have_no_violations(server, phone, lang):
    for path in (
        "/",
        "/programmes/triple-p-eindhoven",
        "/programmes/kids-en-koffie-sliedrecht",
        "/staff/sign-in",
        "/privacy",
        "/accessibility",
        "/new-link",
        "/staff/password",
    ):
        phone.goto(f"{server}/{lang}{path}")
        where = f"/{lang}{path}"
        assert phone.locator("html").get_attribute("lang") == lang
        assert phone.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        assert_no_violations(phone, where)
        assert_fits_phone(phone, where)


def test_catalogue_by_keyboard(server, phone):
    phone.goto(f"{server}/nl/")
    phone.keyboard.press("Tab")
    focused = phone.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Ga naar de inhoud" or "inhoud" in focused.lower()
    phone.keyboard.press("Enter")
    # Tab onwards to the first programme link and open it with Enter.
    for _ in range(40):
        phone.keyboard.press("Tab")
        href = phone.evaluate("document.activeElement.getAttribute('href') || ''")
        if "/nl/programmes/" in href:
            break
    else:
        pytest.fail("no programme link reachable by keyboard")
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/nl/programmes/**")
    assert phone.locator("h1").count() == 1


@pytest.mark.parametrize("lang", ["nl", "ar"])
def test_coordinator_pages_have_no_violations(server, phone, lang):
    sign_in(phone, server, lang, "coordinator@opvoeden-samen.example")
    phone.goto(f"{server}/{lang}/staff/programmes")
    assert_no_violations(phone, f"/{lang}/staff/programmes")
    phone.click("a[href*='/staff/programmes/'] >> nth=1")
    phone.wait_for_load_state()
    assert_no_violations(phone, phone.url)
    phone.goto(f"{server}/{lang}/staff/programmes/new")
    assert_no_violations(phone, f"/{lang}/staff/programmes/new")
    # A refused form shows an error summary that is itself accessible.
    phone.fill("#slug", "Not Allowed!")
    phone.click("form[action$='/new'] button[type=submit]")
    assert phone.locator("#error-summary").is_visible()
    assert_no_violations(phone, f"/{lang}/staff/programmes/new (refused)")


def test_admin_sets_up_the_second_factor_and_reads_team_and_audit_pages(server, phone):
    """The demo admin has no second factor yet: set up once, then the admin pages in nl and ar."""
    phone.goto(f"{server}/ar/staff/sign-in")
    phone.fill("#email", "admin@cjg-sliedrecht.example")
    phone.fill("#password", DEMO_PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url("**/staff/second-factor**")
    assert_no_violations(phone, "/ar/staff/second-factor")
    assert_fits_phone(phone, "/ar/staff/second-factor")
    phone.goto(f"{server}/nl/staff/team")  # not yet: the second factor first
    phone.wait_for_url("**/nl/staff/second-factor**")
    assert_no_violations(phone, "/nl/staff/second-factor")
    assert phone.locator("input[name=secret]").count() == 0  # the server made the key; only the code is sent
    codes = set_up_second_factor(phone, "admin@cjg-sliedrecht.example")
    assert len(codes) == 10
    assert_no_violations(phone, "/nl/staff/second-factor (the recovery codes, shown once)")
    assert_fits_phone(phone, "/nl/staff/second-factor (the recovery codes, shown once)")
    phone.click("main a[href='/nl/staff/team']")
    phone.wait_for_url("**/nl/staff/team")
    # An invitation, so the team page lists one as sent.
    phone.fill("#full_name", "Nieuwe Collega")
    phone.fill("#email", "nieuwe.collega@example.org")
    phone.check("#role-volunteer")
    phone.click("form[action$='/staff/team/invitations'] button[type=submit]")
    phone.wait_for_url("**/nl/staff/team?done=invited")
    for lang in ("nl", "ar"):
        for path in (
            "/staff/",
            "/staff/team",
            "/staff/audit",
            "/staff/second-factor/recovery-codes",
            "/staff/account",
            "/staff/agenda",
        ):
            phone.goto(f"{server}/{lang}{path}")
            assert phone.locator("h1").count() == 1
            assert_no_violations(phone, f"/{lang}{path}")
            assert_fits_phone(phone, f"/{lang}{path}")
