"""The report charts' labels measured in a real browser: with the longest label of each
language, every text sits inside the chart's view box and no label runs into its bar."""

from __future__ import annotations

import pytest

from groepsaanbod.attendance import charts
from groepsaanbod.i18n.formatting import percent
from groepsaanbod.i18n.languages import LANGUAGE_CODES
from tests.unit.attendance.test_chart_labels import chart_labels

pytestmark = pytest.mark.browser

MEASURE = """() => {
  const svg = document.querySelector('svg'), box = svg.viewBox.baseVal;
  return [...svg.querySelectorAll('text')].map(t => {
    const b = t.getBBox();
    return {text: t.textContent, left: b.x, right: b.x + b.width, top: b.y, bottom: b.y + b.height,
            width: box.width, height: box.height, label: t.getAttribute('text-anchor') === 'end'};
  });
}"""


def test_every_label_fits_the_chart_in_every_language(browser):
    page = browser.new_page()
    try:
        for language in LANGUAGE_CODES:
            labels = sorted(chart_labels(language), key=len, reverse=True)[:6]
            bars = [(label, 10 * (n + 1), percent(10.5 * (n + 1), language)) for n, label in enumerate(labels)]
            html = charts.bar_chart("c", "t", bars)
            direction = "rtl" if language == "ar" else "ltr"
            page.set_content(
                f'<html lang="{language}" dir="{direction}"><body style="font-family: system-ui, sans-serif">'
                f'<div style="width: 328px">{html}</div></body></html>'
            )
            measured = page.evaluate(MEASURE)
            drawn = [t["text"].replace(" ", "") for t in measured if t["label"]]
            assert drawn == [label.replace(" ", "") for label in labels], f"{language}: a label is cut"
            for t in measured:
                where = f"{language}: {t['text']!r}"
                assert t["left"] >= 0, where
                assert t["right"] <= t["width"], where
                assert t["top"] >= 0, where
                assert t["bottom"] <= t["height"], where
                if t["label"]:
                    assert t["right"] <= charts.LABEL_WIDTH, f"{where} runs into its bar"
    finally:
        page.close()
