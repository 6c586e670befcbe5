"""Write the site's icon: static/favicon.svg (linked from every page) and static/favicon.ico
(what clients ask for at /favicon.ico), the same drawing: three people of a group, white on
the theme's violet (--voorbeeld-kleuren-violet-500).

    .venv/bin/python scripts/build_favicon.py

Standard library only; the .ico holds a 16 and a 32 pixel PNG.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "src" / "groepsaanbod" / "static"
VIOLET = (0x51, 0x15, 0xEF)
#: On a 32 by 32 grid: the square's corner radius, and (x, y, r) of each head and body.
RADIUS = 6
HEADS = [(9, 12, 3.5), (23, 12, 3.5), (16, 10, 4)]
BODIES = [(9, 24, 6), (23, 24, 6), (16, 25, 7.5)]

SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<clipPath id="c"><rect width="32" height="32" rx="{radius}"/></clipPath>
<rect width="32" height="32" rx="{radius}" fill="#{violet}"/>
<g fill="#fff" clip-path="url(#c)">{shapes}</g>
</svg>
"""


def svg() -> str:
    shapes = "".join(f'<circle cx="{x}" cy="{y}" r="{r}"/>' for x, y, r in HEADS + BODIES)
    # The bodies are cut off by the square's edge, like shoulders.
    return SVG.format(radius=RADIUS, violet="{:02x}{:02x}{:02x}".format(*VIOLET), shapes=shapes)


def _inside(x: float, y: float) -> tuple[bool, bool]:
    """(in the rounded square, on a white shape) for a point on the 32 grid."""
    cx = min(max(x, RADIUS), 32 - RADIUS)
    cy = min(max(y, RADIUS), 32 - RADIUS)
    square = (x - cx) ** 2 + (y - cy) ** 2 <= RADIUS**2
    white = any((x - a) ** 2 + (y - b) ** 2 <= r**2 for a, b, r in HEADS + BODIES)
    return square, white


def pixels(size: int, samples: int = 4) -> bytes:
    """RGBA rows, each pixel the average of samples x samples points."""
    rows = bytearray()
    for py in range(size):
        rows.append(0)  # PNG filter: none
        for px in range(size):
            r = g = b = a = 0.0
            for sy in range(samples):
                for sx in range(samples):
                    x = (px + (sx + 0.5) / samples) * 32 / size
                    y = (py + (sy + 0.5) / samples) * 32 / size
                    square, white = _inside(x, y)
                    if square:
                        colour = (255, 255, 255) if white else VIOLET
                        r, g, b, a = r + colour[0], g + colour[1], b + colour[2], a + 1
            n = samples * samples
            rows += bytes(
                [round(r / a) if a else 0, round(g / a) if a else 0, round(b / a) if a else 0, round(255 * a / n)]
            )
    return bytes(rows)


def png(size: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels(size), 9))
        + chunk(b"IEND", b"")
    )


def ico(sizes: tuple[int, ...] = (16, 32)) -> bytes:
    images = [png(size) for size in sizes]
    offset = 6 + 16 * len(images)
    entries = b""
    for size, image in zip(sizes, images, strict=True):
        entries += struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(image), offset)
        offset += len(image)
    return struct.pack("<HHH", 0, 1, len(images)) + entries + b"".join(images)


def main() -> None:
    (STATIC / "favicon.svg").write_text(svg(), encoding="utf-8")
    (STATIC / "favicon.ico").write_bytes(ico())
    print("wrote static/favicon.svg and static/favicon.ico")


if __name__ == "__main__":
    main()
