"""A CJG desk signs a mother up on her behalf on a phone-sized screen, in Dutch, for an Arabic
reader: refusals first, then the answer that she gets her own link in Arabic; her link, which the
desk never sees, opens her page in Arabic. The pages pass axe."""

from __future__ import annotations

import pytest

from groepsaanbod.i18n.translations import gettext
from groepsaanbod.registration import eligibility
from groepsaanbod.registration.services import on_behalf
from tests.browser.staff import sign_in
from tests.browser.test_registration import no_violations

pytestmark = pytest.mark.browser


def test_a_desk_signs_up_an_arabic_reader(server, phone, link_sent_to):
    sign_in(phone, server, "nl", "cjg@cjg-sliedrecht.example")
    phone.goto(f"{server}/nl/staff/sign-up")
    no_violations(phone, "/nl/staff/sign-up")
    phone.click("main a:has-text('Kids')")
    phone.wait_for_selector("#reads_language")
    form_url = phone.url
    no_violations(phone, form_url)

    phone.click("main form button[type=submit]")  # nothing filled in
    summary = phone.locator("#error-summary").inner_text()
    assert gettext("nl", eligibility.NAME_NEEDED) in summary
    assert gettext("nl", on_behalf.CONSENT_EXPLAINED) in summary
    no_violations(phone, form_url + " (refused)")

    phone.fill("#full_name", "Layla Haddad")
    phone.check("#reads_language-ar")
    phone.fill("#child_birth_date", "2024-05-01")
    phone.check("#language-nl")
    phone.fill("#email", "layla-desk@example.org")
    phone.check("#consent-yes")
    phone.click("main form button[type=submit]")
    phone.wait_for_url("**/sign-up/sent?reads=ar")
    sent = phone.locator("main").inner_text()
    assert "Arabisch" in sent
    assert "/my/" not in phone.content()
    no_violations(phone, "/nl/staff/programmes/…/sign-up/sent")

    phone.goto(link_sent_to("layla-desk@example.org"))
    assert "/ar/my/" in phone.url
    assert phone.locator("html").get_attribute("dir") == "rtl"
    assert phone.locator("h1").inner_text() == gettext("ar", "Your registration")
