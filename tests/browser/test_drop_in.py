"""Kids & Koffie's life through the pages, in Dutch and Turkish: the coordinator starts a weekly
series at the petting farm (a mistake first), a volunteer takes a meeting on the rota, a
drop-in's register is taken (head counts), and the series is paused for a holiday and ended.
Every page passes axe (WCAG 2.1 AA) at 360 px."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe

from groepsaanbod.i18n.translations import gettext
from tests.browser.staff import sign_in

pytestmark = pytest.mark.browser
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
axe = Axe()
#: Each language's run gets its own weekday, so the two series do not share the farm's room.
WEEKDAY = {"nl": 2, "tr": 3}


def no_violations(page, where: str) -> None:
    results = axe.run(page, options=WCAG_21_AA)
    assert not results.response["violations"], f"{where}:\n" + results.generate_report()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{where} scrolls sideways by {overflow}px at 360px"


def next_weekday(weekday: int) -> date:
    today = date.today()
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


@pytest.mark.parametrize("lang", ["nl", "tr"])
def test_kids_en_koffie_from_start_to_end(server, phone, lang):
    name = f"Inloop {lang}"
    first = next_weekday(WEEKDAY[lang])
    sign_in(phone, server, lang, "coordinator@cjg-sliedrecht.example")
    phone.goto(f"{server}/{lang}/staff/programmes")
    phone.locator("main a", has_text="Kids & Koffie").first.click()
    phone.click("a[href$='/series']")
    no_violations(phone, f"/{lang}/staff/programmes/…/series")

    # A start time that is no time: said at the form, nothing made.
    phone.fill("#name", name)
    phone.select_option("#weekday", str(WEEKDAY[lang]))
    phone.fill("#starts_on", first.isoformat())
    phone.select_option("#venue_id", index=1)
    phone.click("form[action$='/series'] button[type=submit]")
    assert phone.locator("#error-summary").count() == 1
    no_violations(phone, f"/{lang}/staff/programmes/…/series (refused)")
    phone.fill("#start_time", "09:30")
    phone.fill("#starts_on", first.isoformat())
    phone.click("form[action$='/series'] button[type=submit]")
    assert "/staff/series/" in phone.url
    series_url = phone.url.split("?")[0]
    assert gettext(lang, "Your changes are saved.") in phone.locator("main").inner_text()
    assert phone.locator("article.programme-card").count() >= 12
    no_violations(phone, f"/{lang}/staff/series/…")

    # A volunteer takes the first meeting on the rota.
    phone.context.clear_cookies()
    sign_in(phone, server, lang, "volunteer2@cjg-sliedrecht.example")
    phone.goto(f"{server}/{lang}/staff/rota")
    no_violations(phone, f"/{lang}/staff/rota")
    card = phone.locator("article.programme-card", has_text=name).first
    card.locator("button[value=take]").click()
    card = phone.locator("article.programme-card", has_text=name).first
    assert gettext(lang, "You are on the rota.") in card.inner_text()
    assert card.locator("select[name=to_staff_id]").count() == 1
    no_violations(phone, f"/{lang}/staff/rota (taken)")

    # The coordinator takes last week's register of the farm's drop-in: a head count.
    phone.context.clear_cookies()
    sign_in(phone, server, lang, "coordinator@cjg-sliedrecht.example")
    phone.goto(f"{server}/{lang}/staff/registers")
    phone.locator("main a", has_text="Inloop Merwehoeve").first.click()
    phone.fill("#adults", "11")
    phone.fill("#children", "14")
    phone.click("button.register-save")
    phone.wait_for_url("**/register?done=saved")  # the page's script may hold the post a moment
    assert gettext(lang, "The register is saved.") in phone.locator("main").inner_text()

    # The series shows who volunteers; then a holiday pause and the end.
    phone.goto(series_url)
    assert "Hanneke Mulder" in phone.locator("article.programme-card").first.inner_text()
    second = first + timedelta(weeks=1)
    phone.fill("#pause_starts_on", second.isoformat())
    phone.fill("#pause_ends_on", (second + timedelta(days=6)).isoformat())
    phone.fill("#reason", "Vakantie")
    phone.click("button[value=pause]")
    assert gettext(lang, "Your changes are saved.") in phone.locator("main").inner_text()
    assert gettext(lang, "Cancelled") in phone.locator("article.programme-card").nth(1).inner_text()
    phone.fill("#end_last_day", (first + timedelta(weeks=3)).isoformat())
    phone.click("button[value=end]")
    assert phone.locator("button[value=pause]").count() == 0
    assert phone.locator("article.programme-card", has_text=gettext(lang, "Cancelled")).count() >= 2
    no_violations(phone, f"/{lang}/staff/series/… (ended)")

    # The coordinator's report counts the meetings and who came, at 360 px too.
    phone.goto(f"{server}/{lang}/staff/reports")
    assert phone.locator("#summary-heading").count() == 1
    no_violations(phone, f"/{lang}/staff/reports")
