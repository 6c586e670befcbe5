"""CenteringPregnancy's life through the pages (issue 16), on the demo practice in Huizen: a due date
too close is refused at sign-up in the person's language; women sign up; the coordinator adds a
waiting woman to the running group, proposes and confirms a new group, sees who would miss which
meeting, plans it (a night-time start and meetings in the past are refused), and a wrong birth date
is refused. After the birth: the midwife takes the register of a group near its births with a woman
away because she gave birth and her baby's date, and the meeting with the babies moves (Dutch and
Turkish). In Dutch and English; the pages pass axe at 360 px."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe

from groepsaanbod.i18n.formatting import date_and_time, local_date
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.registration import eligibility
from groepsaanbod.scheduling.services import births, due_date_plans
from groepsaanbod.scheduling.sessions import to_utc
from tests.browser.staff import sign_in

pytestmark = pytest.mark.browser
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
axe = Axe()
SLUG = "centering-pregnancy-huizen"


def no_violations(page, where: str) -> None:
    results = axe.run(page, options=WCAG_21_AA)
    assert not results.response["violations"], f"{where}:\n" + results.generate_report()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 361)"
        ".slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + e.getBoundingClientRect().right)"
    )
    assert overflow <= 0, f"{where} scrolls sideways by {overflow}px at 360px: {wide}"


def sign_up(page, server: str, lang: str, n: int, due: date) -> None:
    page.goto(f"{server}/{lang}/programmes/{SLUG}/register")
    page.fill("#full_name", f"Zwanger {lang} {n}")
    page.fill("#due_date", due.isoformat())
    page.check("#language-nl")
    page.select_option("#place", "Huizen")
    page.check("#part_of_day-morning")
    page.fill("#email", f"centering-{lang}-{n}@example.org")
    page.check("#consent-yes")
    page.click("form button[type=submit]")


def registrations(page, server: str, lang: str) -> None:
    page.goto(f"{server}/{lang}/staff/programmes")
    page.click("a[href*='/staff/programmes/']:has-text('CenteringPregnancy')")
    page.goto(page.url.split("?")[0] + "/registrations")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_centering_from_sign_up_to_the_schedule(server, phone, lang):
    today = date.today()
    # Sign-up: a due date next week is too late to join, said in her language.
    sign_up(phone, server, lang, 0, today + timedelta(days=7))
    refused = phone.locator("#error-summary").inner_text()
    assert gettext(lang, eligibility.TOO_FAR_ALONG, weeks=26) in refused
    no_violations(phone, f"/{lang}/programmes/{SLUG}/register (too far along)")
    first_due = today + timedelta(weeks=27 if lang == "nl" else 33)
    for n in range(1, 9):
        sign_up(phone, server, lang, n, first_due + timedelta(days=n))
        phone.wait_for_url(f"**/{lang}/programmes/{SLUG}/register/sent")

    sign_in(phone, server, lang, "coordinator@verloskunde-huizen.example")
    registrations(phone, server, lang)
    no_violations(phone, f"/{lang}/…/registrations")

    # A late joiner for the running demo group (12 of 14).
    late = phone.locator("form[action*='/late-joiners']").first
    late.locator("button[type=submit]").click()
    phone.wait_for_url("**/registrations?done=late_joiner")

    # A birth date long before her due date is refused, and says why.
    births = phone.locator("form[action*='/births']").first
    births.locator("input[name=birth_date]").fill(today.isoformat())
    births.locator("button[type=submit]").click()
    assert "20" in phone.locator("#error-summary").inner_text()

    # Propose groups: the new women form a group; the page says which meetings each would miss.
    registrations(phone, server, lang)
    phone.click("form[action$='/cohort-proposals'] button[type=submit]")
    phone.wait_for_url("**/registrations?done=proposed")
    assert gettext(lang, "Meetings she would miss") in phone.locator("main").inner_text()
    no_violations(phone, f"/{lang}/…/registrations (proposed)")
    phone.locator("button[name=action][value=confirm]").first.click()
    phone.wait_for_url("**/registrations?done=confirm")

    # Schedule: the middle due date is shown and used; 03:00 and meetings in the past are refused.
    phone.locator("a[href*='/staff/cohorts/'][href$='/schedule']").last.click()
    assert phone.input_value("#due_date")
    plan = phone.locator("form[action$='/schedule']")
    plan.locator("#start_time").fill("03:00")
    plan.locator("button[type=submit]").click()
    outside = gettext(lang, due_date_plans.OUTSIDE_HOURS, first="08:00", last="22:00")
    assert outside in phone.locator("#error-summary").inner_text()
    no_violations(phone, f"/{lang}/staff/cohorts/…/schedule (refused)")
    plan = phone.locator("form[action$='/schedule']")
    plan.locator("#start_time").fill("10:00")
    plan.locator("#leave_out_past").check()
    plan.locator("button[type=submit]").click()
    phone.wait_for_url("**/schedule?done=planned")
    assert phone.locator("article.programme-card").count() >= 8


def maud_on_the_register(page, server: str, lang: str):
    """Group #2 of the demo (near its births): yesterday's meeting, and Maud's line on its register."""
    page.goto(f"{server}/{lang}/staff/registers")
    page.locator("a[href$='/register']", has_text="#2").first.click()
    assert "/register" in page.url
    line = page.locator(".register-person", has_text="Maud")
    line.locator("details.register-details summary").click()
    return line


