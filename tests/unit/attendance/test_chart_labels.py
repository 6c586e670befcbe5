"""Chart labels are never cut off: a long label wraps over lines inside the chart's own box, in
every language (the longest label each language has), and every percentage carries its sign."""

from __future__ import annotations

import re
from html import unescape

from groepsaanbod.attendance import charts
from groepsaanbod.attendance import figures as f
from groepsaanbod.attendance.services.exports import cell_text
from groepsaanbod.i18n.formatting import percent
from groepsaanbod.i18n.languages import LANGUAGE_CODES
from groepsaanbod.i18n.translations import gettext, language_name


def chart_labels(language: str) -> list[str]:
    """Every fixed label a chart row can have in `language` (names people type come on top)."""
    fixed = [*f.AGE_GROUPS.values(), *f.WAIT_NAMES.values(), f.UNKNOWN_NAME]
    return [gettext(language, text) for text in fixed] + [language_name(code, language) for code in LANGUAGE_CODES]


def longest_label(language: str) -> str:
    return max(chart_labels(language), key=len)


def lines_of(svg: str) -> list[str]:
    return [unescape(t) for t in re.findall(r"<tspan [^>]*>([^<]*)</tspan>", svg)]


def test_the_longest_label_of_each_language_is_drawn_whole_within_the_label_column():
    for language in LANGUAGE_CODES:
        label = longest_label(language)
        svg = charts.bar_chart("c", "Title", [(label, 12, "12"), ("kort", 3, "3")])
        lines = lines_of(svg)
        assert " ".join(lines[:-1]) == label, (language, lines)  # every word, in order, none cut
        assert all(charts.text_width(line) <= charts.LABEL_WIDTH - 6 for line in lines), (language, lines)
        assert "…" not in svg


def test_the_dutch_age_group_is_no_longer_cut():
    label = gettext("nl", f.AGE_GROUPS["0-1"])
    assert label.startswith("kind jonger dan 1 j")
    svg = charts.bar_chart("c", "Leeftijd", [(label, 4, "4")])
    assert " ".join(lines_of(svg)) == label


def test_rows_grow_with_their_lines_and_stay_inside_the_view_box():
    name = "Kids & Koffie Sliedrecht, groep op de dinsdagochtend in de Merwehoeve"
    svg = charts.bar_chart("c", "Per groep", [(name, 80.6, percent(80.6, "es")), ("x" * 60, None, "<5")])
    width, height = map(float, re.search(r'viewBox="0 0 (\S+) (\S+)"', svg).groups())
    ys = [float(y) for y in re.findall(r'<tspan x="[^"]+" y="([^"]+)"', svg)]
    assert len(ys) >= 6
    assert max(ys) < height
    assert min(ys) > 0
    for x, text in re.findall(r'<text x="([^"]+)"[^>]*>([^<]*)</text>', svg):  # the values
        assert float(x) + charts.text_width(unescape(text)) <= width
    # A word longer than the column is broken inside rather than cut off.
    assert "".join(lines_of(svg)[-5:]).endswith("x" * 60)


def test_percentages_in_each_language():
    assert percent(80.6, "nl") == "80,6%"
    assert percent(80.6, "en") == "80.6%"
    assert percent(80.6, "tr") == "%80,6"
    assert percent(80.6, "es").replace("\xa0", " ") == "80,6 %"
    assert percent(100.0, "pl") == "100%"
    for language in LANGUAGE_CODES:
        assert "%" in percent(80.6, language) or "٪" in percent(80.6, language)
        assert "80" in percent(80.6, language)
        assert "6" in percent(80.6, language)


def test_a_rate_cell_on_the_page_carries_the_percent_sign():
    rate = f.Rate(29, 36)  # 80.6 %
    assert cell_text(rate, "nl") == "80,6%"
    assert cell_text(rate, "tr") == "%80,6"
    assert cell_text(f.Rate(0, 0), "nl") == "–"  # no base: nothing to show
    assert cell_text(f.HIDDEN, "nl") != f.HIDDEN  # the word in the reader's language
    assert cell_text(12, "nl") == "12"
