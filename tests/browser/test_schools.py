"""THINK op school through the pages (issue 16): the coordinator uploads classes with their mentors and
the school's region, plans a class's lessons (its mentor is on each), fills in a guest teacher's
school days and weeks off, and plans the guest teachers on the plan page. Then the rest of the year:
a mentor says "I can't come", sees what will happen and confirms (the lesson is cancelled); the guest
teacher takes the register of a lesson that took place; the coordinator reads the programme's report
and the municipality its report. At 360 px, in Dutch and Arabic."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from groepsaanbod.i18n.translations import gettext
from tests.browser.staff import sign_in
from tests.browser.test_scheduling import no_violations

pytestmark = pytest.mark.browser
SCHOOL = "vechtcollege-zwolle.example"
#: The demo's mentor who says "I can't come" in each language, and their class.
MENTORS = {"nl": ("mentor@" + SCHOOL, "Lotte Bakker", "1A"), "ar": ("mentor-1c@" + SCHOOL, "Nadia El Amrani", "1C")}


@pytest.mark.parametrize("lang", ["nl", "ar"])
def test_think_classes_mentors_availability_and_the_year_plan(server, server_folder, phone, lang, tmp_path):
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

    a_mentor_cannot_come(phone, server, lang)
    the_guest_teacher_takes_the_register(phone, server, lang, server_folder)
    the_reports(phone, server, lang, programme_url.rsplit("/", 1)[-1])


def as_person(phone, server: str, lang: str, email: str) -> None:
    phone.context.clear_cookies()
    sign_in(phone, server, lang, email)


def a_mentor_cannot_come(phone, server: str, lang: str) -> None:
    """The mentor's "I can't come" shows first what will happen and who is told; confirmed, the lesson
    is cancelled (THINK: no mentor, no lesson)."""
    email, name, class_name = MENTORS[lang]
    as_person(phone, server, lang, email)
    phone.goto(f"{server}/{lang}/staff/agenda")
    card = phone.locator(f"article.programme-card:has-text('{class_name} 20'):has(form[action$='/absence'])").first
    lesson = card.get_attribute("aria-labelledby").removeprefix("agenda-")
    card.locator("input[name=reason]").fill("ziek")
    card.locator("button[type=submit]").click()
    phone.wait_for_load_state()
    assert f"/staff/agenda/{lesson}/absence" in phone.url
    main = phone.locator("main").inner_text()
    assert gettext(lang, "Without you this meeting cannot go ahead. It will be cancelled.") in main
    assert name in main  # the lesson's staff are told, by name
    no_violations(phone, f"/{lang}/staff/agenda/…/absence")
    assert phone.locator("input[name=reason]").input_value() == "ziek"
    phone.click("form[action$='/absence'] button[type=submit]")
    phone.wait_for_load_state()
    assert "done=cancelled" in phone.url
    assert gettext(
        lang, "Thank you. Without you the meeting cannot go ahead, so it is cancelled. Everyone is told."
    ) in (phone.locator("main").inner_text())
    assert gettext(lang, "Cancelled") in phone.locator(f"article[aria-labelledby='agenda-{lesson}']").inner_text()
    no_violations(phone, f"/{lang}/staff/agenda?done=cancelled")


def a_lesson_took_place(server_folder: Path, class_name: str, offset: int, hour: int) -> int:
    """The server runs on the real clock: one of the class's planned lessons is moved to yesterday in its
    database, as if the year had come that far."""
    yesterday = date.today() - timedelta(days=1)
    local = datetime.combine(yesterday, datetime.min.time()).replace(hour=hour)
    utc = local.replace(tzinfo=ZoneInfo("Europe/Amsterdam")).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    stamp = "%Y-%m-%d %H:%M:%S.%f"
    with sqlite3.connect(server_folder / "browser.db", timeout=30) as db:
        (lesson,) = db.execute(
            "SELECT s.id FROM sessions s JOIN cohorts c ON c.id = s.cohort_id WHERE c.name LIKE ? AND s.status = "
            "'planned' ORDER BY s.number DESC LIMIT 1 OFFSET ?",
            (f"{class_name} %", offset),
        ).fetchone()
        db.execute(
            "UPDATE sessions SET local_start = ?, starts_at = ? WHERE id = ?",
            (local.strftime(stamp), utc.strftime(stamp), lesson),
        )
    return int(lesson)


def the_guest_teacher_takes_the_register(phone, server: str, lang: str, server_folder: Path) -> None:
    lesson = a_lesson_took_place(server_folder, "1B", 0 if lang == "nl" else 1, 10 if lang == "nl" else 13)
    as_person(phone, server, lang, "guest-teacher@" + SCHOOL)
    phone.goto(f"{server}/{lang}/staff/registers")
    no_violations(phone, f"/{lang}/staff/registers (guest teacher)")
    phone.click(f"a[href$='/staff/sessions/{lesson}/register']")
    phone.wait_for_load_state()
    assert "1B" in phone.locator("main").inner_text()
    no_violations(phone, f"/{lang}/staff/sessions/…/register (guest teacher)")
    phone.click("button.register-save")
    phone.wait_for_url("**/register?done=saved")  # the page's script may hold the post a moment
    assert gettext(lang, "The register is saved.") in phone.locator("main").inner_text()


def the_reports(phone, server: str, lang: str, programme_id: str) -> None:
    """The coordinator reads the programme's report; the municipality (CJG) reads THINK's in Zwolle."""
    as_person(phone, server, lang, "coordinator@" + SCHOOL)
    phone.goto(f"{server}/{lang}/staff/reports?programme_id={programme_id}")
    assert phone.locator("#programme_id").input_value() == programme_id
    assert phone.locator("#summary-heading").count() == 1
    no_violations(phone, f"/{lang}/staff/reports?programme_id=…")
    as_person(phone, server, lang, "cjg@cjg-sliedrecht.example")
    phone.goto(f"{server}/{lang}/staff/reports/municipality?place=Zwolle&programme=think-op-school")
    assert phone.locator("#place").input_value() == "Zwolle"
    assert phone.locator("#programme").input_value() == "think-op-school"
    assert phone.locator("#summary-heading").count() == 1
    no_violations(phone, f"/{lang}/staff/reports/municipality?programme=think-op-school")
