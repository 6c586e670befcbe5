"""A participant signs up in each of the seven languages in a real browser; refusals
appear in that language; the pages pass axe."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from groepsaanbod.i18n.languages import LANGUAGE_CODES
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.registration import eligibility
from groepsaanbod.registration.errors import CHECK_YOUR_MESSAGES

pytestmark = pytest.mark.browser
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
axe = Axe()


def no_violations(page, where: str) -> None:
    results = axe.run(page, options=WCAG_21_AA)
    assert not results.response["violations"], f"{where}:\n" + results.generate_report()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{where} scrolls sideways by {overflow}px at 360px"


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_sign_up_for_kids_en_koffie(server, phone, lang, link_sent_to):
    url = f"{server}/{lang}/programmes/kids-en-koffie-sliedrecht/register"
    phone.goto(url)
    assert phone.locator("html").get_attribute("lang") == lang
    no_violations(phone, url)

    # Nothing filled in: every refusal in the page's language.
    phone.click("form button[type=submit]")
    summary = phone.locator("#error-summary")
    assert summary.is_visible()
    assert gettext(lang, eligibility.CONSENT_NEEDED) in summary.inner_text()
    assert gettext(lang, eligibility.NAME_NEEDED) in summary.inner_text()
    no_violations(phone, url + " (refused)")

    # A child that is too old: the age limit, in this language.
    phone.fill("#full_name", f"Ouder {lang}")
    phone.fill("#child_birth_date", "2019-01-15")
    phone.check(f"#language-{lang}")
    phone.fill("#email", f"browser-{lang}@example.org")
    phone.check("#consent-yes")
    phone.click("form button[type=submit]")
    assert gettext(lang, eligibility.CHILD_TOO_OLD, years=4) in phone.locator("#error-summary").inner_text()
    assert phone.input_value("#full_name") == f"Ouder {lang}"  # nothing typed is lost

    phone.fill("#child_birth_date", "2024-05-01")
    phone.check("#consent-yes")
    phone.click("form button[type=submit]")
    phone.wait_for_url(f"**/{lang}/programmes/kids-en-koffie-sliedrecht/register/sent")
    sent = phone.locator("main").inner_text()
    assert gettext(lang, CHECK_YOUR_MESSAGES) in sent
    no_violations(phone, f"/{lang}/programmes/…/register/sent")
    phone.goto(link_sent_to(f"browser-{lang}@example.org"))
    assert phone.locator("h1").inner_text() == gettext(lang, "Your registration")
    no_violations(phone, f"/{lang}/my/…")

    # Signing up again with the same address: the same page as anyone gets; the message tells the person.
    phone.goto(url)
    phone.fill("#full_name", f"Ouder {lang}")
    phone.fill("#child_birth_date", "2024-05-01")
    phone.check(f"#language-{lang}")
    phone.fill("#email", f"browser-{lang}@example.org")
    phone.check("#consent-yes")
    phone.click("form button[type=submit]")
    phone.wait_for_url(f"**/{lang}/programmes/kids-en-koffie-sliedrecht/register/sent")
    assert phone.locator("main").inner_text() == sent
    phone.goto(link_sent_to(f"browser-{lang}@example.org"))  # a further link, in the message
    assert phone.locator("h1").inner_text() == gettext(lang, "Your registration")


def test_withdraw_in_arabic(server, phone, link_sent_to):
    phone.goto(f"{server}/ar/programmes/triple-p-eindhoven/register")
    phone.fill("#full_name", "Amina")
    phone.fill("#child_birth_date", "2020-03-01")
    phone.check("#language-ar")
    phone.fill("#phone", "06 11112222")
    phone.check("#consent-yes")
    phone.click("form button[type=submit]")
    phone.wait_for_url("**/ar/programmes/triple-p-eindhoven/register/sent")
    my_url = link_sent_to("+31611112222")
    phone.goto(my_url)
    phone.click("a[href$='/withdraw']")
    no_violations(phone, "/ar/my/…/withdraw")
    phone.click("form[action$='/withdraw'] button[type=submit]")
    assert phone.locator("h1").inner_text() == gettext("ar", "You have stopped")
    # The link keeps working after stopping: to see that, download or erase one's data.
    assert phone.goto(my_url).status == 200
    no_violations(phone, "/ar/my/… (stopped)")
    assert phone.locator("a[href$='/erase']").count() == 1
    assert phone.locator("a[href$='/withdraw']").count() == 0
