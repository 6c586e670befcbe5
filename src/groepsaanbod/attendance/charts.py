"""Bar charts as accessible SVG, drawn on the server. Pure.

The chart is an image with a title and a description naming every figure; the page
shows the same figures in a table beside it. Suppressed bars ("<5") are drawn empty
with their label, so the chart gives away no more than the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from groepsaanbod.bounds import without_direction_controls

BAR_HEIGHT = 28
GAP = 10
LABEL_WIDTH = 150
BAR_AREA = 170
VALUE_WIDTH = 60
WIDTH = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH


def bar_chart(chart_id: str, title: str, bars: Sequence[tuple[str, float | None, str]]) -> str:
    """Horizontal bars: (label, value or None when hidden, the value as written).

    Drawn left to right in every language (like the numbers in it); the table beside
    it follows the page's direction.
    """
    # Labels are names people typed: no direction control may reorder the chart around them.
    bars = [(without_direction_controls(label), value, text) for label, value, text in bars]
    description = "; ".join(f"{label}: {text}" for label, _, text in bars)
    top = max([v for _, v, _ in bars if v is not None] + [0])
    height = max(len(bars), 1) * (BAR_HEIGHT + GAP) + GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}" direction="ltr" '
        f'class="report-chart" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for i, (label, value, text) in enumerate(bars):
        y = GAP + i * (BAR_HEIGHT + GAP)
        baseline = f"{y + BAR_HEIGHT * 0.68:.0f}"
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{baseline}" text-anchor="end" font-size="14" fill="#1a1a1a">'
            f"{escape(_short(label))}</text>"
        )
        if value is None:
            length = 8
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" fill="none" '
                'stroke="#1a1a1a" stroke-dasharray="3 2"/>'
            )
        else:
            length = 0 if top == 0 else max(2, round(BAR_AREA * value / top))
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" fill="#154273"/>')
        parts.append(
            f'<text x="{LABEL_WIDTH + length + 6}" y="{baseline}" font-size="14" fill="#1a1a1a" direction="ltr" '
            f'unicode-bidi="embed">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _short(label: str, most: int = 20) -> str:
    return label if len(label) <= most else label[: most - 1] + "…"
