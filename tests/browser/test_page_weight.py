"""What a participant's phone downloads (README: Page weight): under 100 kB on the first visit,
under 10 kB on the next page, in Dutch and in Arabic.

Counted by Chromium itself (DevTools protocol, Network.loadingFinished: the bytes received for
each request, headers and compressed body) in a fresh browser context, so with an empty cache;
then a second page in the same context, where the stylesheets and the icon come from the cache.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

FIRST_VISIT_LIMIT = 100_000
NEXT_VISIT_LIMIT = 10_000
#: The start page with its programme list, and one programme's page.
HOME = "/"
PROGRAMME = "/programmes/triple-p-eindhoven"


class Meter:
    """Bytes received over the network by one page, per request."""

    def __init__(self, context, page) -> None:
        self.received: dict[str, float] = {}
        self.urls: dict[str, str] = {}
        self.codings: dict[str, str] = {}
        cdp = context.new_cdp_session(page)
        cdp.on("Network.requestWillBeSent", lambda e: self.urls.__setitem__(e["requestId"], e["request"]["url"]))
        cdp.on("Network.loadingFinished", lambda e: self.received.__setitem__(e["requestId"], e["encodedDataLength"]))
        cdp.on("Network.responseReceived", self._coding)
        cdp.send("Network.enable")
        self.cdp = cdp

    def _coding(self, event) -> None:
        headers = {k.lower(): v for k, v in event["response"]["headers"].items()}
        self.codings[event["requestId"]] = headers.get("content-encoding", "-")

    def visit(self, page, url: str) -> tuple[int, list[str]]:
        self.received.clear()
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        lines = [
            f"{int(n):>7} {self.codings.get(rid, '-'):>4} {self.urls.get(rid, rid)}" for rid, n in self.received.items()
        ]
        return int(sum(self.received.values())), lines


@pytest.mark.parametrize("lang", ["nl", "ar"])
@pytest.mark.parametrize(("first", "then"), [(HOME, PROGRAMME), (PROGRAMME, HOME)])
def test_a_participant_page_is_light_first_and_lighter_after(server, browser, lang, first, then):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    try:
        page = context.new_page()
        meter = Meter(context, page)
        first_bytes, first_lines = meter.visit(page, f"{server}/{lang}{first}")
        assert page.locator("html").get_attribute("lang") == lang
        # The design system's look arrived: the theme's font and the page's layout rules apply.
        assert page.evaluate("getComputedStyle(document.body).fontFamily") != ""
        assert page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--basis-text-font-size-md')")
        then_bytes, then_lines = meter.visit(page, f"{server}/{lang}{then}")
    finally:
        context.close()
    report = (
        f"\n/{lang}{first} first visit: {first_bytes} bytes\n  "
        + "\n  ".join(first_lines)
        + f"\n/{lang}{then} next visit: {then_bytes} bytes\n  "
        + "\n  ".join(then_lines)
    )
    print(report)
    assert 0 < first_bytes <= FIRST_VISIT_LIMIT, report
    assert 0 < then_bytes <= NEXT_VISIT_LIMIT, report
    # Nothing but the page itself came over the network again: the static files from the cache.
    assert all(line.split()[0] == "0" for line in then_lines if "/static/" in line), report