def babies_meeting_text(page, server: str, lang: str) -> str:
    page.goto(f"{server}/{lang}/staff/agenda")
    return page.locator("article.programme-card", has_text="#2").last.inner_text()


def test_centering_after_the_birth_on_the_register(server, phone):
    """The midwife takes the register of yesterday's meeting: Maud was away because she gave birth;
    with her baby's date the meeting with the babies moves a week on (8 weeks after the last birth
    or due date), shown on the midwife's agenda. A date in the future is refused in Dutch and in
    Turkish and changes nothing; then the municipality's report opens."""
    yesterday = local_date(datetime.now(UTC)) - timedelta(days=1)
    before = to_utc(datetime.combine(yesterday + timedelta(weeks=11), time(9, 30)), "Europe/Amsterdam")
    after = to_utc(datetime.combine(yesterday + timedelta(weeks=12), time(9, 30)), "Europe/Amsterdam")
    sign_in(phone, server, "nl", "midwife@verloskunde-huizen.example")
    assert date_and_time(before, "nl") in babies_meeting_text(phone, server, "nl")

    line = maud_on_the_register(phone, server, "nl")
    no_violations(phone, "/nl/staff/sessions/…/register (Centering)")
    line.locator("select[name^=reason-]").select_option("gave_birth")
    line.locator("input[name^=birth-]").fill((yesterday + timedelta(days=5)).isoformat())
    phone.click("button.register-save")
    assert gettext("nl", births.BIRTH_DATE_FUTURE) in phone.locator("#error-summary").inner_text()
    no_violations(phone, "/nl/staff/sessions/…/register (birth date refused)")
    assert date_and_time(before, "nl") in babies_meeting_text(phone, server, "nl")

    line = maud_on_the_register(phone, server, "nl")
    line.locator("select[name^=reason-]").select_option("gave_birth")
    line.locator("input[name^=birth-]").fill((yesterday - timedelta(days=2)).isoformat())
    phone.click("button.register-save")
    phone.wait_for_url("**/register?done=saved")
    assert gettext("nl", "The register is saved.") in phone.locator("main").inner_text()
    moved = babies_meeting_text(phone, server, "nl")
    assert date_and_time(after, "nl") in moved
    assert date_and_time(before, "nl") not in moved

    # In Turkish: the date is shown as recorded; one in the future is refused in Turkish.
    sign_in(phone, server, "tr", "midwife@verloskunde-huizen.example")
    line = maud_on_the_register(phone, server, "tr")
    assert line.locator("input[name^=birth-]").input_value() == (yesterday - timedelta(days=2)).isoformat()
    line.locator("input[name^=birth-]").fill((yesterday + timedelta(days=5)).isoformat())
    phone.click("button.register-save")
    assert gettext("tr", births.BIRTH_DATE_FUTURE) in phone.locator("#error-summary").inner_text()
    no_violations(phone, "/tr/staff/sessions/…/register (birth date refused)")
    assert date_and_time(after, "tr") in babies_meeting_text(phone, server, "tr")

    # The municipality's report opens (a CJG staff member reads it).
    for lang in ("nl", "tr"):
        sign_in(phone, server, lang, "cjg@cjg-sliedrecht.example")
        phone.goto(f"{server}/{lang}/staff/reports/municipality")
        assert phone.locator("#summary-heading").count() == 1
        no_violations(phone, f"/{lang}/staff/reports/municipality")
