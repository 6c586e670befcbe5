"""A CJG staff member takes the register of a 12-person meeting on a phone: one tap per
person who came, one to save. The register, signals and report pages pass axe (WCAG 2.1 AA)
at 360 px, in Dutch and Arabic."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from groepsaanbod.i18n.translations import gettext
from tests.browser.staff import sign_in

pytestmark = pytest.mark.browser
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
axe = Axe()


def no_violations(page, where: str) -> None:
    results = axe.run(page, options=WCAG_21_AA)
    assert not results.response["violations"], f"{where}:\n" + results.generate_report()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{where} scrolls sideways by {overflow}px at 360px"


def open_latest_merwehoeve_register(page, server: str, lang: str) -> None:
    page.goto(f"{server}/{lang}/staff/registers")
    no_violations(page, f"/{lang}/staff/registers")
    page.locator("a", has_text="Triple P Merwehoeve").first.click()
    assert "/register" in page.url


def test_cjg_staff_take_the_register_of_twelve_with_one_tap_each(server, phone):
    sign_in(phone, server, "nl", "cjg@cjg-sliedrecht.example")
    open_latest_merwehoeve_register(phone, server, "nl")
    no_violations(phone, "/nl/staff/sessions/…/register")
    people = phone.locator(".register-person > input[name=present]")
    assert people.count() == 12
    assert not any(people.nth(i).is_checked() for i in range(12))
    taps = 0
    for i in range(10):  # ten came; the other two are absent without a tap
        phone.locator(".register-person > label").nth(i).click()
        taps += 1
    phone.click("button.register-save")
    taps += 1
    phone.wait_for_url("**/register?done=saved")  # the page's script may hold the post a moment
    assert taps <= 12 + 1
    assert gettext("nl", "The register is saved.") in phone.locator("main").inner_text()
    people = phone.locator(".register-person > input[name=present]")
    assert [people.nth(i).is_checked() for i in range(12)] == [True] * 10 + [False] * 2
    assert phone.locator(".register-person > label .muted").count() == 2  # "(absent: no reason given)"
    no_violations(phone, "/nl/staff/sessions/…/register?done=saved")


def test_register_in_arabic(server, phone):
    sign_in(phone, server, "ar", "cjg@cjg-sliedrecht.example")
    open_latest_merwehoeve_register(phone, server, "ar")
    assert phone.locator("html").get_attribute("dir") == "rtl"
    phone.locator("details.register-details").first.click()
    no_violations(phone, "/ar/staff/sessions/…/register")


@pytest.mark.parametrize("lang", ["nl", "ar"])
def test_report_pages(server, phone, lang):
    sign_in(phone, server, lang, "cjg@cjg-sliedrecht.example")
    phone.goto(f"{server}/{lang}/staff/reports")
    no_violations(phone, f"/{lang}/staff/reports")
    phone.goto(f"{server}/{lang}/staff/reports/municipality")
    no_violations(phone, f"/{lang}/staff/reports/municipality")
    reach = phone.locator("#reach_language")
    assert reach.locator("svg[role=img]").count() == 1
    assert reach.locator("tbody tr").count() >= 3
    assert phone.locator("#summary-heading").count() == 1


def test_signals_dashboard(server, phone):
    sign_in(phone, server, "nl", "coordinator@opvoeden-samen.example")
    phone.goto(f"{server}/nl/staff/signals")
    assert phone.locator("article.programme-card").count() >= 1
    no_violations(phone, "/nl/staff/signals")
    first = phone.locator("article.programme-card").first
    first.locator("input[name=note]").fill("Gebeld, komt volgende keer weer.")
    before = phone.locator("article.programme-card").count()
    first.locator("button[type=submit]").click()
    assert phone.locator("article.programme-card").count() == before - 1
