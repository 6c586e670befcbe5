"""Subscribe links for a feed: https and webcal, and a QR code to scan with a phone."""

from __future__ import annotations

from dataclasses import dataclass

import segno


@dataclass(frozen=True)
class FeedLinks:
    https: str
    webcal: str
    qr_svg: str


def feed_links(base_url: str, path: str) -> FeedLinks:
    https = f"{base_url}{path}"
    webcal = "webcal://" + https.split("://", 1)[1]
    # The caption next to it says what it is; screen readers skip the picture itself.
    qr = segno.make(https, error="m").svg_inline(scale=3, omitsize=False)
    qr = qr.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
    return FeedLinks(https, webcal, qr)
