"""Bar charts as accessible SVG, drawn on the server. Pure.

The chart is an image with a title and a description naming every figure; the page
shows the same figures in a table beside it. Suppressed bars ("<5") are drawn empty
with their label, so the chart gives away no more than the table.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from html import escape

from groepsaanbod.bounds import without_direction_controls

BAR_HEIGHT = 28
GAP = 10
FONT_SIZE = 14
LINE = 17
LABEL_WIDTH = 150
BAR_AREA = 170
VALUE_WIDTH = 60
#: A generous width of one character at FONT_SIZE (wider than most Latin and Arabic letters),
#: so a label wrapped at this many characters fits its column whatever the font.
CHAR_WIDTH = 0.62 * FONT_SIZE
LABEL_CHARS = int((LABEL_WIDTH - 6) // CHAR_WIDTH)


def bar_chart(chart_id: str, title: str, bars: Sequence[tuple[str, float | None, str]]) -> str:
    """Horizontal bars: (label, value or None when hidden, the value as written).

    Drawn left to right in every language (like the numbers in it); the table beside
    it follows the page's direction. A long label wraps over lines (never cut off) and its row
    grows; the value column is as wide as the longest value.
    """
    # Labels are names people typed: no direction control may reorder the chart around them.
    bars = [(without_direction_controls(label), value, text) for label, value, text in bars]
    description = "; ".join(f"{label}: {text}" for label, _, text in bars)
    top = max([v for _, v, _ in bars if v is not None] + [0])
    value_width = max([VALUE_WIDTH] + [round(text_width(text)) + 12 for _, _, text in bars])
    width = LABEL_WIDTH + BAR_AREA + value_width
    rows = [(wrap_label(label), value, text) for label, value, text in bars]
    heights = [max(BAR_HEIGHT, len(lines) * LINE) for lines, _, _ in rows]
    height = sum(heights) + GAP * (len(rows) + 1) if rows else BAR_HEIGHT + 2 * GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" direction="ltr" '
        f'class="report-chart" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    y = GAP
    for (lines, value, text), row_height in zip(rows, heights, strict=True):
        bar_y = y + (row_height - BAR_HEIGHT) // 2
        baseline = f"{bar_y + BAR_HEIGHT * 0.68:.0f}"
        first = y + (row_height - len(lines) * LINE) / 2 + LINE * 0.75
        spans = "".join(
            f'<tspan x="{LABEL_WIDTH - 6}" y="{first + n * LINE:.0f}">{escape(line)}</tspan>'
            for n, line in enumerate(lines)
        )
        parts.append(f'<text text-anchor="end" font-size="{FONT_SIZE}" fill="#1a1a1a">{spans}</text>')
        if value is None:
            length = 8
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{bar_y}" width="{length}" height="{BAR_HEIGHT}" fill="none" '
                'stroke="#1a1a1a" stroke-dasharray="3 2"/>'
            )
        else:
            length = 0 if top == 0 else max(2, round(BAR_AREA * value / top))
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{bar_y}" width="{length}" height="{BAR_HEIGHT}" fill="#154273"/>')
        parts.append(
            f'<text x="{LABEL_WIDTH + length + 6}" y="{baseline}" font-size="{FONT_SIZE}" fill="#1a1a1a" '
            f'direction="ltr" unicode-bidi="embed">{escape(text)}</text>'
        )
        y += row_height + GAP
    parts.append("</svg>")
    return "".join(parts)


def text_width(text: str) -> float:
    """A generous estimate of the drawn width of `text` at FONT_SIZE."""
    return len(text) * CHAR_WIDTH


def wrap_label(label: str) -> list[str]:
    """The label over as many lines as it needs, broken between words; a word longer than a
    whole line (a long name) is broken inside."""
    return textwrap.wrap(label, LABEL_CHARS, break_on_hyphens=False) or [""]
