"""Triple P's phone calls on the pages: the trainer offers times from their agenda, and parents
choose one from their private link, in Dutch and in Polish. Accessible, at 360 px."""

from __future__ import annotations

import sqlite3

import pytest

from groepsaanbod.i18n.translations import gettext
from tests.browser.staff import sign_in
from tests.browser.test_scheduling import no_violations

pytestmark = pytest.mark.browser


def _parent_email(server_folder, member: int) -> str:
    """A member of the demo's running Triple P group in Sliedrecht (0-5 Dutch, 6-7 Polish)."""
    with sqlite3.connect(server_folder / "browser.db") as connection:
        row = connection.execute(
            "SELECT contact_email FROM registrations WHERE contact_email LIKE ?",
            (f"demo-triple-p-sliedrecht-%-{member}@example.org",),
        ).fetchone()
    assert row, "the demo's Triple P group"
    return row[0]


def test_trainer_offers_times_and_parents_choose(server, server_folder, phone, link_sent_to):
    sign_in(phone, server, "nl", "trainer@cjg-sliedrecht.example")
    phone.goto(f"{server}/nl/staff/agenda")
    times = gettext("nl", "Times for each person")
    phone.click(f"a:has-text('{times}') >> nth=2")  # the third phone call: no times yet (the demo offers two)
    assert "/appointments" in phone.url
    call = phone.url.split("/sessions/")[1].split("/")[0]
    no_violations(phone, "/nl/staff/sessions/…/appointments")
    assert gettext("nl", "No times are offered yet.") in phone.locator("main").inner_text()
    phone.fill("#count", "4")
    phone.click("button[value=offer]")
    assert gettext("nl", "Your changes are saved.") in phone.locator("main").inner_text()
    assert phone.locator("main li:has(button[value=withdraw])").count() == 4
    no_violations(phone, "/nl/staff/sessions/…/appointments (times offered)")

    for member, lang in ((5, "nl"), (6, "pl")):
        email = _parent_email(server_folder, member)
        phone.goto(f"{server}/{lang}/new-link")
        phone.fill("#contact", email)
        phone.click("main button[type=submit]")
        link = link_sent_to(email)
        phone.goto(link.replace("/nl/my/", f"/{lang}/my/"))
        assert gettext(lang, "Your own times") in phone.locator("main").inner_text()
        no_violations(phone, f"/{lang}/my/…")
        form = phone.locator(f"form#appointment-{call}")
        form.locator("input[type=radio] >> nth=0").check()
        form.locator("button[value=pick]").click()
        main = phone.locator("main").inner_text()
        assert gettext(lang, "Your time is saved.") in main
        no_violations(phone, f"/{lang}/my/… (time chosen)")

    # The trainer sees who chose: two of the four times are taken.
    sign_in(phone, server, "nl", "trainer@cjg-sliedrecht.example")
    phone.goto(f"{server}/nl/staff/agenda")
    phone.click(f"a:has-text('{times}') >> nth=2")
    assert phone.locator("main li:has(button[value=withdraw])").count() == 2
