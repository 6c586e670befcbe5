"""The list of common passwords shipped in accounts/data (read once, never downloaded)."""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

LIST = Path(__file__).parent / "data" / "common-passwords.txt.gz"


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(LIST, "rt", encoding="utf-8") as f:
        return frozenset(line.strip() for line in f if line.strip())
