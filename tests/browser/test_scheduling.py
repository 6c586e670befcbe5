"""A mentor sees their lessons and reports an absence; the coordinator sees the schedule
and its conflicts. Accessible, at 360 px, in Dutch and Arabic."""

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


@pytest.mark.parametrize("lang", ["nl", "ar"])
def test_coordinator_schedule_pages(server, phone, lang):
    sign_in(phone, server, lang, "coordinator@vechtcollege-zwolle.example")
    phone.goto(f"{server}/{lang}/staff/programmes")
    phone.click("a[href*='/staff/programmes/'] >> nth=1")
    programme_url = phone.url.split("?")[0]
    phone.goto(f"{programme_url}/registrations")
    no_violations(phone, f"/{lang}/…/registrations")
    phone.click("a[href*='/staff/cohorts/'] >> nth=0")
    assert "/schedule" in phone.url
    assert phone.locator("article.programme-card").count() == 10
    no_violations(phone, f"/{lang}/staff/cohorts/…/schedule")
    phone.goto(f"{programme_url}/conflicts")
    no_violations(phone, f"/{lang}/…/conflicts")


def test_mentor_cannot_come_so_the_lesson_is_cancelled(server, phone):
    sign_in(phone, server, "nl", "mentor-1b@vechtcollege-zwolle.example")
    phone.goto(f"{server}/nl/staff/agenda")
    no_violations(phone, "/nl/staff/agenda")
    cards = phone.locator("article.programme-card")
    assert cards.count() == 10
    cards.nth(0).locator("input[name=reason]").fill("ziek")
    cards.nth(0).locator("button[type=submit]").click()
    # First what will happen: the lesson is cancelled and everyone is told; nothing is done yet.
    main = phone.locator("main").inner_text()
    assert gettext("nl", "Without you this meeting cannot go ahead. It will be cancelled.") in main
    assert phone.locator("input[name=reason]").input_value() == "ziek"
    no_violations(phone, "/nl/staff/agenda/…/absence")
    phone.click("form[action$='/absence'] button[type=submit]")
    done = "Thank you. Without you the meeting cannot go ahead, so it is cancelled. Everyone is told."
    assert gettext("nl", done) in phone.locator("main").inner_text()
    assert gettext("nl", "Cancelled") in phone.locator("article.programme-card").nth(0).inner_text()


@pytest.mark.parametrize("lang", ["nl", "ar"])
def test_calendar_link_page(server, phone, lang):
    sign_in(phone, server, lang, "guest-teacher@vechtcollege-zwolle.example")
    phone.goto(f"{server}/{lang}/staff/agenda")
    phone.click("form[action$='/staff/agenda/feed'] button")
    assert phone.locator("#feed-url").input_value().endswith(".ics")
    no_violations(phone, f"/{lang}/staff/agenda/feed")
    feed = phone.request.get(phone.locator("#feed-url").input_value())
    assert feed.status == 200
    assert "BEGIN:VCALENDAR" in feed.text()
