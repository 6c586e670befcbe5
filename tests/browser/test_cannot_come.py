"""A parent who reads Arabic (right to left) and one who reads Somali go from their reminder's link
to "can't come"; the coordinator's register shows them pre-filled as excused. Accessible, at 360 px."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from groepsaanbod.db import make_engine, make_session_factory
from groepsaanbod.i18n.translations import gettext
from groepsaanbod.reminders.services import plan_due_reminders
from groepsaanbod.settings import normalise_database_url
from tests.browser.staff import sign_in
from tests.browser.test_scheduling import no_violations
from tests.databases import run_async

pytestmark = pytest.mark.browser
LINK = re.compile(r"\S+/my/absence/[A-Za-z0-9_-]+")


def _members(db: str) -> tuple[int, list[tuple[int, str]]]:
    """Two members of the demo's running Triple P group in Sliedrecht and its next meeting."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT r.participant_id, r.contact_email, r.cohort_id FROM registrations r "
            "WHERE r.contact_email LIKE 'demo-triple-p-sliedrecht-%' AND r.status = 'confirmed' "
            "AND r.cohort_id IS NOT NULL ORDER BY r.id LIMIT 2"
        ).fetchall()
        assert len(rows) == 2, "the demo's Triple P group"
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
        meeting = connection.execute(
            "SELECT id FROM sessions WHERE cohort_id = ? AND status = 'planned' AND starts_at > ? "
            "ORDER BY starts_at LIMIT 1",
            (rows[0][2], now),
        ).fetchone()
        assert meeting, "a coming meeting"
        # One reads Arabic, the other Somali.
        for (pid, _, _), lang in zip(rows, ("ar", "so"), strict=True):
            connection.execute("UPDATE participants SET language = ? WHERE id = ?", (lang, pid))
    return meeting[0], [(pid, email) for pid, email, _ in rows]


async def _remind(db: str, base_url: str, session_id: int) -> None:
    engine = make_engine(normalise_database_url(f"sqlite:///{db}"))
    try:
        factory = make_session_factory(engine)
        async with factory() as session:
            from groepsaanbod.scheduling.models import Session

            starts_at = (await session.get_one(Session, session_id)).starts_at
        await plan_due_reminders(factory, base_url, lambda: starts_at - timedelta(hours=47))
    finally:
        await engine.dispose()


def test_from_a_reminder_to_cant_come_in_arabic_and_somali(server, server_folder, phone):
    db = str(server_folder / "browser.db")
    meeting, members = _members(db)
    run_async(_remind(db, server, meeting))
    for (_, email), lang in zip(members, ("ar", "so"), strict=True):
        with sqlite3.connect(db) as connection:
            body = connection.execute(
                "SELECT body_text FROM outbox_messages WHERE kind = 'session_reminder' AND to_address = ? "
                "ORDER BY id DESC LIMIT 1",
                (email,),
            ).fetchone()[0]
        link = re.sub(r"/[a-z]{2}/my/absence/", f"/{lang}/my/absence/", LINK.search(body).group(0))
        phone.goto(link)
        assert phone.locator("html").get_attribute("lang") == lang
        if lang == "ar":
            assert phone.locator("html").get_attribute("dir") == "rtl"
        assert gettext(lang, "Can't come to this meeting?") in phone.locator("h1").inner_text()
        no_violations(phone, f"/{lang}/my/absence/…")
        phone.click("button[value=cannot_come]")
        main = phone.locator("main").inner_text()
        assert gettext(lang, "Thank you. We know you can't come. Your group's trainer sees it.") in main
        assert gettext(lang, "You told us you can't come to this meeting.") in main
        no_violations(phone, f"/{lang}/my/absence/… (told)")

    sign_in(phone, server, "nl", "coordinator@cjg-sliedrecht.example")
    phone.goto(f"{server}/nl/staff/sessions/{meeting}/register")
    main = phone.locator("main").inner_text()
    assert main.count(gettext("nl", "told us beforehand: can't come")) == 2
    assert gettext("nl", "excused") in main
    no_violations(phone, "/nl/staff/sessions/…/register (told beforehand)")
