"""Signing a demo account in through the pages, second factor included.

The server lives for the whole session, so each demo account sets up its second
factor on its first sign-in (as a person does: the key from the page into an
"app", here pyotp) and keeps its secret and recovery codes here. A later sign-in
gives the app's code, or, when that code was used already in this 30-second
step, a recovery code (each works once)."""

from __future__ import annotations

import time

import pyotp

from groepsaanbod.demo import DEMO_PASSWORD

_SECRETS: dict[str, str] = {}
_RECOVERY: dict[str, list[str]] = {}
_LAST_STEP: dict[str, int] = {}


def _step() -> int:
    return int(time.time()) // 30


def set_up_second_factor(page, email: str) -> list[str]:
    """On the set-up page: read the key, confirm a code, keep the recovery codes; the codes page stays open."""
    secret = page.locator("figure code").inner_text().replace(" ", "")
    _SECRETS[email] = secret
    _LAST_STEP[email] = _step()
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("form[action$='/second-factor'] button[type=submit]")
    page.wait_for_selector(".recovery-codes")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    _RECOVERY[email] = list(codes)
    return codes


def give_second_factor(page, email: str) -> None:
    if _LAST_STEP.get(email) != _step():
        _LAST_STEP[email] = _step()
        code = pyotp.TOTP(_SECRETS[email]).now()
    else:
        code = _RECOVERY[email].pop()
    page.fill("#code", code)
    page.click("form[action$='/second-factor'] button[type=submit]")
    page.wait_for_load_state()


def sign_in(page, server: str, lang: str, email: str) -> None:
    """Password, then the second factor where the account needs one; ends on the staff start page."""
    page.goto(f"{server}/{lang}/staff/sign-in")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    if "/staff/second-factor" in page.url:
        if page.locator("figure code").count():
            set_up_second_factor(page, email)
        else:
            give_second_factor(page, email)
        page.goto(f"{server}/{lang}/staff/")
    assert "/staff/sign-in" not in page.url, page.url
    assert "/staff/second-factor" not in page.url, page.url
