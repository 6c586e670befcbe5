"""THINK op school through the pages (issue 16): the coordinator uploads classes with their mentors and
the school's region, plans a class's lessons (its mentor is on each), fills in a guest teacher's
school days and weeks off, and plans the guest teachers on the plan page. At 360 px, in Dutch and Arabic."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from groepsaanbod.i18n.translations import gettext
from tests.browser.staff import sign_in
from tests.browser.test_scheduling import no_violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["nl", "ar"])
def test_think_classes_mentors_availability_and_the_year_plan(server, phone, lang, tmp_path):
    class_name = f"1{lang.upper()}"
    csv = tmp_path / "klassen.csv"
    csv.write_text(
        "klas;schooljaar;naam mentor;e-mail mentor;aantal leerlingen\n"
        f"{class_name};2026-2027;Mentor {lang};mentor-{lang}@vechtcollege-zwolle.example;26\n"
    )
    sign_in(phone, server, lang, "coordinator@vechtcollege-zwolle.example")
    phone.goto(f"{server}/{lang}/staff/programmes")
    phone.click("a[href*='/staff/programmes/'] >> nth=1")
    programme_url = phone.url.split("?")[0]
    phone.goto(f"{programme_url}/registrations")
    phone.set_input_files("#file", str(csv))
    phone.select_option("#region", "noord")
    phone.fill("#contact_email", "office@vechtcollege-zwolle.example")
    phone.click("form[action$='/school-classes'] button[type=submit]")
    phone.wait_for_load_state()
    assert f"{class_name} 2026-2027" in phone.locator("main").inner_text()
    no_violations(phone, f"/{lang}/…/registrations after the upload")

    # The class's lessons: planned on Tuesdays, each with the class's mentor.
    phone.click(f"section:has-text('{class_name} 2026-2027') a[href*='/staff/cohorts/']")
    start = date.today() + timedelta(days=14)
    start += timedelta(days=(1 - start.weekday()) % 7)
    phone.select_option("#weekday", "1")
    phone.fill("#start_time", "10:00")
    phone.fill("#start_date", start.isoformat())
    phone.click("form[action$='/schedule'] button[type=submit]")
    phone.wait_for_load_state()
    schedule = phone.locator("main").inner_text()
    assert phone.locator("article.programme-card").count() == 10
    assert f"Mentor {lang}" in schedule
    assert gettext(lang, "The class mentor cannot be at lesson %(number)s.")[:20] not in schedule

    # The guest teacher's topics, school days and a week off; then the plan page.
    phone.goto(f"{programme_url}/guest-teachers")
    no_violations(phone, f"/{lang}/…/guest-teachers")
    card = phone.locator("section.programme-card").first
    for box in card.locator("input[name=topics]").all():
        box.check()
    for day in range(5):
        card.locator(f"input[name=weekdays][value='{day}']").check()
    card.locator("textarea[name=weeks_off]").fill(start.strftime("%d-%m-%Y"))
    card.locator("input[name=max_lessons_per_week]").fill("20")
    card.locator("button[type=submit]").click()
    phone.wait_for_load_state()
    assert gettext(lang, "Your changes are saved.") in phone.locator("main").inner_text()
    phone.click("form[action$='/guest-teachers/plan'] button[type=submit]")
    phone.wait_for_load_state()
    main = phone.locator("main").inner_text()
    # One guest teacher for classes at the same time: no plan, and the page says why, in words.
    assert gettext(lang, "No plan was made. This is why:") in main
    assert class_name in main
    assert "Vechtcollege" in main
    no_violations(phone, f"/{lang}/…/guest-teachers after planning")
