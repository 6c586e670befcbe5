"""Every staff page fits a 360 px phone: a wide table scrolls in its own box, never the page.

Each demo role signs in once and walks the staff pages it can reach by following links (one page
per route shape, ids replaced, so a list of twenty groups costs one visit), in Dutch and in Arabic
(right to left). All offenders are collected, so one run names every page that scrolls sideways."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest

from tests.browser.staff import sign_in

pytestmark = pytest.mark.browser

# One account per role that sees pages of its own; the coordinators of the four kinds of
# organisation see different programmes (due dates, drop-in, classes, groups).
ACCOUNTS = (
    "admin@cjg-sliedrecht.example",
    "coordinator@cjg-sliedrecht.example",
    "coordinator@verloskunde-huizen.example",
    "coordinator@vechtcollege-zwolle.example",
    "coordinator@opvoeden-samen.example",
    "volunteer@cjg-sliedrecht.example",
    "trainer@opvoeden-samen.example",
    "mentor@vechtcollege-zwolle.example",
    "midwife@verloskunde-huizen.example",
    "cjg@cjg-sliedrecht.example",
)
# Files, not pages; and pages that end the session or change something on a GET.
SKIP = re.compile(r"(\.csv|\.ics|/export|/feed|/download|/sign-out|/sign-in|/second-factor$|/password)")
MAX_PAGES_PER_ACCOUNT = 40

LINKS = """() => [...document.querySelectorAll('a[href]')]
  .filter(a => !a.hasAttribute('download'))
  .map(a => a.href)"""
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def shape(path: str) -> str:
    """/nl/staff/programmes/12/registrations -> /staff/programmes/#/registrations (any language)."""
    return re.sub(r"/\d+", "/#", re.sub(r"^/[a-z]{2}(?=/)", "", path))


def problems_here(page, where: str) -> list[str]:
    """Sideways scroll of the page, and tables that are not in their scroll box."""
    found = []
    overflow = page.evaluate(OVERFLOW)
    if overflow > 0:
        found.append(f"{where}: {overflow}px too wide")
    bare = page.evaluate("[...document.querySelectorAll('table')].filter(t => !t.closest('.table-scroll')).length")
    if bare:
        found.append(f"{where}: {bare} table(s) outside a .table-scroll box")
    return found


def walk(page, server: str, email: str, visited: set[str]) -> list[str]:
    """Follow the staff links from the start page, one page per route shape, each in nl and ar."""
    problems: list[str] = []
    seen: set[str] = set()
    queue = ["/nl/staff/"]
    while queue and len(seen) < MAX_PAGES_PER_ACCOUNT:
        path = queue.pop(0)
        if shape(path) in seen:
            continue
        response = page.goto(server + path)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        seen.add(shape(path))
        visited.add(shape(path))
        problems += problems_here(page, f"{email} {path}")
        for href in page.evaluate(LINKS):
            parts = urlsplit(href)
            if f"{parts.scheme}://{parts.netloc}" != server or not parts.path.startswith("/nl/staff/"):
                continue
            if SKIP.search(parts.path) or shape(parts.path) in seen:
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        # Pages without ids look alike for every account: Arabic once is enough there.
        if "#" in shape(path) or f"ar:{shape(path)}" not in visited:
            visited.add(f"ar:{shape(path)}")
            arabic = "/ar" + path.removeprefix("/nl")
            page.goto(server + arabic)
            problems += problems_here(page, f"{email} {arabic}")
    return problems


def test_every_staff_page_fits_a_phone_in_nl_and_ar(server, browser):
    started = time.monotonic()
    problems: list[str] = []
    visited: set[str] = set()
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        for email in ACCOUNTS:
            context.clear_cookies()
            page = context.new_page()
            sign_in(page, server, "nl", email)
            problems += walk(page, server, email, visited)
            page.close()
    finally:
        context.close()
    # The walk really reached the wide pages (a broken crawl must not pass quietly).
    for must in ("/staff/programmes/#/registrations", "/staff/audit", "/staff/reports", "/staff/registers"):
        assert must in visited, sorted(visited)
        assert f"ar:{must}" in visited, sorted(visited)
    assert not problems, "\n".join(problems)
    print(f"{len(visited) // 2} kinds of staff page, nl and ar, at 360 px in {time.monotonic() - started:.0f}s")
