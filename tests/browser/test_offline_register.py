"""The register at a petting farm without signal: the coordinator opens the register, the phone
loses its connection, she taps three people; the page says what is not sent yet, keeps it over a
reload (the service worker shows the page), and sends it when the connection returns. The marks
are saved once, also when sent again, and are in the audit record. At 360 px the sticky save
button covers no row."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import UTC, datetime

import pytest

from groepsaanbod.i18n.translations import gettext
from tests.browser.staff import sign_in
from tests.browser.test_scheduling import no_violations

AUDITED_MARKS = (
    "SELECT participant_id FROM audit_events WHERE subject = 'register_marks' AND participant_id IN (?, ?, ?)"
)

pytestmark = pytest.mark.browser
PEOPLE = ".register-person > input[name=present]"


def _meeting(db: str) -> int:
    """The demo's Triple P group in Sliedrecht: the meeting before its latest one (the latest is
    test_attendance's). Over a week ago, so only a coordinator may change it."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    with sqlite3.connect(db) as connection:
        row = connection.execute(
            "SELECT s.id FROM sessions s JOIN programmes p ON p.id = s.programme_id "
            "WHERE p.slug = 'triple-p-sliedrecht' AND s.cohort_id IS NOT NULL AND s.status != 'cancelled' "
            "AND s.starts_at < ? ORDER BY s.starts_at DESC LIMIT 1 OFFSET 1",
            (now,),
        ).fetchone()
    assert row, "a past meeting of the demo's Triple P group"
    return row[0]


def _rows(db: str, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql, args).fetchall()


def _status(page) -> str:
    return page.locator("#register-sync").inner_text().strip()


def _wait_for_status(page, text: str) -> None:
    page.wait_for_function("t => document.getElementById('register-sync').textContent.trim() === t", arg=text)


def test_marks_made_offline_are_sent_once_when_the_signal_returns(server, server_folder, phone):
    db = str(server_folder / "browser.db")
    meeting = _meeting(db)
    url = f"{server}/nl/staff/sessions/{meeting}/register"
    sign_in(phone, server, "nl", "coordinator@cjg-sliedrecht.example")
    phone.goto(url)
    no_violations(phone, "/nl/staff/sessions/…/register (offline ready)")
    # The service worker takes over the page and keeps it, with its style and script.
    phone.wait_for_function("() => navigator.serviceWorker.controller !== null")
    kept = (
        "() => caches.open('groepsaanbod-register-1')"
        ".then(c => c.keys()).then(k => k.map(r => new URL(r.url).pathname))"
    )
    for _ in range(50):
        paths = phone.evaluate(kept)
        if f"/nl/staff/sessions/{meeting}/register" in paths and any(p.endswith(".js") for p in paths):
            break
        phone.wait_for_timeout(100)
    assert f"/nl/staff/sessions/{meeting}/register" in paths, paths
    assert any(p.endswith(".css") for p in paths), paths
    boxes = phone.locator(PEOPLE)
    assert boxes.count() >= 3
    before = [boxes.nth(i).is_checked() for i in range(3)]
    ids = [int(boxes.nth(i).get_attribute("value")) for i in range(3)]
    marks_before = _rows(db, "SELECT count(*) FROM attendance_marks WHERE session_id = ?", meeting)[0][0]
    # Earlier tests on this server may have tapped these people already (taps are marks too).
    audited_before = Counter(pid for (pid,) in _rows(db, AUDITED_MARKS, *ids))

    phone.context.set_offline(True)
    for i in range(3):
        phone.locator(".register-person > label").nth(i).click()
    pending = gettext(
        "nl", "Marks not sent yet: %(count)s. They are kept on this device and sent as soon as there is a connection."
    )
    assert _status(phone) == pending.replace("%(count)s", "3")
    assert phone.locator("#register-sync").get_attribute("role") == "status"
    no_violations(phone, "/nl/staff/sessions/…/register (not sent yet)")
    assert _rows(db, "SELECT count(*) FROM attendance_marks WHERE session_id = ?", meeting)[0][0] == marks_before

    # Reloaded without signal: the kept page, with the taps put back on it and still waiting.
    reloaded = phone.reload()
    assert reloaded is not None
    assert reloaded.from_service_worker
    assert "x-groepsaanbod-kept-at" in reloaded.headers  # the kept copy, not the network
    assert phone.locator("h1").count() == 1
    _wait_for_status(phone, pending.replace("%(count)s", "3"))
    boxes = phone.locator(PEOPLE)
    assert [boxes.nth(i).is_checked() for i in range(3)] == [not b for b in before]
    sent = phone.evaluate(
        "JSON.parse(localStorage.getItem("
        "Object.keys(localStorage).find(k => k.startsWith('groepsaanbod-register-marks-'))))"
    )
    assert len(sent) == 3

    phone.context.set_offline(False)
    _wait_for_status(phone, gettext("nl", "All marks are sent and saved."))
    # Sent again (a phone unsure whether the first answer came): nothing changes.
    again = phone.evaluate(
        """marks => fetch(`/api/v1/sessions/${marks[0].session_id}/register/marks`, {
            method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({marks})
        }).then(r => r.json())""",
        sent,
    )
    assert sorted(again["known"]) == sorted(m["id"] for m in sent)
    assert again["applied"] == []

    stored = _rows(db, "SELECT id, participant_id, value FROM attendance_marks WHERE session_id = ?", meeting)
    assert len(stored) == marks_before + 3
    assert {m["id"] for m in sent} <= {row[0] for row in stored}
    statuses = dict(
        _rows(
            db,
            "SELECT participant_id, status FROM attendance WHERE session_id = ? AND participant_id IN (?, ?, ?)",
            meeting,
            *ids,
        )
    )
    assert statuses == {pid: ("absent" if was else "present") for pid, was in zip(ids, before, strict=True)}
    audited = Counter(pid for (pid,) in _rows(db, AUDITED_MARKS, *ids)) - audited_before
    assert sorted(audited.elements()) == sorted(ids)

    # A fresh page shows the marks as saved.
    phone.goto(url)
    boxes = phone.locator(PEOPLE)
    assert [boxes.nth(i).is_checked() for i in range(3)] == [not b for b in before]


def test_the_sticky_save_button_covers_no_row_at_360px(server, server_folder, phone):
    db = str(server_folder / "browser.db")
    sign_in(phone, server, "nl", "coordinator@cjg-sliedrecht.example")
    phone.goto(f"{server}/nl/staff/sessions/{_meeting(db)}/register")
    rows = phone.locator(".register-person")
    count = rows.count()
    assert count >= 10
    covered = []
    for i in range(count):
        # As a keyboard user reaches it: the browser scrolls the focused tick into view.
        phone.locator(PEOPLE).nth(i).focus()
        hit = phone.evaluate(
            """i => {
                const row = document.querySelectorAll('.register-person')[i];
                const box = row.querySelector('label').getBoundingClientRect();
                const at = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
                return row.contains(at);
            }""",
            i,
        )
        if not hit:
            covered.append(i)
    assert covered == [], f"rows covered by the save button: {covered}"
    # Scrolled to the very end: the last row sits above the button.
    phone.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    last = phone.evaluate(
        """() => {
            const rows = document.querySelectorAll('.register-person');
            const box = rows[rows.length - 1].getBoundingClientRect();
            const at = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
            return rows[rows.length - 1].contains(at);
        }"""
    )
    assert last
