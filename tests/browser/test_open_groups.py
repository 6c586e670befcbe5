"""Triple P's life through the pages (README "An open group's life"): a coordinator makes an open group
programme (groups of 2 to 3 here), people sign up until the first group starts, the coordinator closes
it for joining, the next sign-ups form the next group, someone stops, the first on the waiting list is
offered the place and takes it from their private link; the group's meetings are planned and its
first register is taken. In Dutch and in Turkish."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe

from groepsaanbod.i18n.translations import gettext
from tests.browser.staff import sign_in

pytestmark = pytest.mark.browser
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
COORDINATOR = "coordinator@opvoeden-samen.example"
axe = Axe()


def no_violations(page, where: str) -> None:
    results = axe.run(page, options=WCAG_21_AA)
    assert not results.response["violations"], f"{where}:\n" + results.generate_report()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{where} scrolls sideways by {overflow}px at 360px"


def _make_programme(page, server: str, lang: str, slug: str) -> str:
    """Create Triple P from its built-in plan, groups of 2 to 3, at one location; publish. Its edit page."""
    page.goto(f"{server}/{lang}/staff/programmes/new")
    page.select_option("#template_key", "triple-p-group")
    page.fill("#slug", slug)
    for box in page.locator("input[name=languages]").all():
        box.uncheck()
    page.check(f"#languages-{lang}")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/{lang}/staff/programmes/*")
    edit_url = page.url.split("?")[0]
    page.locator("input[name=venue_ids]").first.check()
    page.click("form[action$='/basics'] button[type=submit]")
    page.wait_for_load_state()
    page.fill("#min_group_size", "2")
    page.fill("#max_group_size", "3")
    page.fill("#rules-joinable_until_meeting", "2")
    page.click("form[action$='/template'] button[type=submit]")
    page.wait_for_load_state()
    page.click("form[action$='/publish'] button[type=submit]")
    page.wait_for_load_state()
    return edit_url


def _sign_up(page, server: str, lang: str, slug: str, email: str, link_sent_to) -> str:
    page.goto(f"{server}/{lang}/programmes/{slug}/register")
    page.fill("#full_name", email.split("@")[0])
    page.fill("#child_birth_date", "2021-03-01")
    page.check(f"#language-{lang}")
    page.fill("#email", email)
    page.check("#consent-yes")
    page.click("form button[type=submit]")
    page.wait_for_url(f"**/{lang}/programmes/{slug}/register/sent")
    return link_sent_to(email)


def _groups(server_folder, slug: str) -> list[tuple[str, bool, dict[str, int]]]:
    """Each group of the programme: name, whether it takes new people, its members by status."""
    with sqlite3.connect(server_folder / "browser.db") as connection:
        cohorts = connection.execute(
            "SELECT c.id, c.name, c.accepts_registrations FROM cohorts c JOIN programmes p ON p.id = c.programme_id"
            " WHERE p.slug = ? ORDER BY c.id",
            (slug,),
        ).fetchall()
        result = []
        for cohort_id, name, accepts in cohorts:
            rows = connection.execute(
                "SELECT status, count(*) FROM registrations WHERE cohort_id = ? GROUP BY status", (cohort_id,)
            ).fetchall()
            result.append((name, bool(accepts), dict(rows)))
    return result


@pytest.mark.parametrize("lang", ["nl", "tr"])
def test_an_open_groups_life(server, server_folder, phone, lang, link_sent_to):
    slug = f"triple-p-open-{lang}"
    sign_in(phone, server, lang, COORDINATOR)
    edit_url = _make_programme(phone, server, lang, slug)
    registrations_url = f"{edit_url}/registrations"

    # Sign-ups until the group starts (the minimum is 2); the third fills it.
    links = [_sign_up(phone, server, lang, slug, f"open-{lang}-{n}@example.org", link_sent_to) for n in range(3)]
    [(first_name, open_now, members)] = _groups(server_folder, slug)
    assert open_now
    assert members == {"confirmed": 3}

    # The coordinator closes it for joining, on the page.
    phone.goto(registrations_url)
    no_violations(phone, registrations_url)
    phone.click("button[name=action][value=close]")
    phone.wait_for_load_state()
    assert gettext(lang, "Closed for new people: new sign-ups go to the next group.") in phone.inner_text("main")

    # The next sign-ups form the next group by itself; the fourth waits.
    links += [_sign_up(phone, server, lang, slug, f"open-{lang}-{n}@example.org", link_sent_to) for n in range(3, 7)]
    (_, first_open, first_members), (second_name, second_open, second_members) = _groups(server_folder, slug)
    assert (first_open, first_members) == (False, {"confirmed": 3})
    assert second_open
    assert second_members == {"confirmed": 3, "waitlisted": 1}

    # Someone in the second group stops: the place is offered to the one waiting, not given.
    phone.goto(links[3])
    phone.click("a[href$='/withdraw']")
    phone.click("form[action$='/withdraw'] button[type=submit]")
    phone.wait_for_load_state()
    assert _groups(server_folder, slug)[1][2] == {"confirmed": 2, "withdrawn": 1, "offered": 1}

    # The one offered the place takes it from their private link.
    phone.goto(links[6])
    assert gettext(lang, "Do you want this place?") in phone.inner_text("main")
    no_violations(phone, f"/{lang}/my/… (offer)")
    phone.click("button[name=action][value=accept]")
    phone.wait_for_load_state()
    assert gettext(lang, "You have a place in the group %(group)s.", group=second_name) in phone.inner_text("main")
    assert _groups(server_folder, slug)[1][2] == {"confirmed": 3, "withdrawn": 1}

    # The coordinator sees both groups: the first closed, the second with its three.
    phone.goto(registrations_url)
    text = phone.inner_text("main")
    assert first_name in text
    assert second_name in text

    # The second group's meetings are planned from tomorrow morning (a time inside the programme's
    # hours whatever the hour of this run), then its first meeting is moved to a few minutes from now
    # in the database, so that its first register can be taken.
    cohort_id, _ = _ids(server_folder, slug, second_name)
    start = (datetime.now(ZoneInfo("Europe/Amsterdam")) + timedelta(days=1)).replace(hour=10, minute=0)
    phone.goto(f"{server}/{lang}/staff/cohorts/{cohort_id}/schedule")
    phone.select_option("#weekday", str(start.weekday()))
    phone.fill("#start_time", start.strftime("%H:%M"))
    phone.fill("#start_date", start.date().isoformat())
    phone.click(f"form[action$='/cohorts/{cohort_id}/schedule'] button[type=submit]")
    phone.wait_for_load_state()
    _, first_meeting = _ids(server_folder, slug, second_name)
    assert first_meeting is not None
    _start_soon(server_folder, first_meeting)
    phone.goto(f"{server}/{lang}/staff/sessions/{first_meeting}/register")
    people = phone.locator(".register-person > label")
    assert people.count() == 3
    for i in range(3):
        people.nth(i).click()
    phone.click("button.register-save")
    phone.wait_for_url("**/register?done=saved")  # the page's script may hold the post a moment
    assert gettext(lang, "The register is saved.") in phone.inner_text("main")

    # The coordinator's report counts the groups' meetings and who came.
    phone.goto(f"{server}/{lang}/staff/reports")
    assert phone.locator("#summary-heading").count() == 1
    no_violations(phone, f"/{lang}/staff/reports")


def _start_soon(server_folder, meeting: int) -> None:
    """Move a planned meeting to start in 10 minutes (its UTC start and its local one)."""
    stored = "%Y-%m-%d %H:%M:%S.%f"
    soon = datetime.now(UTC) + timedelta(minutes=10)
    local = soon.astimezone(ZoneInfo("Europe/Amsterdam")).replace(tzinfo=None)
    with sqlite3.connect(server_folder / "browser.db") as connection:
        connection.execute(
            "UPDATE sessions SET starts_at = ?, local_start = ? WHERE id = ?",
            (soon.replace(tzinfo=None).strftime(stored), local.strftime(stored), meeting),
        )


def _ids(server_folder, slug: str, group: str) -> tuple[int, int | None]:
    """A programme's group's id and its first meeting's id (None before it is planned)."""
    with sqlite3.connect(server_folder / "browser.db") as connection:
        (cohort_id,) = connection.execute(
            "SELECT c.id FROM cohorts c JOIN programmes p ON p.id = c.programme_id WHERE p.slug = ? AND c.name = ?",
            (slug, group),
        ).fetchone()
        meeting = connection.execute(
            "SELECT id FROM sessions WHERE cohort_id = ? ORDER BY starts_at LIMIT 1", (cohort_id,)
        ).fetchone()
    return cohort_id, meeting[0] if meeting else None
